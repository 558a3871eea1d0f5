"""The workflow glue (backend/workflow_local.py), driven against the session's emulator with a small
Chalice app of its own: schedules, the dead-letter queue, and an execution watcher whose work does
not grow with the executions that have finished.

Its names (app, source, state machines) are its own, so the stack's real handlers never see it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalice.app import Chalice, CloudWatchEvent, Rate

from backend import workflow_local
from backend.devstack import DevStack
from backend.workflow_local import NEW_EXECUTIONS_PAGE, NEWCOMER_WINDOW, ExecutionWatcher, LocalWorkflow

pytestmark = pytest.mark.integration

SOURCE = "glue.test"
DEADLINE_SECONDS = 20


@pytest.fixture
def emulator(stack: DevStack, monkeypatch: pytest.MonkeyPatch) -> DevStack:
    """The glue's clients (chalicelib.aws) pointed at the session's emulator."""
    from chalicelib import aws, config

    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.emulator_url)
    monkeypatch.setenv("WORKFLOW_NAME", f"glue-test-{uuid.uuid4().hex[:8]}")
    config.reset()
    aws.reset()
    workflow_local._client.cache_clear()
    return stack


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], Any]] = []
        self.lock = threading.Lock()

    def add(self, name: str, event: dict[str, Any], context: Any) -> None:
        with self.lock:
            self.calls.append((name, event, context))

    def named(self, name: str) -> list[tuple[str, dict[str, Any], Any]]:
        with self.lock:
            return [call for call in self.calls if call[0] == name]


def glue_app(recorder: Recorder) -> Chalice:
    app = Chalice(app_name="glue-test")

    @app.schedule(Rate(1, unit=Rate.MINUTES))
    def every_minute(event: Any) -> None:
        recorder.add("every_minute", event.to_dict(), event.context)

    @app.on_cw_event({"source": [SOURCE]})
    def always_fails(event: CloudWatchEvent) -> None:
        recorder.add("always_fails", event.to_dict(), event.context)
        raise RuntimeError(f"cannot handle {event.detail['n']}")

    return app


@pytest.fixture
def glue(emulator: DevStack) -> Iterator[tuple[LocalWorkflow, Recorder]]:
    recorder = Recorder()
    workflow = LocalWorkflow(glue_app(recorder), "test", schedule_every=0.3).start()
    yield workflow, recorder
    workflow.stop()


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {DEADLINE_SECONDS} s"
        time.sleep(0.05)


def test_every_schedule_runs_on_the_compressed_period_with_a_scheduled_event(
    glue: tuple[LocalWorkflow, Recorder],
) -> None:
    _, recorder = glue

    wait_for(lambda: len(recorder.named("every_minute")) >= 2, "two scheduled runs")

    _, event, context = recorder.named("every_minute")[0]
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.events", "Scheduled Event", {})
    assert event["resources"][0].endswith(":rule/glue-test-test-every_minute-event")
    assert event["account"] and event["region"] and event["time"].endswith("Z")
    assert context.function_name == "glue-test-test-every_minute"
    assert context.invoked_function_arn.endswith(":function:glue-test-test-every_minute")


def test_an_event_failing_past_its_retries_lands_on_the_dead_letter_queue(
    emulator: DevStack, glue: tuple[LocalWorkflow, Recorder],
) -> None:
    # GIVEN a handler that always fails
    _, recorder = glue
    sqs = emulator.client("sqs")
    dlq = sqs.get_queue_url(QueueName="glue-test-test-always_fails-dlq")["QueueUrl"]
    n = uuid.uuid4().hex

    # WHEN an event for it is published
    emulator.client("events").put_events(
        Entries=[{"Source": SOURCE, "DetailType": "Test", "Detail": json.dumps({"n": n})}])

    # THEN after three attempts (Lambda's two retries) the event is on its dead-letter queue, in
    # the record format of Lambda's on-failure destination
    messages: list[dict[str, Any]] = []
    wait_for(lambda: messages.extend(sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get(
        "Messages", [])) or messages, "dead-letter message")
    record = json.loads(messages[0]["Body"])
    assert record["requestPayload"]["detail"] == {"n": n}
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(":function:glue-test-test-always_fails:$LATEST")
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert n in record["responsePayload"]["errorMessage"]
    assert [e["detail"]["n"] for _, e, _ in recorder.named("always_fails")] == [n, n, n]


# -- the execution watcher ---------------------------------------------------------------------
PASS_MACHINE = json.dumps({"StartAt": "Wait", "States": {
    "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Done"}, "Done": {"Type": "Succeed"}}})


class CallCounter:
    """Counts, through botocore's own event hooks, what the watcher's client asks the emulator."""

    def __init__(self, client: Any) -> None:
        self.listed = self.described = 0
        client.meta.events.register("after-call.sfn.ListExecutions", self._listed)
        client.meta.events.register("after-call.sfn.DescribeExecution", self._described)

    def _listed(self, parsed: dict[str, Any], **_: Any) -> None:
        self.listed += len(parsed.get("executions", []))

    def _described(self, **_: Any) -> None:
        self.described += 1


@pytest.fixture
def machine(emulator: DevStack) -> Iterator[tuple[str, str]]:
    """A one-second state machine and a queue receiving its status-change events."""
    name = f"glue-watch-{uuid.uuid4().hex[:8]}"
    sfn, sqs, events = emulator.client("stepfunctions"), emulator.client("sqs"), emulator.client("events")
    arn = sfn.create_state_machine(name=name, definition=PASS_MACHINE,
                                   roleArn="arn:aws:iam::123456789012:role/test")["stateMachineArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    queue_arn = attributes["QueueArn"]
    events.put_rule(Name=name, EventPattern=json.dumps({"source": ["aws.states"], "detail": {
        "stateMachineArn": [arn]}}))
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": queue_arn}])
    yield arn, queue
    events.remove_targets(Rule=name, Ids=["q"])
    events.delete_rule(Name=name)


def announced(emulator: DevStack, queue: str, expected: int) -> list[tuple[str, str]]:
    sqs, seen = emulator.client("sqs"), []
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(seen) < expected and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                "Messages", []):
            detail = json.loads(message["Body"])["detail"]
            seen.append((detail["name"], detail["status"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return seen


def test_each_execution_is_announced_running_then_final_exactly_once_and_idle_looks_stay_small(
    emulator: DevStack, machine: tuple[str, str],
) -> None:
    # GIVEN a watcher looking every 50 ms while 40 executions start, 8 at a time
    arn, queue = machine
    watcher = ExecutionWatcher(arn)
    counter = CallCounter(watcher._sfn)
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.05):
            watcher.look()

    thread = threading.Thread(target=watch)
    thread.start()
    names = [f"e-{i}-{uuid.uuid4().hex[:6]}" for i in range(40)]
    sfn = emulator.client("stepfunctions")
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda name: sfn.start_execution(stateMachineArn=arn, name=name), names))

        # THEN each one is announced RUNNING, then SUCCEEDED, once each
        seen = announced(emulator, queue, expected=80)
    finally:
        stop.set()
        thread.join()
    assert sorted(seen) == sorted([(n, "RUNNING") for n in names] + [(n, "SUCCEEDED") for n in names])
    assert not watcher.busy

    # AND once they have finished, a look reads one short page and describes nothing
    time.sleep(NEWCOMER_WINDOW.total_seconds())
    counter.listed = counter.described = 0
    watcher.look()
    assert counter.described == 0
    assert counter.listed <= NEW_EXECUTIONS_PAGE
