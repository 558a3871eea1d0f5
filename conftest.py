"""One real local stack per test session, shared by tests/integration and frontend/e2e.

moto keeps its state per process, so two stacks in one pytest process would collide; the
browser tests add the console to this same stack (`DevStack.start_web`).

The stack's emulator serves moto's in-process backends, which the functional tests' `mock_aws`
resets and fills too: run after the stack has started, they would wipe its tables and its glue
would act on their submissions. So every test that needs the stack runs after every test that
does not, whatever order the command line names them in, and a functional test that still meets
a running stack (a plugin reordered the tests) refuses to run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from backend.local.devstack import DevStack
from backend.local.unique import free_port
from tests.conftest import API_KEY, STACK_RUNNING  # importing it also pins fake AWS credentials


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that use the stack last (a stable sort: each group keeps its order)."""
    items.sort(key=lambda item: "stack" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[DevStack]:
    web_port = int(os.environ.get("E2E_WEB_PORT") or free_port())  # CORS follows it
    with DevStack(api_port=free_port(), emulator_port=free_port(), web_port=web_port,
                  web=False, api_key=API_KEY, quiet=True) as running:
        request.config.stash[STACK_RUNNING] = True
        try:
            yield running
        finally:
            request.config.stash[STACK_RUNNING] = False
