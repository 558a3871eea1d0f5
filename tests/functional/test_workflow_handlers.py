"""The event handlers and the generated state machine together, in process, with nothing faked.

moto executes the checked-in definition for real (its Step Functions interpreter, against its
DynamoDB). The test plays EventBridge's part: it hands the API's event, then the execution's status
change (shaped by the same function the local stack uses), to our Chalice handlers. Submissions are
made with the stage's machine key, through the API's authorizer: the workflow's IDs name it as
their creator.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from backend.local.emulator import status_change_event
from backend.local.event_queue import route_to_queue, take_events
from backend.local.unique import fresh_id
from chalicelib.workflow.events import SUBMITTED_PATTERN
from chalicelib.workflow.handlers import record_workflow_end, start_workflow
from tests.clients import clients
from tests.conftest import API_KEY
from tests.functional.conftest import Api
from tests.local_stage import local_stage_project
from workflow.definition import load

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "123456789012", "us-east-1"
FUNCTION = "customer-ids-local-start_workflow"
# What Lambda's context object always has (Powertools' log context reads these).
CONTEXT = SimpleNamespace(
    invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}", function_name=FUNCTION,
    memory_limit_in_mb=256, aws_request_id="9a1c2b3d-0000-4000-8000-000000000001")
TABLES = {"CustomersTableName": "customer_ids", "SubmissionsTableName": "customer_id_submissions"}
KEY = {"kind": "key", "name": "local-dev-key"}  # who submits here: the local stage's machine key


def envelope(source: str, detail_type: str, detail: dict[str, Any], resources: list[str]) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "source": source, "detail-type": detail_type,
            "account": ACCOUNT, "region": REGION, "time": "2026-11-25T09:00:00Z", "resources": resources,
            "detail": detail}


class Flow:
    """The API, the bus (a rule with the app's pattern -> SQS) and the state machine, in process."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._queue = route_to_queue(clients().client("sqs"), clients().client("events"), "submitted",
                                     SUBMITTED_PATTERN)
        self.machine = self.register("customers-workflow", TABLES)

    def register(self, name: str, tables: dict[str, str]) -> str:
        arn: str = clients().client("stepfunctions").create_state_machine(
            name=name, definition=load(tables), roleArn=f"arn:aws:iam::{ACCOUNT}:role/x")["stateMachineArn"]
        return arn

    def submit(self, customer_id: str) -> dict[str, Any]:
        """POST /workflow/submit; returns the event the bus delivered for it."""
        status, body, _ = self.api.post("/workflow/submit", body={"id": customer_id})
        assert status == 202, body
        (event,) = take_events(clients().client("sqs"), self._queue, wait_seconds=0)
        event.setdefault("account", ACCOUNT)  # moto's delivered events lack it; Lambda's never do
        return dict(event)

    def execution(self, submission_id: str, machine: str | None = None) -> dict[str, Any]:
        arn = (machine or self.machine).replace(":stateMachine:", ":execution:") + f":{submission_id}"
        deadline = time.monotonic() + 20
        while True:
            described = dict(clients().client("stepfunctions").describe_execution(executionArn=arn))
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                return described
            time.sleep(0.02)

    def end(self, submission_id: str, machine: str | None = None) -> dict[str, Any]:
        """Wait for the execution, then deliver its final status change to the handler."""
        execution = self.execution(submission_id, machine)
        entry = status_change_event(execution, execution["status"])
        record_workflow_end(envelope(entry["Source"], entry["DetailType"], json.loads(entry["Detail"]),
                                     entry["Resources"]), CONTEXT)
        return execution

    def submission(self, submission_id: str) -> dict[str, Any]:
        status, body, _ = self.api.get(f"/workflow/submissions/{submission_id}")
        assert status == 200, body
        return dict(body)

    def executions(self) -> list[dict[str, Any]]:
        found = clients().client("stepfunctions").list_executions(stateMachineArn=self.machine)["executions"]
        return [dict(execution) for execution in found]


# How long a submission stays fresh for the reconciler and the status handler: the local stage's
# RECONCILE_AFTER_SECONDS, shortened so that the tests that wait for a submission to go stale wait
# seconds. chalice.test.Client sets the stage's variables on every request, so the shorter value
# lives in a copy of the project's config.
RECONCILE_AFTER_SECONDS = 3


@contextmanager
def running_flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    monkeypatch.setenv("LOCAL_API_KEY", API_KEY)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), \
            tempfile.TemporaryDirectory() as directory:
        clients().client("cloudformation").create_stack(
            StackName="data", TemplateBody=(ROOT / "backend" / "infra" / "data.json").read_text())
        from app import app

        project = local_stage_project(Path(directory), RECONCILE_AFTER_SECONDS=str(RECONCILE_AFTER_SECONDS))
        with Client(app, stage_name="local", project_dir=str(project)) as chalice_client:
            yield Flow(Api(chalice_client))


@pytest.fixture
def flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with running_flow(monkeypatch) as running:
        yield running


def settle_seconds() -> float:
    """How long the status handler leaves a fresh abnormal end to the reconciler."""
    return RECONCILE_AFTER_SECONDS + 0.1


def customer(flow: Flow, customer_id: str) -> dict[str, Any]:
    item: dict[str, Any] = clients().client("dynamodb").get_item(
        TableName="customer_ids", Key={"id": {"S": customer_id}}).get("Item", {})
    return item


