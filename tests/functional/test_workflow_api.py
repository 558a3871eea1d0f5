"""The workflow routes through chalice.test.Client, against in-process moto.

The published event is caught the way a rule would see it: an EventBridge rule with the app's own
pattern (chalicelib/workflow/events.py) sends it to an SQS queue the test reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.local.event_queue import route_to_queue, take_events
from backend.local.unique import fresh_id
from chalicelib.workflow.events import SUBMITTED, SUBMITTED_PATTERN
from tests.clients import clients
from tests.functional.conftest import Api
from tests.functional.test_customers_api import ORIGIN, assert_error, forget_every_recorded_answer


class Bus:
    """Every event a rule with the submitted pattern would match."""

    def __init__(self) -> None:
        self._url = route_to_queue(clients().client("sqs"), clients().client("events"), "submitted-events",
                                   SUBMITTED_PATTERN)

    def events(self) -> list[dict[str, Any]]:
        return take_events(clients().client("sqs"), self._url, wait_seconds=0)


@pytest.fixture
def bus(aws: None) -> Iterator[Bus]:
    yield Bus()


OPERATOR = {"kind": "person", "name": "operator"}  # the signed-in operator (tests/functional/conftest.py)


@pytest.fixture
def operator(as_role: dict[str, Api]) -> Api:
    return as_role["operator"]


def test_a_submission_is_accepted_with_a_location_and_publishes_one_event(operator: Api, bus: Bus) -> None:
    status, body, headers = operator.post("/workflow/submit", body={"id": "cust-001"})

    assert status == 202
    assert body == {"submissionId": body["submissionId"], "id": "cust-001", "status": "accepted"}
    assert headers["Location"].endswith(f"/workflow/submissions/{body['submissionId']}")
    (event,) = bus.events()
    assert (event["source"], event["detail-type"]) == ("customers.api", SUBMITTED)
    assert set(event["detail"]) == {"submissionId", "id", "submittedAt", "submittedBy"}
    assert event["detail"]["submissionId"] == body["submissionId"]
    assert event["detail"]["id"] == "cust-001"
    assert event["detail"]["submittedBy"] == OPERATOR


def test_the_submission_reads_back_pending_with_its_submitter_until_the_workflow_runs(
    operator: Api, api: Api, bus: Bus
) -> None:
    _, accepted, headers = operator.post("/workflow/submit", body={"id": "cust-002"})

    status, body, _ = api.get(headers["Location"])

    assert status == 200
    assert body == {
        "submissionId": accepted["submissionId"], "id": "cust-002", "status": "PENDING",
        "outcome": None, "error": None, "submittedAt": body["submittedAt"],
        "updatedAt": body["submittedAt"], "submittedBy": OPERATOR,
    }
    assert body["submittedAt"].endswith("Z")
    (listed,) = api.get("/workflow/submissions")[1]["items"]
    assert listed == body


def test_a_retried_submit_keeps_its_first_submitter(operator: Api, bus: Bus) -> None:
    # GIVEN a keyed submit whose answer was never recorded (as after a 5xx)
    key = {"Idempotency-Key": fresh_id("key")}
    _, first, _ = operator.post("/workflow/submit", body={"id": "cust-003"}, headers=key)
    forget_every_recorded_answer()
    # WHEN it comes again, THEN it is the same submission, by the same submitter, announced again
    status, again, _ = operator.post("/workflow/submit", body={"id": "cust-003"}, headers=key)
    assert (status, again) == (202, first)
    assert operator.get(f"/workflow/submissions/{first['submissionId']}")[1]["submittedBy"] == OPERATOR
    assert [e["detail"]["submittedBy"] for e in bus.events()] == [OPERATOR] * 2


def test_a_machine_key_s_submission_names_the_key(api: Api, bus: Bus) -> None:
    _, accepted, _ = api.post("/workflow/submit", body={"id": "cust-004"})

    found = api.get(f"/workflow/submissions/{accepted['submissionId']}")[1]

    assert found["submittedBy"] == {"kind": "key", "name": "local-dev-key"}


@pytest.mark.parametrize("bad", ["ab", "a" * 65, "a b", "über", "abc\n"])
def test_an_id_that_breaks_the_rule_is_400_at_once_and_publishes_nothing(
    api: Api, bus: Bus, bad: str
) -> None:
    assert_error(*api.post("/workflow/submit", body={"id": bad})[:2], 400, "invalid_id")
    assert bus.events() == []


@pytest.mark.parametrize(("raw", "code"), [
    ('{"id": "abc"', "malformed_json"),
    ("", "malformed_json"),
    ("\xff", "malformed_json"),
    ('{"id": 5}', "invalid_request"),
    ("{}", "invalid_request"),
    ('["abc"]', "invalid_request"),
    ('{"id": "abc", "extra": 1}', "invalid_request"),
])
def test_a_body_that_is_not_a_submission_is_400_never_500(api: Api, bus: Bus, raw: str, code: str) -> None:
    assert_error(*api.post("/workflow/submit", raw=raw)[:2], 400, code)
    assert bus.events() == []


def test_every_workflow_route_needs_a_credential(anonymous: Api) -> None:
    for method, path in [("POST", "/workflow/submit"), ("GET", "/workflow/submissions"),
                         ("GET", "/workflow/submissions/whatever")]:
        assert_error(*anonymous.request(method, path, body={"id": "abc"})[:2], 401, "unauthenticated")


def test_an_unknown_submission_is_404(api: Api) -> None:
    for unknown in [fresh_id("s"), "not%20an%20id", "x" * 90]:
        assert_error(*api.get(f"/workflow/submissions/{unknown}")[:2], 404, "not_found")


def test_recent_submissions_come_newest_first(api: Api, bus: Bus) -> None:
    made = [api.post("/workflow/submit", body={"id": fresh_id()})[1]["submissionId"] for _ in range(3)]

    status, body, _ = api.get("/workflow/submissions?limit=2")

    assert status == 200
    assert [item["submissionId"] for item in body["items"]] == made[::-1][:2]
    assert [i["submissionId"] for i in api.get("/workflow/submissions")[1]["items"]] == made[::-1]


@pytest.mark.parametrize("limit", ["0", "101", "ten", "-1"])
def test_a_bad_limit_is_400(api: Api, limit: str) -> None:
    assert_error(*api.get(f"/workflow/submissions?limit={limit}")[:2], 400, "invalid_request")


def test_the_routes_get_cors_preflight_and_405_like_the_rest(api: Api) -> None:
    status, _, headers = api.request("OPTIONS", "/workflow/submit", headers={
        "origin": ORIGIN, "access-control-request-method": "POST"})
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    status, body, headers = api.request("DELETE", "/workflow/submit")
    assert_error(status, body, 405, "method_not_allowed")
    assert "POST" in headers["Allow"]
