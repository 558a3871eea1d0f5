"""The API's real failure answers for browser tests: a second `chalice local` of the app, allowing the
console's origin, whose AWS traffic goes through the integration tests' fault proxy
(tests/integration/fault_proxy.py) to the session's emulator: same data, same key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from backend.local.devstack import DevStack
from tests.integration.fault_proxy import FaultProxy, app_behind_proxy


@dataclass
class FaultyApi:
    url: str
    proxy: FaultProxy


@contextmanager
def running_faulty_api(stack: DevStack, request_budget_seconds: float | None = None) -> Iterator[FaultyApi]:
    with app_behind_proxy(stack, request_budget_seconds) as (url, proxy):
        yield FaultyApi(url, proxy)
