"""The service objects a view needs, built once per Lambda container at first use."""

from __future__ import annotations

from functools import cache

from chalicelib.aws import client
from chalicelib.config import cursor_secret, settings
from chalicelib.cursor import CursorCodec
from chalicelib.customers import Customers
from chalicelib.events import EventBridgePublisher
from chalicelib.executions import StepFunctionsStarter
from chalicelib.store import DynamoCustomerStore
from chalicelib.submission_store import DynamoSubmissionStore
from chalicelib.submissions import Submissions


@cache
def customers() -> Customers:
    store = DynamoCustomerStore(client("dynamodb"), settings().customers_table)
    return Customers(store, CursorCodec(cursor_secret))


@cache
def submissions() -> Submissions:
    return Submissions(
        DynamoSubmissionStore(client("dynamodb"), settings().submissions_table),
        EventBridgePublisher(lambda: client("events")),
        StepFunctionsStarter(lambda: client("stepfunctions")),
        ttl_days=settings().submission_ttl_days,
    )


def reset() -> None:
    customers.cache_clear()
    submissions.cache_clear()
