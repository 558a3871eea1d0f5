"""How the stores read DynamoDB's errors: one place for both tables.

Timeouts and retries are the client's job (chalicelib/aws.py): what reaches here is an answer, or
an error that the request's budget could not outlast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import LostAnswerError
from chalicelib.errors import ServiceUnavailableError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    # An item as the client writes and reads it: attribute name -> typed value ({"S": "..."}).
    Item = Mapping[str, AttributeValueTypeDef]

_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


@contextmanager
def unavailable_on_outage() -> Iterator[None]:
    """Turn throttling and outages (after botocore's bounded retries) into a 503 for the client."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _UNAVAILABLE_CODES:
            raise ServiceUnavailableError("the data store is busy; retry shortly") from error
        raise
    except BotoCoreError as error:  # connection refused, timeouts
        raise ServiceUnavailableError("the data store is unreachable; retry shortly") from error


def is_condition_failure(error: ClientError) -> bool:
    """A conditional write found the item in a state it refuses (exists, missing, moved on)."""
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def after_lost_answer(error: ClientError) -> bool:
    """Did an earlier attempt of this call go unanswered (so its effect may have landed)?"""
    return isinstance(error, LostAnswerError)


def old_item(error: ClientError) -> Item | None:
    """The item a failed conditional write found (ReturnValuesOnConditionCheckFailure=ALL_OLD)."""
    item = error.response.get("Item")
    return item if isinstance(item, dict) else None


def written_by(item: Item | None, write_token: str) -> bool:
    """Was `item` stored by the request that carries `write_token`?"""
    return item is not None and item.get("writeToken", {}).get("S") == write_token
