"""How the stores read DynamoDB's answers: one place for both tables.

Outages are not read here: the budgeted client (chalicelib/aws.py) retries throttling, timeouts and
dropped connections within the request's budget and then raises ServiceUnavailableError. What
reaches a store is an answer, or a ClientError that retrying cannot change; anything else is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.aws import LostAnswerError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    # An item as the client writes and reads it: attribute name -> typed value ({"S": "..."}).
    Item = Mapping[str, AttributeValueTypeDef]

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
