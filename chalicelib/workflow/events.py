"""Event names and patterns, defined once, and the publisher of the API's own events.

Everything that names an event takes it from here: the publisher below, the Chalice rules
(chalicelib/workflow/handlers.py), the local event glue (backend/local/glue.py) and the
templates (backend/infra/workflow_template.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

SOURCE = "customers.api"
SUBMITTED = "CustomerIdSubmitted"
SUBMITTED_PATTERN: dict[str, Any] = {"source": [SOURCE], "detail-type": [SUBMITTED]}

# What Step Functions itself sends to the default bus when an execution changes status.
STATES_SOURCE = "aws.states"
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
FINAL_EXECUTION_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def execution_end_pattern(state_machine_name: str) -> dict[str, Any]:
    """The final status changes of one state machine, in any account and region it runs in.

    A suffix match on the ARN, because the account ID is not known where the pattern is built
    (when Chalice packages the app); EventBridge only delivers our own account's events anyway.
    """
    return {
        "source": [STATES_SOURCE],
        "detail-type": [EXECUTION_STATUS_CHANGE],
        "detail": {
            "stateMachineArn": [{"suffix": f":stateMachine:{state_machine_name}"}],
            "status": list(FINAL_EXECUTION_STATUSES),
        },
    }


def submitted_detail(submission_id: str, customer_id: str, submitted_at: str) -> dict[str, str]:
    return {"submissionId": submission_id, "id": customer_id, "submittedAt": submitted_at}


class PublishError(Exception):
    """EventBridge did not take the event (throttled, unreachable or refused)."""


class EventBridgePublisher:
    """Puts the API's events on the default bus, where Chalice's `on_cw_event` rules live."""

    def __init__(self, client: Callable[[], EventBridgeClient], bus_name: str = "default") -> None:
        self._client = client  # a getter: only the functions that publish build an events client
        self._bus = bus_name

    def submitted(self, submission_id: str, customer_id: str, submitted_at: str) -> None:
        entry: PutEventsRequestEntryTypeDef = {
            "Source": SOURCE,
            "DetailType": SUBMITTED,
            "Detail": json.dumps(submitted_detail(submission_id, customer_id, submitted_at)),
            "EventBusName": self._bus,
        }
        try:
            response = self._client().put_events(Entries=[entry])
        except (BotoCoreError, ClientError) as error:
            raise PublishError(str(error)) from error
        if response.get("FailedEntryCount"):
            failed = response["Entries"][0]
            raise PublishError(f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")
