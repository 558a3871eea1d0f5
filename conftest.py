"""One real local stack per test process, shared by tests/integration and frontend/e2e.

`make test` runs pytest in several processes (pytest-xdist, `-n`). A process that runs a test
needing the `stack` fixture starts its own stack once, for the rest of its session: emulator and
`chalice local` on free ports of their own, and its own tables (the emulator is moto in this
process, and moto keeps its state per process). The browser tests add the console to that same
stack (`DevStack.start_web`).

The stack's emulator serves moto's in-process backends, which the functional tests' `mock_aws`
resets and fills too: run after the stack has started, they would wipe its tables and its glue
would act on their submissions. So in every process, every test that needs the stack runs after
every test that does not: the collection sorts them last, and `StackLastScheduling` hands each
process its work in collection order. A functional test that still meets a running stack (a
plugin reordered the tests) refuses to run.

How the work is cut (StackLastScheduling): tests go out in units, one unit to one process. A unit
is a run of consecutive tests of one module (a test alone, in the few modules of long
independent tests listed in EACH_TEST_A_UNIT). The browser tests are two modules, so two processes
each start a Vite and a Chromium: that costs less than the minutes one process would take for
both, which would end the run last. The deploy tests share one build across processes (the
`built` fixture's lock). Within each half of the collection, the units known to be long
(LONG_FIRST) come first, so they start early and the short ones fill the other processes around
them (not test_readiness.py: it holds a first request to the time budget, so it stays out of the
crowd of stacks starting at once). A new test fits by itself: it lands in its module's unit, and
its use of the `stack` fixture puts it in the right half.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from backend.local.devstack import DevStack
from backend.local.unique import free_port
from tests.conftest import API_KEY, STACK_RUNNING  # importing it also pins fake AWS credentials

# Where tests share something costly to start, so they run in one process (none now: see above).
SHARED_UNITS: tuple[str, ...] = ()
# Modules of long tests that share nothing (most of their time is waiting on the workflow's timers):
# each test is a unit of its own, so they spread over the processes instead of holding one process
# for the best part of a minute.
EACH_TEST_A_UNIT = (
    "tests/functional/test_workflow_recovery.py",
    "tests/functional/test_documented_statuses.py",
)
# Long units, longest first (measured with --durations): started first within their half.
LONG_FIRST = (
    "tests/infra/test_bundle.py",  # builds both stages (deploy.sh --dry-run) for every deploy test
    "tests/integration/test_local_data.py",  # starts `make dev` four times, in one test
    "tests/integration/test_dev_command.py",  # each test starts `make dev`
    "tests/infra/test_templates.py",  # cfn-lint, template by template
    "tests/functional/test_workflow_recovery.py",
    "frontend/e2e/test_console.py",
    "frontend/e2e/test_console_work.py",
    "tests/integration/test_fuzz.py",
    "tests/integration/test_concurrency.py",
    "tests/integration/test_faults.py",
)


def needs_stack(item: pytest.Item) -> bool:
    return "stack" in getattr(item, "fixturenames", ())


def _unit_of(nodeid: str) -> str:
    if nodeid.startswith(EACH_TEST_A_UNIT):
        return nodeid
    return next((prefix for prefix in SHARED_UNITS if nodeid.startswith(prefix)), nodeid.split("::")[0])


def _rank(nodeid: str) -> int:
    ranks = (rank for rank, prefix in enumerate(LONG_FIRST) if nodeid.startswith(prefix))
    return next(ranks, len(LONG_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that use the stack last; in each half the long units first (a stable sort: each
    group keeps its order)."""
    items.sort(key=lambda item: (needs_stack(item), _rank(item.nodeid)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return StackLastScheduling(config, log)


class StackLastScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """Units of work (see the module's docstring) handed out in collection order, so each process
    runs its tests in collection order too: every test without the stack before any with it."""

    collection: list[str] | None

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        self._units: dict[str, str] = {}

    def _split_scope(self, nodeid: str) -> str:
        return self._units[nodeid]

    def schedule(self) -> None:
        """LoadScopeScheduling's, with our units, never reordered by size."""
        if self.collection is not None:
            for node in self.nodes:
                self._reschedule(node)
            return
        if not self._check_nodes_have_same_collection():
            self.log("**Different tests collected, aborting run**")
            return
        collection: list[str] = list(next(iter(self.registered_collections.values())))
        self.collection = collection
        self._units = units(collection)
        for nodeid in collection:
            self.workqueue.setdefault(self._units[nodeid], {})[nodeid] = False
        for node in self.nodes[len(self.workqueue):]:  # more processes than units
            self.assigned_work.pop(node, None)
            node.shutdown()
        for node in self.nodes:
            if self.workqueue:
                self._assign_work_unit(node)
        for node in self.nodes:
            self._reschedule(node)


def units(collection: Sequence[str]) -> dict[str, str]:
    """Each test's unit: runs of consecutive tests in one module (or shared directory), or the test
    alone (EACH_TEST_A_UNIT); a module that comes back later in the collection (its stack tests)
    starts a unit of its own."""
    found: dict[str, str] = {}
    previous, run = None, 0
    for nodeid in collection:
        unit = _unit_of(nodeid)
        if unit != previous:
            previous, run = unit, run + 1
        found[nodeid] = f"{run}:{unit}"
    return found


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[DevStack]:
    """This process's stack, started at its first test that needs it and kept to the end."""
    web_port = int(os.environ.get("E2E_WEB_PORT") or free_port())  # CORS follows it
    with DevStack(api_port=free_port(), emulator_port=free_port(), web_port=web_port,
                  web=False, api_key=API_KEY, quiet=True) as running:
        request.config.stash[STACK_RUNNING] = True
        try:
            yield running
        finally:
            request.config.stash[STACK_RUNNING] = False

