"""The API's events onto EventBridge's default bus, where Chalice's `on_cw_event` rules live."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.errors import ServiceUnavailableError
from chalicelib.identity.actor import Actor
from chalicelib.workflow.events import SOURCE, SUBMITTED, submitted_detail
from chalicelib.workflow.submissions import PublishError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef


class EventBridgePublisher:
    """Puts the API's events on the default bus, where Chalice's `on_cw_event` rules live."""

    def __init__(self, client: Callable[[], EventBridgeClient], bus_name: str = "default") -> None:
        self._client = client  # a getter: only the functions that publish build an events client
        self._bus = bus_name

    def submitted(self, submission_id: str, customer_id: str, submitted_at: str,
                  submitted_by: Actor | None) -> None:
        detail = submitted_detail(submission_id, customer_id, submitted_at, submitted_by)
        entry: PutEventsRequestEntryTypeDef = {
            "Source": SOURCE,
            "DetailType": SUBMITTED,
            "Detail": json.dumps(detail),
            "EventBusName": self._bus,
        }
        try:
            response = self._client().put_events(Entries=[entry])
        except (ServiceUnavailableError, ClientError) as error:  # an outage, or a refusal: not a bug
            raise PublishError(str(error)) from error
        if response.get("FailedEntryCount"):
            failed = response["Entries"][0]
            raise PublishError(f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")
