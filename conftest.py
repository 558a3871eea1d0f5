"""One real local stack per test session, shared by tests/integration and frontend/e2e.

moto keeps its state per process, so two stacks in one pytest process would collide; the
browser tests add the console to this same stack (`DevStack.start_web`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from backend.local.devstack import DevStack
from tests.conftest import API_KEY, free_port  # importing it also pins fake AWS credentials


@pytest.fixture(scope="session")
def stack() -> Iterator[DevStack]:
    web_port = int(os.environ.get("E2E_WEB_PORT") or free_port())  # CORS follows it
    with DevStack(api_port=free_port(), emulator_port=free_port(), web_port=web_port,
                  web=False, api_key=API_KEY, quiet=True) as running:
        yield running
