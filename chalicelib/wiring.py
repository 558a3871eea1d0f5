"""The service objects routes and event handlers share, built once per Lambda container at first use."""

from __future__ import annotations

from functools import cache

from chalicelib.aws import client
from chalicelib.config import cursor_secret, settings
from chalicelib.customers.cursor import CursorCodec
from chalicelib.customers.domain import Customers
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.workflow.executions import DynamoInsertLedger, StepFunctionsStarter
from chalicelib.workflow.publisher import EventBridgePublisher
from chalicelib.workflow.reconciler import Reconciler
from chalicelib.workflow.store import DynamoSubmissionStore
from chalicelib.workflow.submissions import Submissions


@cache
def _customer_store() -> DynamoCustomerStore:
    return DynamoCustomerStore(client("dynamodb"), settings().customers_table)


@cache
def customers() -> Customers:
    return Customers(_customer_store(), CursorCodec(cursor_secret))


@cache
def _submission_store() -> DynamoSubmissionStore:
    return DynamoSubmissionStore(client("dynamodb"), settings().submissions_table)


@cache
def _starter() -> StepFunctionsStarter:
    return StepFunctionsStarter(lambda: client("stepfunctions"), _customer_store().directory)


@cache
def submissions() -> Submissions:
    return Submissions(
        _submission_store(),
        EventBridgePublisher(lambda: client("events")),
        _starter(),
        DynamoInsertLedger(client("dynamodb"), settings().customers_table),
        ttl_days=settings().submission_ttl_days,
        settle_seconds=settings().reconcile_after_seconds,
    )


@cache
def reconciler() -> Reconciler:
    return Reconciler(submissions(), _submission_store(), _starter(),
                      stale_after_seconds=settings().reconcile_after_seconds)


def reset() -> None:
    _customer_store.cache_clear()
    customers.cache_clear()
    _submission_store.cache_clear()
    _starter.cache_clear()
    submissions.cache_clear()
    reconciler.cache_clear()
