"""Every body is a 400 or a success; every cursor not ours is a 400; an unreadable secret is a 503."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from chalicelib import deadline, wiring
from chalicelib.customers.cursor import CursorCodec, _b64
from chalicelib.errors import ServiceUnavailableError
from tests.clients import clients, throttling
from tests.functional.conftest import Api

HOSTILE_BODIES = {
    "deeply nested arrays": "[" * 5000 + "]" * 5000,
    "nested past the bound": '{"ids": ' + "[" * 40 + '"a"' + "]" * 40 + "}",
    "a 5000-digit number": '{"ids": [' + "9" * 5000 + "]}",
    "a long float": '{"id": 1.' + "1" * 100 + "}",
    "NaN": '{"ids": [NaN]}',
    "Infinity": '{"id": Infinity}',
    "a huge string": json.dumps({"id": "x" * 100_000}),
    "too many values": json.dumps({"ids": [0] * 20_000}),
    "latin-1 text": b"{\"id\": \"\xff\xfe\"}".decode("latin-1"),
}


@pytest.mark.parametrize("route", ["/customers/batch", "/workflow/submit"])
@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_a_hostile_body_is_a_400_in_the_error_shape(api: Api, route: str, name: str) -> None:
    status, body, _ = api.post(route, raw=HOSTILE_BODIES[name])
    assert status == 400, name
    assert body["error"]["code"] in {"malformed_json", "invalid_request", "invalid_id"}
    assert "Traceback" not in body["error"]["message"]


def test_the_largest_legitimate_body_is_within_the_bounds(api: Api) -> None:
    # 1000 IDs, none valid: parsed and answered without a single write
    ids = [f"no {n}" for n in range(1000)]
    status, body, _ = api.post("/customers/batch", body={"ids": ids})
    assert status == 200 and len(body["invalid"]) == 1000


def _signed(payload: object) -> str:
    codec = CursorCodec(lambda: b"test-cursor-secret")
    raw = json.dumps(payload).encode()
    return f"{_b64(raw)}.{_b64(codec._sign(raw))}"


@pytest.mark.parametrize("payload", [
    [], "text", 7, None, {}, {"v": 1}, {"v": 1, "a": 7, "p": None}, {"v": 2, "a": "abc", "p": None},
    {"v": 1, "a": "abc", "p": ["x"]},
])
def test_a_validly_signed_cursor_with_a_foreign_payload_is_400(api: Api, payload: object) -> None:
    status, body, _ = api.get(f"/customers?cursor={_signed(payload)}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(("last_id", "prefix"), [
    ("", None), ("ab\x00c", None), ("a" * 3000, None), ("zzz-1", "abc"),
], ids=["empty", "a NUL", "3,000 characters", "outside its prefix"])
def test_a_cursor_signed_with_the_apps_key_yet_off_the_id_rule_or_its_prefix_is_400(
    api: Api, last_id: str, prefix: str | None
) -> None:
    # GIVEN a cursor signed with the key the app uses, whose last ID breaks the ID rule or its prefix
    cursor = CursorCodec(wiring.services().cursor_secret).encode(last_id, prefix)
    query = f"cursor={cursor}" + (f"&prefix={prefix}" if prefix else "")

    # WHEN a page is asked for with it, THEN it is refused as a cursor, before the data store
    status, body, _ = api.get(f"/customers?{query}")
    assert (status, body["error"]["code"]) == (400, "invalid_cursor")


def test_a_signed_cursor_that_is_not_json_is_400(api: Api) -> None:
    codec = CursorCodec(lambda: b"test-cursor-secret")
    raw = b"\x00not json"
    status, body, _ = api.get(f"/customers?cursor={_b64(raw)}.{_b64(codec._sign(raw))}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


def test_a_cursor_secret_that_cannot_be_read_is_unavailable_and_read_again_later(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deployed stage whose SSM parameter store is throttling
    monkeypatch.delenv("CURSOR_SECRET")
    monkeypatch.setenv("CURSOR_SECRET_PARAMETER", "/customer-ids/test/cursor-secret")
    wiring.reset()
    clients().client("ssm").put_parameter(Name="/customer-ids/test/cursor-secret", Value="s3cret",
                                          Type="SecureString")
    undo = clients().on_every_attempt("ssm", "before-send.ssm", throttling)
    # WHEN a page needs the key, THEN it is a 503 (ServiceUnavailableError), not a 500
    with deadline.budget(0.5), pytest.raises(ServiceUnavailableError):
        wiring.services().cursor_secret()
    # AND once the parameter store answers, the next request gets the key: failures are not cached
    undo()
    assert wiring.services().cursor_secret() == b"s3cret"


def test_a_missing_cursor_secret_parameter_is_a_bug_not_an_outage(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stage whose SSM parameter does not exist (a deploy that skipped creating it)
    monkeypatch.delenv("CURSOR_SECRET")
    monkeypatch.setenv("CURSOR_SECRET_PARAMETER", "/customer-ids/test/missing")
    wiring.reset()
    # WHEN a page needs the key, THEN the error is not dressed up as an outage: it reaches the edge
    # as itself, which answers 500 and logs it at ERROR (tests/functional/test_failure_boundary.py)
    with pytest.raises(ClientError, match="ParameterNotFound"):
        wiring.services().cursor_secret()
