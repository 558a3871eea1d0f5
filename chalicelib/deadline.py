"""The time a request has left: one budget for the whole request, however many calls it makes.

The HTTP edge opens a budget per request (`REQUEST_BUDGET_SECONDS`, below the Lambda timeout and API
Gateway's 29 s); every AWS call (chalicelib/aws.py) sizes its timeouts and retries from what is
left, so a slow or hung data store ends in our 503, not in a killed function and a gateway 5xx.
Code that runs outside a request (event handlers, the reconciler) has no budget: each of its calls
gets `UNBUDGETED_CALL_SECONDS`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

UNBUDGETED_CALL_SECONDS = 10.0

_expires_at: ContextVar[float | None] = ContextVar("request_deadline", default=None)


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Everything inside shares one deadline, `seconds` from now; never later than an enclosing
    budget's (a part of a job cannot outlast the job)."""
    enclosing = _expires_at.get()
    expires_at = time.monotonic() + seconds
    token = _expires_at.set(expires_at if enclosing is None else min(enclosing, expires_at))
    try:
        yield
    finally:
        _expires_at.reset(token)


def remaining() -> float | None:
    """Seconds left in the current request's budget; None outside a request."""
    expires_at = _expires_at.get()
    return None if expires_at is None else expires_at - time.monotonic()
