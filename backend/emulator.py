"""What the in-process emulator (moto 5.2.5) needs so that our code meets AWS's guarantees there.

Applied by DevStack in its own process, where moto's server thread runs; each fix is measured:

- Step Functions' interpreter calls DynamoDB back at http://localhost:$MOTO_PORT (default 5000)
  from the server process itself, so that process needs MOTO_PORT, not only the children.
- moto's DynamoDB checks a ConditionExpression and then writes, with no lock, while its HTTP server
  answers each request on its own thread: two concurrent `attribute_not_exists(id)` puts of one
  key could both succeed (seen in 7 of 100 rounds of 20 concurrent puts, with a short thread switch
  interval). Real DynamoDB makes a conditional write atomic, and our "never overwrites" rests on
  that, so item writes are serialised here.
- The interpreter logs every error a Catch handles (a conditional check that failed, a missing
  item) with a full state dump; those are outcomes here, and describe_execution keeps the details.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_write_lock = threading.RLock()


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return method(*args, **kwargs)

    call.__serialised__ = True  # type: ignore[attr-defined]
    return call


def prepare(port: int) -> None:
    """Call before the emulator serves requests; safe to call again (a second DevStack)."""
    from moto.dynamodb.models import DynamoDBBackend

    os.environ["MOTO_PORT"] = str(port)
    for name in _WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "__serialised__", False):
            setattr(DynamoDBBackend, name, _serialised(method))
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
