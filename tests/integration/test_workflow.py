"""The workflow on the real local stack (`make dev`'s code path), over HTTP, nothing faked.

API (chalice local) -> moto's EventBridge -> our start handler -> moto's Step Functions
interpreter running the checked-in definition against moto's DynamoDB -> the status-change event
-> our status handler. backend/local/glue.py does the delivering that moto cannot.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from backend.local.devstack import DevStack
from backend.local.glue import scheduled_event
from backend.local.lambda_events import LambdaContext
from backend.local.unique import fresh_id
from chalicelib.customers.domain import utc_now
from chalicelib.workflow.events import SOURCE, SUBMITTED, submitted_detail

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

pytestmark = pytest.mark.integration

FINAL = ("SUCCEEDED", "FAILED")
DEADLINE_SECONDS = 20  # the issue asks for "a few seconds"; this only bounds a hung test


def submit(api: httpx.Client, customer_id: str) -> str:
    response = api.post("/workflow/submit", json={"id": customer_id})
    assert response.status_code == 202, response.text
    assert response.headers["location"].endswith(f"/workflow/submissions/{response.json()['submissionId']}")
    submission_id: str = response.json()["submissionId"]
    return submission_id


def final(api: httpx.Client, submission_id: str, published_elsewhere: bool = False) -> dict[str, Any]:
    """The submission once final. Published elsewhere (not through the API), it exists only once
    the start handler has recorded it."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = api.get(f"/workflow/submissions/{submission_id}")
        body: dict[str, Any] = response.json()
        if response.status_code == 404 and published_elsewhere:
            body = {"status": "not yet recorded"}
        else:
            assert response.status_code == 200, response.text
        if body["status"] in FINAL:
            return body
        assert time.monotonic() < deadline, f"still {body['status']} after {DEADLINE_SECONDS} s: {body}"
        time.sleep(0.05)


def executions_named(stack: DevStack, name: str) -> list[dict[str, Any]]:
    sfn = stack.client("stepfunctions")
    (machine,) = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                  if m["name"] == "customers-workflow"]
    found = [e for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine)
             for e in page["executions"] if e["name"] == name]
    return [dict(execution) for execution in found]


def wait_until_delivered(stack: DevStack) -> None:
    """Until the start handler's queue is empty: every published submission has been handled."""
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName="customer-ids-local-start_workflow")["QueueUrl"]
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        if counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}:
            return
        time.sleep(0.05)
    raise AssertionError("the start handler did not drain its queue")


def test_a_new_id_succeeds_inserted_and_reads_back_from_the_workflow(api: httpx.Client) -> None:
    cid = fresh_id("wf")
    started = time.monotonic()

    outcome = final(api, submit(api, cid))

    assert (outcome["status"], outcome["outcome"], outcome["error"]) == ("SUCCEEDED", "inserted", None)
    assert outcome["id"] == cid and outcome["updatedAt"] >= outcome["submittedAt"]
    assert time.monotonic() - started < 5, "a few seconds, the issue says"
    customer = api.get(f"/customers/{cid}")
    assert customer.status_code == 200 and customer.json()["source"] == "workflow"


def test_an_existing_id_is_already_exists_and_the_item_is_unchanged(api: httpx.Client) -> None:
    cid = fresh_id("wf")
    assert api.put(f"/customers/{cid}").status_code == 201
    before = api.get(f"/customers/{cid}").json()

    outcome = final(api, submit(api, cid))

    assert (outcome["status"], outcome["outcome"]) == ("SUCCEEDED", "already_exists")
    assert api.get(f"/customers/{cid}").json() == before


def test_twenty_concurrent_submissions_of_one_new_id_insert_exactly_once(api: httpx.Client) -> None:
    cid = fresh_id("wf")
    with ThreadPoolExecutor(max_workers=20) as pool:
        submission_ids = list(pool.map(lambda _: submit(api, cid), range(20)))

    outcomes = [final(api, sid)["outcome"] for sid in submission_ids]

    assert sorted(outcomes) == ["already_exists"] * 19 + ["inserted"]
    assert api.get(f"/customers/{cid}").json()["source"] == "workflow"


