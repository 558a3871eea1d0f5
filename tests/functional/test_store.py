"""The store against in-process moto, plus what happens when DynamoDB throttles or is down."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from chalicelib.aws import client
from chalicelib.errors import ServiceUnavailableError
from chalicelib.store import DynamoCustomerStore
from tests.conftest import free_port
from tests.functional.conftest import Api
from tests.store_contract import StoreContract


class TestMotoStore(StoreContract):
    @pytest.fixture
    def store(self, aws: None) -> DynamoCustomerStore:
        return DynamoCustomerStore(client("dynamodb"), "customer_ids")


class _Throttle:
    """Answers every DynamoDB call the way DynamoDB does when it throttles."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.attempts += 1
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}'
        raw = type("Raw", (), {"stream": lambda self, **_: iter([body])})()
        return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, raw)


def test_a_throttle_is_retried_a_bounded_number_of_times_then_503(api: Api) -> None:
    throttle = _Throttle()
    client("dynamodb").meta.events.register("before-send.dynamodb.GetItem", throttle)
    status, body, headers = api.get("/customers/slow-one")
    assert status == 503 and body["error"]["code"] == "service_unavailable"
    assert headers["Retry-After"] == "1"
    assert throttle.attempts == 3  # botocore standard mode: 1 try + 2 retries, then we give up


def test_an_unreachable_store_is_unavailable_not_a_crash() -> None:
    closed = botocore.session.get_session().create_client(
        "dynamodb", endpoint_url=f"http://127.0.0.1:{free_port()}", region_name="us-east-1",
        config=Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=1),
    )
    with pytest.raises(ServiceUnavailableError):
        DynamoCustomerStore(closed, "customer_ids").get("abc")
