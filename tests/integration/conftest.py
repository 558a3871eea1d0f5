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
    """An HTTP client for the local API that sends the local key."""
    with httpx.Client(base_url=stack.api_url, headers={"x-api-key": API_KEY}, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def anonymous(stack: DevStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client
