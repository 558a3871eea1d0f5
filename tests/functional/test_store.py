"""The customer store on in-process moto: the port's contract (tests/contracts.py), and what happens
when DynamoDB throttles or is down."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from backend.local.unique import free_port
from chalicelib import deadline
from chalicelib.aws import BudgetedClient, Clients
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.errors import ServiceUnavailableError
from tests.clients import clients
from tests.contracts import DynamoCalls, DynamoCustomerStoreContract

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class TestMotoCustomerStore(DynamoCustomerStoreContract):
    @pytest.fixture
    def store(self, aws: None) -> DynamoCustomerStore:
        return DynamoCustomerStore(clients().client("dynamodb"), "customer_ids")

    @pytest.fixture
    def empty_table(self, aws: None) -> tuple[DynamoDBClient, str]:
        return clients().client("dynamodb"), "customer_ids"  # each test has a moto of its own

    @pytest.fixture
    def calls(self, aws: None) -> Iterator[DynamoCalls]:
        counted = DynamoCalls()
        undo = clients().on_every_attempt("dynamodb", "before-call.dynamodb", counted)
        yield counted
        undo()


class _Throttle:
    """Answers every DynamoDB call the way DynamoDB does when it throttles."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.attempts += 1
        headers = HTTPHeaders.from_dict({"x-amzn-ErrorType": "ThrottlingException"})
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}'
        raw = type("Raw", (), {"stream": lambda self, **_: iter([body])})()
        return AWSResponse(request.url, 400, headers, raw)


def _throttled_clients(throttle: _Throttle) -> Callable[[str, float], Any]:
    def make(service: str, read_timeout: float) -> Any:
        made = clients().raw(service, read_timeout)
        # botocore-stubs types handlers as returning None; a before-send handler may answer instead.
        made.meta.events.register("before-send.dynamodb.GetItem", throttle,  # type: ignore[arg-type]
                                  unique_id="throttle")
        return made

    return make


def test_a_throttle_is_retried_within_the_request_budget_then_503(aws: None) -> None:
    # GIVEN DynamoDB throttling every call, and a request with two seconds left (room for a few
    # backoffs even on a machine busy enough to slow the first client's creation)
    throttle = _Throttle()
    budgeted = BudgetedClient("dynamodb", _throttled_clients(throttle))
    store = DynamoCustomerStore(cast("DynamoDBClient", budgeted), "customer_ids")
    started = time.monotonic()
    # WHEN the store reads, THEN it retries with backoff while the budget lasts, then gives up
    with deadline.budget(2.0), pytest.raises(ServiceUnavailableError, match="busy"):
        store.get("slow-one")
    assert throttle.attempts >= 3
    assert time.monotonic() - started < 2.0 + 2.0  # generous: the point is "not 15 s"


def test_an_unreachable_store_is_unavailable_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens
    store = DynamoCustomerStore(Clients().client("dynamodb"), "customer_ids")
    with deadline.budget(1.0), pytest.raises(ServiceUnavailableError, match="unreachable"):
        store.get("abc")