def test_a_new_id_is_inserted_with_the_api_s_item_shape(flow: Flow) -> None:
    cid = fresh_id()
    event = flow.submit(cid)
    sid = event["detail"]["submissionId"]

    start_workflow(event, CONTEXT)
    assert flow.submission(sid)["status"] in ("RUNNING", "SUCCEEDED")
    flow.end(sid)

    assert flow.submission(sid) | {"submittedAt": "", "updatedAt": ""} == {
        "submissionId": sid, "id": cid, "status": "SUCCEEDED", "outcome": "inserted", "error": None,
        "submittedAt": "", "updatedAt": "", "submittedBy": KEY}
    assert flow.submission(sid)["updatedAt"].endswith("Z")
    status, body, _ = flow.api.get(f"/customers/{cid}")
    assert status == 200 and body["source"] == "workflow"
    assert body["createdBy"] == KEY  # the submitter
    assert set(customer(flow, cid)) == {"id", "shard", "createdAt", "source", "writeToken", "createdBy"}
    assert customer(flow, cid)["writeToken"] == {"S": sid}  # the submission ID: its own insert


def test_an_existing_id_is_already_exists_and_left_unchanged(flow: Flow) -> None:
    cid = fresh_id()
    flow.api.put(f"/customers/{cid}")
    before = customer(flow, cid)
    event = flow.submit(cid)

    start_workflow(event, CONTEXT)
    flow.end(event["detail"]["submissionId"])

    recorded = flow.submission(event["detail"]["submissionId"])
    assert (recorded["status"], recorded["outcome"], recorded["error"]) == (
        "SUCCEEDED", "already_exists", None)
    assert customer(flow, cid) == before


def test_an_insert_that_loses_a_race_is_already_exists_and_overwrites_nothing(flow: Flow) -> None:
    # GIVEN an execution whose existence check finds nothing, but whose item exists by insert time
    # (crafted: the check looks up one ID, the insert writes another that is already stored)
    taken = fresh_id("taken")
    flow.api.put(f"/customers/{taken}")
    before = customer(flow, taken)
    item = dict(before, source={"S": "workflow"})
    sid = flow.submit(fresh_id("absent"))["detail"]["submissionId"]  # its record, PENDING
    sfn = clients().client("stepfunctions")
    sfn.start_execution(stateMachineArn=flow.machine, name=sid, input=json.dumps({
        "submissionId": sid, "id": fresh_id("absent"), "submittedAt": "t", "valid": True,
        "problem": None, "item": item}))

    # WHEN it runs THEN DynamoDB's conditional check fails, the Catch records already_exists
    execution = flow.execution(sid)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"status": "SUCCEEDED", "outcome": "already_exists",
                                               "error": None}
    assert customer(flow, taken) == before


def test_the_same_event_delivered_twice_starts_one_execution_and_inserts_once(flow: Flow) -> None:
    cid = fresh_id()
    event = flow.submit(cid)
    sid = event["detail"]["submissionId"]

    start_workflow(event, CONTEXT)
    start_workflow(event, CONTEXT)
    flow.end(sid)
    start_workflow(event, CONTEXT)  # and once more after it finished

    assert [e["name"] for e in flow.executions() if e["name"] == sid] == [sid]
    assert flow.submission(sid)["outcome"] == "inserted"
    assert customer(flow, cid)["source"] == {"S": "workflow"}


def test_an_invalid_id_from_another_publisher_is_recorded_invalid(flow: Flow) -> None:
    sid = str(uuid.uuid4())
    detail = {"submissionId": sid, "id": "no", "submittedAt": "2026-11-25T09:00:00.000Z"}

    start_workflow(envelope("customers.api", "CustomerIdSubmitted", detail, []), CONTEXT)
    execution = flow.end(sid)

    assert execution["status"] == "SUCCEEDED"  # the workflow did its job: it refused the ID
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"]) == ("FAILED", "invalid")
    assert "3 to 64 characters" in recorded["error"]
    assert customer(flow, "no") == {}


def test_a_failing_step_is_caught_recorded_and_fails_the_execution(flow: Flow) -> None:
    broken = flow.register("customers-workflow-broken", {**TABLES, "CustomersTableName": "no_such_table"})
    event = flow.submit(fresh_id())
    sid = event["detail"]["submissionId"]

    from chalicelib import wiring

    wiring.services().submissions.start(event["detail"], broken)
    execution = flow.end(sid, broken)

    assert (execution["status"], execution["error"]) == ("FAILED", "SubmissionFailed")
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"]) == ("FAILED", None)
    assert recorded["error"].startswith("DynamoDB.ResourceNotFoundException")


def test_an_end_the_state_machine_could_not_record_is_recorded_by_the_status_handler(flow: Flow) -> None:
    # GIVEN a machine that can reach neither table: it cannot record anything itself
    lost = flow.register("customers-workflow-lost", {"CustomersTableName": "nope",
                                                      "SubmissionsTableName": "nope_either"})
    event = flow.submit(fresh_id())
    sid = event["detail"]["submissionId"]
    from chalicelib import wiring

    wiring.services().submissions.start(event["detail"], lost)
    assert flow.submission(sid)["status"] == "RUNNING"

    # WHEN its status change arrives (once an insert it may have sent could have landed)
    execution = flow.execution(sid, lost)
    time.sleep(settle_seconds())
    flow.end(sid, lost)

    assert execution["status"] == "FAILED"
    recorded = flow.submission(sid)
    assert (recorded["status"], recorded["outcome"]) == ("FAILED", None)
    assert recorded["error"].startswith("the workflow execution ended FAILED")
