"""How the stores read DynamoDB's errors: one place for both tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import ServiceUnavailableError

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
