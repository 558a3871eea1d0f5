"""One AWS-failure boundary: the budgeted client (chalicelib/aws.py) alone turns transport failures,
timeouts and throttling into 503 `service_unavailable`; anything else that goes wrong in a call to
AWS is a bug, answered 500 `internal_error` with its stack trace in an ERROR log line, never in the
answer."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from backend.local.unique import fresh_id
from chalicelib.observability import logger
from tests.clients import clients, throttling
from tests.functional.conftest import Api


@pytest.fixture
def stage_variables() -> dict[str, str]:
    """A throttling store is retried until the request's budget ends: 1 s proves it as well as the
    stage's 4."""
    return {"REQUEST_BUDGET_SECONDS": "1"}


def _break_the_call(params: dict[str, Any], **_: Any) -> None:
    """Our own call made wrong: a key DynamoDB's model refuses before anything is sent."""
    params["Key"] = {"id": "not an attribute value"}


def _error_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The ERROR lines as the service writes them (Powertools' JSON formatter)."""
    return [json.loads(logger.registered_formatter.format(record))
            for record in caplog.records if record.levelno == logging.ERROR]


def test_a_malformed_call_is_a_logged_500_not_an_outage(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN an ID that exists, and a bug that makes our GetItem call malformed (ParamValidationError)
    customer_id = fresh_id()
    assert api.put(f"/customers/{customer_id}")[0] == 201
    undo = clients().on_every_attempt("dynamodb", "before-parameter-build.dynamodb.GetItem", _break_the_call)
    try:
        # WHEN it is read
        status, body, headers = api.get(f"/customers/{customer_id}")
    finally:
        undo()

    # THEN the answer is a 500 in our shape that tells nothing, with no Retry-After (not an outage)
    assert status == 500
    assert body == {"error": {"code": "internal_error",
                              "message": "an internal error occurred; it has been logged"}}
    assert "Retry-After" not in headers
    # AND the stack trace is in an ERROR log line, naming the bug
    errors = _error_lines(caplog)
    traced = [line for line in errors if line.get("exception_name") == "ParamValidationError"]
    assert traced, errors
    trace = traced[0]["exception"]
    assert 'File "' in trace and "Invalid type for parameter Key.id" in trace
    assert "ParamValidationError" not in json.dumps(body)


def test_a_throttling_store_is_a_503_from_the_client_alone(api: Api) -> None:
    # GIVEN a data store that throttles every call (retried until the request's budget ends)
    undo = clients().on_every_attempt("dynamodb", "before-send.dynamodb", throttling)
    try:
        # WHEN an ID is read
        status, body, headers = api.get(f"/customers/{fresh_id()}")
    finally:
        undo()
    # THEN it is the budgeted client's 503, with Retry-After
    assert status == 503 and body["error"]["code"] == "service_unavailable"
    assert headers["Retry-After"] == "1"
