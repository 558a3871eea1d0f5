"""HTTP clients for the real local stack (`make dev`'s code path; the `stack` fixture is in
the root conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from backend.local.devstack import DevStack
from tests.conftest import API_KEY

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def api(stack: DevStack) -> Iterator[httpx.Client]:
    """An HTTP client for the local API that sends the local key. Its pool never closes a connection
    to make room or because too many are idle: httpcore 1.0.9 can close one it has just handed to a
    waiting request (encode/httpcore#1110), which then fails with "Bad file descriptor"; the
    concurrency tests send from up to 50 threads at once."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    with httpx.Client(base_url=stack.api_url, headers={"x-api-key": API_KEY}, timeout=30,
                      limits=limits) as client:
        yield client


@pytest.fixture(scope="session")
def anonymous(stack: DevStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client
