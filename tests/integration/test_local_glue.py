"""The workflow glue (backend/local/glue.py), driven against the session's emulator with a small
Chalice app of its own: schedules and the dead-letter queue. (The status-change events its handlers
receive are the emulator's: tests/integration/test_emulator.py.)

Its names (app, source, state machines) are its own, so the stack's real handlers never see it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.app import Chalice, CloudWatchEvent, Rate

from backend.local import glue as local_glue
from backend.local.devstack import DevStack
from backend.local.event_queue import take_events
from backend.local.glue import LocalWorkflow

pytestmark = pytest.mark.integration

SOURCE = "glue.test"
DEADLINE_SECONDS = 20


@pytest.fixture
def emulator(stack: DevStack, monkeypatch: pytest.MonkeyPatch) -> DevStack:
    """The glue's clients (chalicelib.aws) pointed at the session's emulator."""
    from chalicelib import wiring

    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.emulator_url)
    monkeypatch.setenv("WORKFLOW_NAME", f"glue-test-{uuid.uuid4().hex[:8]}")
    wiring.reset()
    local_glue._client.cache_clear()
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
    records: list[dict[str, Any]] = []

    def dead_lettered() -> bool:
        records.extend(take_events(sqs, dlq))
        return bool(records)

    wait_for(dead_lettered, "dead-letter message")
    record = records[0]
    assert record["requestPayload"]["detail"] == {"n": n}
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(":function:glue-test-test-always_fails:$LATEST")
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert n in record["responsePayload"]["errorMessage"]
    assert [e["detail"]["n"] for _, e, _ in recorder.named("always_fails")] == [n, n, n]