def test_the_same_event_delivered_twice_runs_one_execution_and_inserts_once(
    stack: DevStack, api: httpx.Client
) -> None:
    # GIVEN one CustomerIdSubmitted event, put on the bus twice (as an at-least-once redelivery)
    cid, sid = fresh_id("wf"), str(uuid.uuid4())
    entry: PutEventsRequestEntryTypeDef = {"Source": SOURCE, "DetailType": SUBMITTED,
                                           "Detail": json.dumps(submitted_detail(sid, cid, utc_now()))}
    response = stack.client("events").put_events(Entries=[entry, entry])
    assert response["FailedEntryCount"] == 0

    # WHEN both are handled
    outcome = final(api, sid, published_elsewhere=True)
    wait_until_delivered(stack)

    # THEN one execution, one insert
    assert (outcome["status"], outcome["outcome"]) == ("SUCCEEDED", "inserted")
    assert len(executions_named(stack, sid)) == 1
    assert api.get(f"/customers/{cid}").json()["source"] == "workflow"


def test_a_redelivery_after_the_end_changes_nothing(stack: DevStack, api: httpx.Client) -> None:
    cid = fresh_id("wf")
    sid = submit(api, cid)
    done = final(api, sid)
    customer = api.get(f"/customers/{cid}").json()
    entry: PutEventsRequestEntryTypeDef = {
        "Source": SOURCE, "DetailType": SUBMITTED,
        "Detail": json.dumps(submitted_detail(sid, cid, done["submittedAt"])),
    }

    stack.client("events").put_events(Entries=[entry])
    wait_until_delivered(stack)

    assert api.get(f"/workflow/submissions/{sid}").json() == done
    assert api.get(f"/customers/{cid}").json() == customer
    assert len(executions_named(stack, sid)) == 1


def test_bad_requests_are_400_and_start_nothing(api: httpx.Client) -> None:
    before = api.get("/workflow/submissions?limit=1").json()["items"]
    invalid = api.post("/workflow/submit", json={"id": "not valid!"})
    malformed = api.post("/workflow/submit", content=b'{"id": ', headers={"content-type": "application/json"})

    assert (invalid.status_code, invalid.json()["error"]["code"]) == (400, "invalid_id")
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (400, "malformed_json")
    assert api.get("/workflow/submissions?limit=1").json()["items"] == before


def test_unknown_submissions_are_404_and_recent_ones_are_listed_newest_first(api: httpx.Client) -> None:
    assert api.get(f"/workflow/submissions/{uuid.uuid4()}").status_code == 404
    made = [submit(api, fresh_id("wf")) for _ in range(3)]

    listed = api.get("/workflow/submissions?limit=3").json()["items"]

    assert [s["submissionId"] for s in listed] == made[::-1]


def test_a_submission_whose_event_is_lost_is_finished_by_the_reconciler(
    stack: DevStack, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the start handler's rule without its target: the API's event reaches nobody (lost)
    # (moto ignores a disabled rule's state, so the target itself is taken away)
    events = stack.client("events")
    rule = "customer-ids-local-start_workflow"
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    events.remove_targets(Rule=rule, Ids=[t["Id"] for t in targets])
    try:
        cid = fresh_id("wf")
        sid = submit(api, cid)
        time.sleep(0.5)
        assert api.get(f"/workflow/submissions/{sid}").json()["status"] == "PENDING"
    finally:
        events.put_targets(Rule=rule, Targets=targets)

    # WHEN the reconciler (the app's scheduled function, run here against the stack's emulator)
    run_reconciler(stack, monkeypatch)

    # THEN the re-driven execution runs through the stack's glue and the submission ends inserted
    outcome = final(api, sid)
    assert (outcome["status"], outcome["outcome"]) == ("SUCCEEDED", "inserted")
    assert len(executions_named(stack, sid)) == 1
    assert api.get(f"/customers/{cid}").json()["source"] == "workflow"


def run_reconciler(stack: DevStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reconcile_submissions` as its schedule would invoke it, pointed at the stack's emulator."""
    from chalicelib import wiring
    from chalicelib.workflow.handlers import reconcile_submissions

    for key, value in stack.aws_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("RECONCILE_AFTER_SECONDS", "0")
    wiring.reset()
    account = stack.client("sts").get_caller_identity()["Account"]
    context = LambdaContext("customer-ids-local-reconcile_submissions", account=account)
    event = scheduled_event(account, "us-east-1", f"arn:aws:events:us-east-1:{account}:rule/reconcile")
    try:
        reconcile_submissions(event, context)
    finally:
        wiring.reset()
