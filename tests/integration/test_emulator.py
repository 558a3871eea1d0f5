"""The emulator keeps the AWS guarantees our code rests on (backend/local/emulator.py), checked over HTTP
against the session's emulator: a write is all-or-nothing to any reader, as in DynamoDB, and every
execution's start and end reach EventBridge as Step Functions' status-change events."""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.local.devstack import DevStack
from backend.local.emulator import status_change_event
from backend.local.event_queue import route_to_queue, take_events, unroute
from chalicelib.config import read_settings
from chalicelib.workflow.events import EXECUTION_STATUS_CHANGE, STATES_SOURCE

ROUNDS = 150
DEADLINE_SECONDS = 20
ATTRIBUTES = {f"a{n}": {"S": f"value {n}"} for n in range(12)}


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """The emulator's threads run in this process: switch often, so a torn write shows if it can."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_a_reader_never_sees_an_update_half_applied(stack: DevStack, frequent_thread_switches: None) -> None:
    # GIVEN an update that creates an item with 12 attributes, and a reader polling that key meanwhile
    dynamodb, table = stack.client("dynamodb"), read_settings().submissions_table
    torn: list[Mapping[str, object]] = []
    for _ in range(ROUNDS):
        key = {"submissionId": {"S": f"emulator-{uuid.uuid4().hex}"}}
        done = threading.Event()

        def read(key: dict[str, dict[str, str]] = key, done: threading.Event = done) -> None:
            while True:
                finished = done.is_set()
                item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
                if item is not None:
                    if len(item) != len(ATTRIBUTES) + 1:
                        torn.append(item)
                    return
                if finished:
                    return

        reader = threading.Thread(target=read)
        reader.start()
        # WHEN the update lands
        dynamodb.update_item(
            TableName=table, Key=key,
            UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in ATTRIBUTES),
            ExpressionAttributeValues={f":{name}": value for name, value in ATTRIBUTES.items()},
        )
        done.set()
        reader.join()
    # THEN the reader saw no item, or all of it
    assert torn == [], f"{len(torn)} of {ROUNDS} reads saw a partial item, e.g. {torn[0]}"


# -- Step Functions' status-change events --------------------------------------------------------
# Succeeds after a second, or fails at once when the input says so.
MACHINE = json.dumps({"StartAt": "Route", "States": {
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Fail"}],
              "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Fail": {"Type": "Fail", "Error": "Asked", "Cause": "the input said so"}}})


@pytest.fixture
def machine(stack: DevStack) -> Iterator[tuple[str, str]]:
    """A state machine of its own and a queue its status-change events are routed to."""
    name = f"emulator-events-{uuid.uuid4().hex[:8]}"
    arn = stack.client("stepfunctions").create_state_machine(
        name=name, definition=MACHINE, roleArn="arn:aws:iam::123456789012:role/test")["stateMachineArn"]
    queue = route_to_queue(stack.client("sqs"), stack.client("events"), name, {
        "source": [STATES_SOURCE], "detail-type": [EXECUTION_STATUS_CHANGE],
        "detail": {"stateMachineArn": [arn]}})
    yield arn, queue
    unroute(stack.client("events"), name)


def received(stack: DevStack, queue: str, expected: int) -> list[dict[str, Any]]:
    """The details of the events the queue receives, in order, until `expected` or the deadline."""
    sqs, details = stack.client("sqs"), list[dict[str, Any]]()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(details) < expected and time.monotonic() < deadline:
        details += [event["detail"] for event in take_events(sqs, queue)]
    return details


def test_every_execution_announces_running_then_its_final_status_once(
    stack: DevStack, machine: tuple[str, str],
) -> None:
    # GIVEN 30 executions that succeed, 5 that fail and 1 stopped while it waits, started 8 at a time
    arn, queue = machine
    sfn = stack.client("stepfunctions")
    succeeding = [f"ok-{n}-{uuid.uuid4().hex[:6]}" for n in range(30)]
    failing = [f"fail-{n}-{uuid.uuid4().hex[:6]}" for n in range(5)]

    def start(name: str) -> str:
        started = sfn.start_execution(stateMachineArn=arn, name=name,
                                      input=json.dumps({"fail": name.startswith("fail-")}))
        return str(started["executionArn"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, succeeding + failing))
    sfn.stop_execution(executionArn=start("stopped"))
    # WHEN their events have been delivered (with no glue or poller running)
    details = received(stack, queue, expected=2 * 36)
    # THEN each one said RUNNING, then its final status, once each
    statuses: dict[str, list[str]] = {}
    for detail in details:
        statuses.setdefault(detail["name"], []).append(detail["status"])
    assert statuses == {**{n: ["RUNNING", "SUCCEEDED"] for n in succeeding},
                        **{n: ["RUNNING", "FAILED"] for n in failing}, "stopped": ["RUNNING", "ABORTED"]}
    # AND the final events carry what describe_execution says, as Step Functions' do
    final = {d["name"]: d for d in details if d["status"] != "RUNNING"}
    assert final[failing[0]]["error"] == "Asked" and final[failing[0]]["cause"] == "the input said so"
    assert json.loads(final[succeeding[0]]["output"]) == {"fail": False}
    assert all(d["stopDate"] >= d["startDate"] for d in final.values())


def test_the_local_status_change_event_has_step_functions_shape() -> None:
    execution = {
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:customers-workflow:sub-1",
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:customers-workflow",
        "name": "sub-1", "status": "FAILED", "input": '{"submissionId":"sub-1"}',
        "startDate": datetime(2026, 11, 25, 9, 0, 0, 250_000, tzinfo=UTC),
        "stopDate": datetime(2026, 11, 25, 9, 0, 1, tzinfo=UTC),
        "error": "SubmissionFailed", "cause": "DynamoDB.ResourceNotFoundException: gone",
    }

    running = status_change_event(execution, "RUNNING")
    final = status_change_event(execution, "FAILED")

    assert (final["Source"], final["DetailType"]) == (STATES_SOURCE, EXECUTION_STATUS_CHANGE)
    assert final["Resources"] == [execution["executionArn"]]
    detail = json.loads(final["Detail"])
    assert detail | {"inputDetails": None} == {
        "executionArn": execution["executionArn"], "stateMachineArn": execution["stateMachineArn"],
        "name": "sub-1", "status": "FAILED", "startDate": 1795597200250, "stopDate": 1795597201000,
        "input": '{"submissionId":"sub-1"}', "output": None, "inputDetails": None, "outputDetails": None,
        "error": "SubmissionFailed", "cause": "DynamoDB.ResourceNotFoundException: gone",
    }
    early = json.loads(running["Detail"])
    assert (early["status"], early["stopDate"], early["error"]) == ("RUNNING", None, None)


def test_one_connection_carries_call_after_call_as_an_sdk_client_sends_them(stack: DevStack) -> None:
    """Keep-alive (waitress, backend/local/devstack.py): werkzeug's server closed each connection
    after one answer, and every SDK call paid for a new connection and a new server thread."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", stack.emulator_port, timeout=10)
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables",
               "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                                "SignedHeaders=host, Signature=0"}
    try:
        answers = []
        for _ in range(3):
            connection.request("POST", "/", body=b"{}", headers=headers)
            response = connection.getresponse()
            answers.append((response.status, response.getheader("Connection"), json.loads(response.read())))
            assert connection.sock is not None, "the emulator closed the connection after an answer"
    finally:
        connection.close()
    assert [(status, closing) for status, closing, _ in answers] == [(200, None)] * 3
    assert all("TableNames" in body for _, _, body in answers)
