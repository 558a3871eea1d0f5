"""Event names and patterns are defined once and used everywhere; the publisher. (The local stand-in
for Step Functions' status-change events is tested with the emulator: tests/integration/test_emulator.py.)"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from backend.local.glue import event_handlers
from chalicelib.config import read_settings
from chalicelib.identity.actor import Actor
from chalicelib.workflow.events import (
    SOURCE,
    SUBMITTED,
    SUBMITTED_PATTERN,
    execution_end_pattern,
)
from chalicelib.workflow.publisher import EventBridgePublisher
from chalicelib.workflow.submissions import PublishError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


class FakeEvents:
    def __init__(self, response: dict[str, Any] | None = None, error: Exception | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self._response = response or {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]}
        self._error = error

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # botocore's name
        self.calls.append(Entries)
        if self._error:
            raise self._error
        return self._response


def _as_client(events: FakeEvents) -> EventBridgeClient:
    return cast("EventBridgeClient", events)  # the fake has the one method the publisher calls


def test_the_app_subscribes_its_handlers_with_the_patterns_defined_once() -> None:
    from app import app

    patterns = {h.name: h.pattern for h in event_handlers(app)}

    assert patterns == {
        "start_workflow": SUBMITTED_PATTERN,
        "record_workflow_end": execution_end_pattern(read_settings().workflow_name),
    }


def test_the_status_pattern_takes_only_final_changes_of_this_state_machine() -> None:
    detail = execution_end_pattern("customers-workflow")["detail"]

    assert detail["stateMachineArn"] == [{"suffix": ":stateMachine:customers-workflow"}]
    assert sorted(detail["status"]) == ["ABORTED", "FAILED", "SUCCEEDED", "TIMED_OUT"]


def test_the_publisher_puts_one_event_with_the_names_the_rule_matches() -> None:
    events = FakeEvents()

    publisher = EventBridgePublisher(lambda: _as_client(events))

    publisher.submitted("sub-1", "cust-001", "2026-11-25T09:00:00.000Z", Actor("person", "alice"))

    ((entry,),) = events.calls
    assert entry["Source"] in SUBMITTED_PATTERN["source"] and entry["Source"] == SOURCE
    assert entry["DetailType"] in SUBMITTED_PATTERN["detail-type"] and entry["DetailType"] == SUBMITTED
    assert json.loads(entry["Detail"]) == {"submissionId": "sub-1", "id": "cust-001",
                                           "submittedAt": "2026-11-25T09:00:00.000Z",
                                           "submittedBy": {"kind": "person", "name": "alice"}}


def test_a_submission_from_before_submitters_were_recorded_is_published_with_a_null_submitter() -> None:
    events = FakeEvents()

    EventBridgePublisher(lambda: _as_client(events)).submitted("sub-1", "cust-001", "t", None)

    ((entry,),) = events.calls
    assert json.loads(entry["Detail"])["submittedBy"] is None


@pytest.mark.parametrize("events", [
    FakeEvents(response={"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException",
                                                             "ErrorMessage": "slow down"}]}),
    FakeEvents(error=ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "PutEvents")),
])
def test_an_event_the_bus_did_not_take_is_a_publish_error(events: FakeEvents) -> None:
    with pytest.raises(PublishError):
        EventBridgePublisher(lambda: _as_client(events)).submitted("sub-1", "cust-001", "t", None)
