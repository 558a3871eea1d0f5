"""The HTTP contract through chalice.test.Client, against in-process moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.local.unique import fresh_id
from chalicelib.customers.domain import Customer
from chalicelib.customers.store import DynamoCustomerStore, to_item
from tests.clients import clients
from tests.functional.conftest import Api

ORIGIN = "http://127.0.0.1:5173"


def assert_error(status: int, body: Any, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


def test_put_creates_and_returns_the_item_with_location(api: Api) -> None:
    status, body, headers = api.put("/customers/cust-001")
    assert status == 201
    assert body["id"] == "cust-001" and body["source"] == "api" and body["createdAt"].endswith("Z")
    assert headers["Location"].endswith("/customers/cust-001")


def test_put_of_an_existing_id_is_409_and_never_overwrites(api: Api) -> None:
    _, original, _ = api.put("/customers/keep-me")
    status, body, _ = api.put("/customers/keep-me")
    assert_error(status, body, 409, "already_exists")
    assert api.get("/customers/keep-me")[1] == original


def test_get_and_delete(api: Api) -> None:
    api.put("/customers/gone-soon")
    status, body, _ = api.get("/customers/gone-soon")
    assert status == 200 and body["id"] == "gone-soon"
    status, body, _ = api.delete("/customers/gone-soon")
    assert status == 204 and body is None
    assert_error(*api.get("/customers/gone-soon")[:2], 404, "not_found")
    assert_error(*api.delete("/customers/gone-soon")[:2], 404, "not_found")


@pytest.mark.parametrize("bad", ["ab", "a" * 65, "a%20b", "a.b.c", "%C3%BCber"])
def test_invalid_ids_are_400_on_every_method(api: Api, bad: str) -> None:
    for method in ("PUT", "GET", "DELETE"):
        assert_error(*api.request(method, f"/customers/{bad}")[:2], 400, "invalid_id")


def test_listing_pages_through_everything_exactly_once(api: Api) -> None:
    ids = sorted(fresh_id(p) for p in "aZ0_-" * 7)
    assert api.post("/customers/batch", body={"ids": ids})[0] == 200
    seen: list[str] = []
    query = "/customers?limit=4"
    while True:
        status, page, _ = api.get(query)
        assert status == 200 and len(page["items"]) <= 4
        seen += [item["id"] for item in page["items"]]
        if page["nextCursor"] is None:
            break
        query = f"/customers?limit=4&cursor={page['nextCursor']}"
    assert seen == ids  # byte order, each once


def test_default_page_size_is_25(api: Api) -> None:
    api.post("/customers/batch", body={"ids": [fresh_id() for _ in range(30)]})
    _, page, _ = api.get("/customers")
    assert len(page["items"]) == 25 and page["nextCursor"]


def test_prefix_search(api: Api) -> None:
    api.post("/customers/batch", body={"ids": ["acme-1", "acme-2", "acmf-1", "Acme-3"]})
    _, page, _ = api.get("/customers?prefix=acme")
    assert [i["id"] for i in page["items"]] == ["acme-1", "acme-2"]
    _, page, _ = api.get("/customers?prefix=nothing-here")
    assert page == {"items": [], "nextCursor": None, "cutShort": False}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_request"),
        ("limit=101", "invalid_request"),
        ("limit=ten", "invalid_request"),
        ("prefix=a%20b", "invalid_request"),
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("cursor=eyJ2IjoxLCJhIjoienp6IiwicCI6bnVsbH0.AAAAAAAAAAAAAAAAAAAAAA", "invalid_cursor"),
    ],
)
def test_bad_list_parameters_are_400(api: Api, query: str, code: str) -> None:
    assert_error(*api.get(f"/customers?{query}")[:2], 400, code)


def test_batch_outcomes_and_nothing_overwritten(api: Api) -> None:
    _, before, _ = api.put("/customers/already-1")
    status, body, _ = api.post(
        "/customers/batch", body={"ids": ["fresh-1", "already-1", "no", "fresh-1", "fresh-2"]}
    )
    assert status == 200
    assert body["created"] == ["fresh-1", "fresh-2"]
    assert body["existing"] == ["already-1"]
    assert body["invalid"] == [{"id": "no", "reason": "an ID must be 3 to 64 characters long"}]
    assert api.get("/customers/already-1")[1] == before
    assert api.get("/customers/fresh-2")[1]["source"] == "batch"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "malformed_json"),
        ("", "malformed_json"),
        ("[]", "invalid_request"),
        ('{"ids": []}', "invalid_request"),
        ('{"ids": "abc"}', "invalid_request"),
        ('{"ids": [1, 2]}', "invalid_request"),
        ('{"ids": ["abc"], "extra": 1}', "invalid_request"),
        ('{"nope": ["abc"]}', "invalid_request"),
        (json.dumps({"ids": [f"id-{n}" for n in range(1001)]}), "invalid_request"),
    ],
)
def test_bad_batch_bodies_are_400(api: Api, raw: str, code: str) -> None:
    assert_error(*api.post("/customers/batch", raw=raw)[:2], 400, code)


def test_body_too_large_is_413(api: Api) -> None:
    raw = json.dumps({"ids": ["x" * 60] * 5000})
    assert_error(*api.post("/customers/batch", raw=raw)[:2], 413, "payload_too_large")


def test_wrong_content_type_is_415(api: Api) -> None:
    status, body, _ = api.post("/customers/batch", raw='{"ids":["abc"]}',
                               headers={"content-type": "text/plain"})
    assert_error(status, body, 415, "unsupported_media_type")


def test_wrong_method_is_405_with_allow(api: Api) -> None:
    status, body, headers = api.post("/customers/some-id")
    assert_error(status, body, 405, "method_not_allowed")
    assert headers["Allow"] == "DELETE, GET, OPTIONS, PUT"


@pytest.mark.parametrize("key", [None, ""])
def test_no_credential_is_401_with_a_bearer_challenge(api: Api, anonymous: Api, key: str | None) -> None:
    headers = {} if key is None else {"x-api-key": key}
    status, body, answered = anonymous.put("/customers/sneaky", headers=headers)
    assert_error(status, body, 401, "unauthenticated")
    assert answered["WWW-Authenticate"] == "Bearer"
    assert api.get("/customers/sneaky")[0] == 404  # nothing was stored


@pytest.mark.parametrize("key", ["wrong-key", "test-api-key ", "local-people-usage-key"])
def test_a_wrong_key_is_403(api: Api, anonymous: Api, key: str) -> None:
    # GIVEN a key that is not the stage's machine key (the people usage key is no client's to send)
    status, body, _ = anonymous.put("/customers/sneaky", headers={"x-api-key": key})
    assert_error(status, body, 403, "forbidden")
    assert api.get("/customers/sneaky")[0] == 404  # nothing was stored


def test_health_and_document_need_no_key(anonymous: Api) -> None:
    status, body, _ = anonymous.get("/health")
    assert status == 200 and body["status"] == "ok" and body["stage"] == "local"
    status, body, _ = anonymous.get("/openapi.json")
    assert status == 200 and body["openapi"] == "3.1.0"


def test_errors_carry_cors_headers_for_allowed_origins(anonymous: Api) -> None:
    _, _, headers = anonymous.get("/customers/abc", headers={"origin": ORIGIN})
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Vary"] == "Origin"


def test_unknown_origins_get_no_cors_grant(api: Api) -> None:
    _, _, headers = api.get("/health", headers={"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("path", ["/customers", "/customers/abc", "/customers/batch", "/health"])
def test_preflight_works_without_a_key(anonymous: Api, path: str) -> None:
    status, _, headers = anonymous.request(
        "OPTIONS", path, headers={"origin": "http://localhost:5173",
                                  "access-control-request-method": "PUT"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    allowed = "authorization, content-type, x-api-key, idempotency-key"
    assert headers["Access-Control-Allow-Headers"] == allowed
    assert "OPTIONS" in headers["Access-Control-Allow-Methods"]


# -- who made each write (issue 17) ---------------------------------------------------------
# Through the API's authorizer as API Gateway runs it (tests/functional/conftest.py): people send
# their emulator-issued access token (each user is named after their role), machines the stage's key.

KEY = {"kind": "key", "name": "local-dev-key"}  # the local stage's machine key, by API_KEY_NAME's default
OPERATOR = {"kind": "person", "name": "operator"}


@pytest.fixture
def operator(as_role: dict[str, Api]) -> Api:
    return as_role["operator"]


def listed(api: Api, customer_id: str) -> dict[str, Any]:
    status, page, _ = api.get(f"/customers?prefix={customer_id}&limit=1")
    assert status == 200, page
    (item,) = page["items"]
    return dict(item)


@pytest.mark.parametrize(("who", "expected"), [("operator", OPERATOR), ("api", KEY)])
def test_a_put_records_who_made_it(
    request: pytest.FixtureRequest, who: str, expected: dict[str, str]
) -> None:
    # GIVEN a signed-in person, or a machine with the stage's key
    writer: Api = request.getfixturevalue(who)
    cid = fresh_id()
    # WHEN it creates an ID
    status, created, _ = writer.put(f"/customers/{cid}")
    # THEN the answer, the item and its list entry all name it
    assert status == 201 and created["createdBy"] == expected
    assert writer.get(f"/customers/{cid}")[1] == created
    assert listed(writer, cid) == created


def test_a_batch_records_its_writer_on_each_id_it_created_and_no_other(operator: Api, api: Api) -> None:
    theirs, mine = fresh_id("theirs"), [fresh_id("mine") for _ in range(3)]
    api.put(f"/customers/{theirs}")

    status, outcome, _ = operator.post("/customers/batch", body={"ids": [*mine, theirs]})

    assert status == 200 and outcome["created"] == mine and outcome["existing"] == [theirs]
    assert [operator.get(f"/customers/{cid}")[1]["createdBy"] for cid in mine] == [OPERATOR] * 3
    assert listed(operator, theirs)["createdBy"] == KEY


def test_a_second_put_by_another_actor_changes_no_creator(
    operator: Api, as_role: dict[str, Api], api: Api
) -> None:
    # GIVEN an ID the operator created
    cid = fresh_id()
    _, original, _ = operator.put(f"/customers/{cid}")
    # WHEN the machine key, then the admin (with an Idempotency-Key of their own), put it again
    assert_error(*api.put(f"/customers/{cid}")[:2], 409, "already_exists")
    admin = as_role["admin"]
    assert_error(*admin.put(f"/customers/{cid}", headers={"Idempotency-Key": fresh_id("k")})[:2],
                 409, "already_exists")
    # THEN it is the operator's, as first stored
    assert admin.get(f"/customers/{cid}")[1] == original and original["createdBy"] == OPERATOR


def test_a_replay_answers_with_the_first_creator(operator: Api) -> None:
    cid, key = fresh_id(), {"Idempotency-Key": fresh_id("key")}
    _, first, _ = operator.put(f"/customers/{cid}", headers=key)

    status, again, headers = operator.put(f"/customers/{cid}", headers=key)

    assert (status, headers["Idempotent-Replayed"]) == (201, "true")
    assert again == first and first["createdBy"] == OPERATOR


def test_a_retry_whose_first_answer_was_lost_gets_the_item_as_first_stored(operator: Api) -> None:
    # GIVEN a keyed PUT that stored its item, whose answer was never recorded (a 5xx is not, and
    # here the record is dropped): the retry runs the write again and meets its own item
    cid, key = fresh_id(), {"Idempotency-Key": fresh_id("key")}
    _, first, _ = operator.put(f"/customers/{cid}", headers=key)
    forget_every_recorded_answer()
    # WHEN the same request comes again
    status, again, headers = operator.put(f"/customers/{cid}", headers=key)
    # THEN it is a fresh 201 for the stored item: the first createdAt and createdBy
    assert status == 201 and "Idempotent-Replayed" not in headers
    assert again == first and again["createdBy"] == OPERATOR


def forget_every_recorded_answer() -> None:
    dynamodb = clients().client("dynamodb")
    for item in dynamodb.scan(TableName="customer_id_idempotency", ProjectionExpression="id")["Items"]:
        dynamodb.delete_item(TableName="customer_id_idempotency", Key={"id": item["id"]})


def test_an_id_stored_before_writes_were_attributed_reads_created_by_null(api: Api) -> None:
    # GIVEN an item in the shape the store wrote before this change (no createdBy)
    cid = fresh_id()
    item = to_item(Customer(cid, "2026-11-25T09:30:00.123Z", "api"), "old-token")
    assert "createdBy" not in item
    DynamoCustomerStore(clients().client("dynamodb"), "customer_ids").directory.ensure_listed([cid[0]])
    clients().client("dynamodb").put_item(TableName="customer_ids", Item=item)
    # THEN it reads createdBy null, alone and in a list, and still cannot be overwritten
    expected = {"id": cid, "createdAt": "2026-11-25T09:30:00.123Z", "source": "api", "createdBy": None}
    assert api.get(f"/customers/{cid}")[1] == expected
    assert listed(api, cid) == expected
    assert api.put(f"/customers/{cid}")[0] == 409
    assert api.get(f"/customers/{cid}")[1] == expected


def test_another_person_s_same_request_with_the_same_key_is_theirs_not_a_replay(
    operator: Api, as_role: dict[str, Api]
) -> None:
    # GIVEN the operator's keyed PUT
    cid, key = fresh_id(), {"Idempotency-Key": fresh_id("key")}
    operator.put(f"/customers/{cid}", headers=key)
    # WHEN the admin sends the very same request with the same key value
    status, body, _ = as_role["admin"].put(f"/customers/{cid}", headers=key)
    # THEN it is the admin's own request: the ID is the operator's, so a conflict, never the
    # operator's 201 replayed as if the admin had created it
    assert_error(status, body, 409, "already_exists")
    assert operator.get(f"/customers/{cid}")[1]["createdBy"] == OPERATOR
