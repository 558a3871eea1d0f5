"""Each lost or failing step of the workflow, injected for real; the submission still ends right.

Everything runs in process against moto, whose Step Functions interpreter executes the checked-in
definition against its DynamoDB (see test_workflow_handlers.py for the Flow helper). Faults are
injected below our code, never by patching it:

- a lost event: the bus's message is taken and dropped;
- StartExecution throttled: botocore's own `before-call` hook answers ThrottlingException;
- a frozen data store: moto's DynamoDB writes wait at a gate the test thread holds, so every write
  from any other thread, the state machine's included, hangs until it is released, while reads
  still answer; the test thread itself (our handlers, called here) can still write;
- a record step that cannot write: the machine is registered with a submissions table that does
  not exist, so its RecordInserted step fails after the insert.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

from backend.local import emulator
from backend.local.unique import fresh_id
from chalicelib import wiring
from chalicelib.errors import ServiceUnavailableError
from chalicelib.workflow.events import submitted_detail
from chalicelib.workflow.handlers import reconcile_submissions, start_workflow
from tests.clients import clients
from tests.functional.test_workflow_handlers import (
    CONTEXT,
    KEY,
    TABLES,
    Flow,
    customer,
    envelope,
    running_flow,
    settle_seconds,
)
from workflow import definition


@pytest.fixture
def flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with running_flow(monkeypatch) as running:
        yield running


class FrozenStore:
    """A re-entrant gate before moto's DynamoDB writes: while the test thread holds it, writes from
    every other thread hang (reads do not)."""

    WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._gate = threading.RLock()
        self._held = False
        for name in self.WRITES:
            monkeypatch.setattr(DynamoDBBackend, name, self._gated(getattr(DynamoDBBackend, name)))

    def _gated(self, write: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self._gate:
                return write(*args, **kwargs)
        return call

    def freeze(self) -> None:
        self._gate.acquire()
        self._held = True

    def thaw(self) -> None:
        if self._held:
            self._held = False
            self._gate.release()


@pytest.fixture
def store_freezer(monkeypatch: pytest.MonkeyPatch) -> Iterator[FrozenStore]:
    monkeypatch.setenv("MOTO_PORT", "5000")  # prepare() sets it; restored after the test
    emulator.prepare(5000)  # idempotent: makes moto's DynamoDB item operations atomic
    frozen = FrozenStore(monkeypatch)
    yield frozen
    frozen.thaw()


def start_on_a_frozen_store(flow: Flow, store_freezer: FrozenStore) -> tuple[str, str]:
    """Submit a new ID, freeze the store, start its execution: (customer ID, submission ID)."""
    cid = fresh_id()
    event = flow.submit(cid)
    store_freezer.freeze()
    start_workflow(event, CONTEXT)  # this thread holds the gate: the handler's writes pass
    return cid, event["detail"]["submissionId"]


def reconcile() -> None:
    """The scheduled reconciler, invoked as EventBridge Scheduler would."""
    event = envelope("aws.events", "Scheduled Event", {}, ["arn:aws:events:us-east-1:123456789012:rule/x"])
    reconcile_submissions(event, CONTEXT)


def wait_for_final(flow: Flow, submission_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = flow.submission(submission_id)
        if found["status"] in ("SUCCEEDED", "FAILED") or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def wait_until_stale() -> None:
    time.sleep(settle_seconds())


def history_types(flow: Flow, submission_id: str, machine: str | None = None) -> list[str]:
    arn = (machine or flow.machine).replace(":stateMachine:", ":execution:") + f":{submission_id}"
    events = clients().client("stepfunctions").get_execution_history(executionArn=arn)["events"]
    return [e["type"] for e in events]


def wait_for_state(flow: Flow, submission_id: str, state: str) -> None:
    """Until the execution has entered `state` (its history says so)."""
    arn = flow.machine.replace(":stateMachine:", ":execution:") + f":{submission_id}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        events = clients().client("stepfunctions").get_execution_history(executionArn=arn)["events"]
        if any(e.get("stateEnteredEventDetails", {}).get("name") == state for e in events):
            return
        time.sleep(0.05)
    raise AssertionError(f"the execution never entered {state}")


def test_a_lost_event_is_redriven_by_the_reconciler(flow: Flow) -> None:
    # GIVEN a submission whose CustomerIdSubmitted event never reaches the start handler
    cid = fresh_id()
    sid = flow.submit(cid)["detail"]["submissionId"]  # delivered to the test's queue, then dropped
    reconcile()
    assert flow.submission(sid)["status"] == "PENDING", "not stale yet: left alone"

    # WHEN the reconciler runs once it is stale
    wait_until_stale()
    reconcile()

    # THEN the execution it started inserts the ID, created by the submitter, and records it
    assert wait_for_final(flow, sid) | {"submittedAt": "", "updatedAt": ""} == {
        "submissionId": sid, "id": cid, "status": "SUCCEEDED", "outcome": "inserted", "error": None,
        "submittedAt": "", "updatedAt": "", "submittedBy": KEY}
    assert customer(flow, cid)["writeToken"] == {"S": sid}
    assert flow.api.get(f"/customers/{cid}")[1]["createdBy"] == KEY
    assert [e["name"] for e in flow.executions()] == [sid]


class Throttle:
    """Step Functions refusing StartExecution, as botocore sees it (no call leaves the process)."""

    def __call__(self, **_: Any) -> tuple[Any, dict[str, Any]]:
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders

        response = AWSResponse("https://states.us-east-1.amazonaws.com/", 400, HTTPHeaders(), None)
        return response, {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
                          "ResponseMetadata": {"HTTPStatusCode": 400}}


def test_a_start_handler_failing_past_its_retries_is_redriven_once_step_functions_answers(flow: Flow) -> None:
    # GIVEN StartExecution throttled for every attempt Lambda makes (the first and two retries)
    cid = fresh_id()
    event = flow.submit(cid)
    sid = event["detail"]["submissionId"]
    throttle = Throttle()
    undo = clients().on_every_attempt("stepfunctions", "before-call.sfn.StartExecution", throttle)
    # A Lambda with 2.5 s left: each invocation retries within that, then fails for Lambda to retry.
    short = SimpleNamespace(**vars(CONTEXT), get_remaining_time_in_millis=lambda: 2500)
    try:
        for _ in range(3):
            with pytest.raises(ServiceUnavailableError, match="busy"):
                start_workflow(event, short)
        assert flow.submission(sid)["status"] == "RUNNING" and flow.executions() == []
        wait_until_stale()
        reconcile()  # still throttled: nothing changes, nothing breaks
        assert flow.submission(sid)["status"] == "RUNNING"
    finally:
        undo()

    # WHEN the reconciler runs with Step Functions answering again
    reconcile()

    # THEN the submission ends as if nothing had happened, its submitter the ID's creator
    assert wait_for_final(flow, sid)["outcome"] == "inserted"
    assert customer(flow, cid)["writeToken"] == {"S": sid}
    assert flow.api.get(f"/customers/{cid}")[1]["createdBy"] == KEY


def test_a_record_step_failing_after_the_insert_reads_inserted_not_failed(flow: Flow) -> None:
    # GIVEN a machine whose RecordInserted step cannot write (no such submissions table)
    broken = flow.register("customers-workflow-cannot-record", {**TABLES, "SubmissionsTableName": "nope"})
    cid = fresh_id()
    event = flow.submit(cid)
    sid = event["detail"]["submissionId"]
    wiring.services().submissions.start(event["detail"], broken)

    # WHEN the execution fails after its insert, and its status-change event is lost
    execution = flow.execution(sid, broken)
    assert execution["status"] == "FAILED"
    assert flow.submission(sid)["status"] == "RUNNING"
    wait_until_stale()
    done = wiring.services().reconciler.run(broken)

    # THEN the submission says what the customers table says: inserted, by this submission
    assert done.resolved == [sid]
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"], recorded["error"]) == ("SUCCEEDED", "inserted", None)
    assert customer(flow, cid)["writeToken"] == {"S": sid}


def test_an_execution_aborted_while_its_insert_hangs_is_resolved_once_the_insert_lands(
    flow: Flow, store_freezer: FrozenStore
) -> None:
    # GIVEN an execution hanging in its insert (the store is frozen)
    cid, sid = start_on_a_frozen_store(flow, store_freezer)
    wait_for_state(flow, sid, "Insert")
    arn = flow.machine.replace(":stateMachine:", ":execution:") + f":{sid}"

    # WHEN it is aborted, and its status change reaches the handler at once
    clients().client("stepfunctions").stop_execution(executionArn=arn, error="Operator", cause="test")
    aborted = flow.end(sid)
    # AWS says ABORTED; moto 5.2.5 ends a stopped execution FAILED once its hung task times out.
    assert aborted["status"] in ("ABORTED", "FAILED")

    # THEN the handler does not guess: the put may still land
    assert flow.submission(sid)["status"] == "RUNNING"
    store_freezer.thaw()  # ... and it does land
    time.sleep(0.5)
    wait_until_stale()
    reconcile()
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"]) == ("SUCCEEDED", "inserted")
    assert customer(flow, cid)["writeToken"] == {"S": sid}


def test_an_execution_that_timed_out_before_inserting_is_recorded_failed(flow: Flow) -> None:
    # GIVEN a machine whose execution times out (1 s) while its first step is still retrying
    timed = definition.definition()
    timed["TimeoutSeconds"] = 1
    text = definition.substitute(json.dumps(timed), {**TABLES, "CustomersTableName": "no_such_table"})
    text = text.replace('"DynamoDB.ResourceNotFoundException",', "")  # make the missing table retried
    machine: str = clients().client("stepfunctions").create_state_machine(
        name="customers-workflow-timing-out", definition=text,
        roleArn="arn:aws:iam::123456789012:role/x")["stateMachineArn"]
    cid = fresh_id()
    event = flow.submit(cid)
    sid = event["detail"]["submissionId"]
    wiring.services().submissions.start(event["detail"], machine)

    # WHEN it times out and its status change is lost
    assert flow.execution(sid, machine)["status"] == "TIMED_OUT"
    wait_until_stale()
    done = wiring.services().reconciler.run(machine)

    # THEN the reconciler records FAILED: nothing was inserted
    assert done.resolved == [sid]
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"]) == ("FAILED", None)
    assert "TIMED_OUT" in recorded["error"]
    assert customer(flow, cid) == {}


# The production budget rides out 60 s (tests/unit/test_workflow_definition.py proves it from the
# deployed definition); this machine's budget, in whole seconds as Step Functions takes them, rides
# out the same outage scaled down, so the test waits seconds instead of a minute.
SHORT_BUDGET = definition.RetryBudget(task_timeout_seconds=1, interval_seconds=1, backoff_rate=2,
                                      max_delay_seconds=2, max_attempts=8, execution_timeout_seconds=60)
SHORT_OUTAGE_SECONDS = 6


def test_an_outage_of_the_data_store_within_the_retry_budget_delays_a_submission_but_does_not_fail_it(
    flow: Flow, store_freezer: FrozenStore
) -> None:
    # GIVEN a machine whose retry budget rides out the outage, as production's rides out 60 s
    assert SHORT_BUDGET.rides_out(SHORT_OUTAGE_SECONDS)
    short = definition.substitute(json.dumps(definition.definition(SHORT_BUDGET)), TABLES)
    clients().client("stepfunctions").update_state_machine(stateMachineArn=flow.machine, definition=short)
    # AND a submission whose execution meets a data store that hangs every write for the outage
    cid, sid = start_on_a_frozen_store(flow, store_freezer)
    frozen_at = time.monotonic()

    # WHEN the store comes back after the outage
    threading.Event().wait(SHORT_OUTAGE_SECONDS)
    store_freezer.thaw()
    execution = flow.execution(sid)
    waited = time.monotonic() - frozen_at
    while execution["status"] == "RUNNING" and time.monotonic() - frozen_at < 200:
        execution = flow.execution(sid)

    # THEN the execution rode it out (its insert timed out and was retried) and says inserted
    assert execution["status"] == "SUCCEEDED", execution
    assert waited >= SHORT_OUTAGE_SECONDS
    types = history_types(flow, sid)
    # (moto reports a timed-out DynamoDB task as TaskFailed: DynamoDB.AmazonDynamoDBException)
    assert types.count("TaskTimedOut") + types.count("TaskFailed") >= 3, types
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"], recorded["error"]) == ("SUCCEEDED", "inserted", None)
    assert customer(flow, cid)["writeToken"] == {"S": sid}


def test_the_reconciler_never_touches_a_submission_the_api_recorded_failed(flow: Flow) -> None:
    # GIVEN a submission recorded FAILED by the API (it could not publish), whose event got out
    sid = flow.submit(fresh_id())["detail"]["submissionId"]
    store = wiring.services().submission_store
    assert store.finish(sid, "FAILED", None, "the submission could not be published", "2026-11-25T09:00:00Z")
    detail = submitted_detail(sid, "whatever", "2026-11-25T09:00:00Z")

    start_workflow(envelope("customers.api", "CustomerIdSubmitted", detail, []), CONTEXT)
    wait_until_stale()
    reconcile()

    assert flow.executions() == []
    assert flow.submission(sid)["status"] == "FAILED"
