"""Idempotency-Key on the write routes, through the app against in-process moto."""

from __future__ import annotations

import uuid

import pytest

from backend.local.unique import fresh_id
from tests.functional.conftest import Api


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_a_put_retried_with_its_key_gets_the_original_201_marked_as_a_replay(api: Api) -> None:
    cid, headers = fresh_id(), key()
    status, first, sent = api.put(f"/customers/{cid}", headers=headers)
    assert status == 201 and "Idempotent-Replayed" not in sent

    status, again, replayed = api.put(f"/customers/{cid}", headers=headers)

    assert status == 201 and again == first  # same createdAt
    assert replayed["Idempotent-Replayed"] == "true" and replayed["Location"] == sent["Location"]


def test_without_a_key_or_with_another_key_a_second_put_is_a_conflict(api: Api) -> None:
    cid = fresh_id()
    api.put(f"/customers/{cid}", headers=key())
    assert api.put(f"/customers/{cid}")[0] == 409
    assert api.put(f"/customers/{cid}", headers=key())[0] == 409


def test_a_delete_retried_with_its_key_is_still_204_although_the_item_is_gone(api: Api) -> None:
    cid, headers = fresh_id(), key()
    api.put(f"/customers/{cid}")
    assert api.delete(f"/customers/{cid}", headers=headers)[0] == 204
    status, _, replayed = api.delete(f"/customers/{cid}", headers=headers)
    assert status == 204 and replayed["Idempotent-Replayed"] == "true"
    assert api.delete(f"/customers/{cid}")[0] == 404  # a new request sees the truth


def test_a_batch_retried_with_its_key_reports_the_same_outcome(api: Api) -> None:
    theirs, mine = fresh_id("theirs"), [fresh_id("mine") for _ in range(3)]
    api.put(f"/customers/{theirs}")
    headers = key()
    body = {"ids": [*mine, theirs, "no"]}
    status, first, _ = api.post("/customers/batch", body=body, headers=headers)
    assert status == 200 and first["created"] == mine and first["existing"] == [theirs]
    assert api.post("/customers/batch", body=body, headers=headers)[1] == first


def test_a_submit_retried_with_its_key_is_the_same_submission(api: Api) -> None:
    headers = key()
    status, first, sent = api.post("/workflow/submit", body={"id": fresh_id()}, headers=headers)
    assert status == 202
    status, again, replayed = api.post("/workflow/submit", body={"id": first["id"]}, headers=headers)
    assert (status, again["submissionId"]) == (202, first["submissionId"])
    assert replayed["Location"] == sent["Location"]


def test_a_key_reused_for_a_different_request_is_422_and_changes_nothing(api: Api) -> None:
    headers = key()
    cid = fresh_id()
    api.put(f"/customers/{cid}", headers=headers)
    other = fresh_id()
    status, body, _ = api.put(f"/customers/{other}", headers=headers)
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    assert api.get(f"/customers/{other}")[0] == 404


def test_an_error_of_the_callers_making_is_replayed_too(api: Api) -> None:
    cid, headers = fresh_id(), key()
    api.put(f"/customers/{cid}")
    assert api.put(f"/customers/{cid}", headers=headers)[0] == 409
    api.delete(f"/customers/{cid}")
    status, _, replayed = api.put(f"/customers/{cid}", headers=headers)
    assert status == 409 and replayed["Idempotent-Replayed"] == "true"  # the original answer


@pytest.mark.parametrize("bad", ["", "x" * 256, "caf\u00e9", "tab\there", '""'])
def test_a_malformed_key_is_400_and_nothing_is_written(api: Api, bad: str) -> None:
    cid = fresh_id()
    status, body, _ = api.put(f"/customers/{cid}", headers={"Idempotency-Key": bad})
    assert status == 400 and body["error"]["code"] == "invalid_idempotency_key"
    assert api.get(f"/customers/{cid}")[0] == 404


def test_a_quoted_key_as_the_draft_writes_it_is_the_same_key_as_bare(api: Api) -> None:
    cid, raw = fresh_id(), str(uuid.uuid4())
    first = api.put(f"/customers/{cid}", headers={"Idempotency-Key": raw})[1]
    status, again, _ = api.put(f"/customers/{cid}", headers={"Idempotency-Key": f'"{raw}"'})
    assert (status, again) == (201, first)


def test_cors_lets_the_console_send_the_key_and_read_the_replay_header(anonymous: Api) -> None:
    status, _, headers = anonymous.request(
        "OPTIONS", "/customers/abc", headers={"origin": "http://localhost:5173",
                                               "access-control-request-method": "PUT"})
    assert status == 204 and "idempotency-key" in headers["Access-Control-Allow-Headers"]
    _, _, headers = anonymous.get("/health", headers={"origin": "http://localhost:5173"})
    assert "Idempotent-Replayed" in headers["Access-Control-Expose-Headers"]


def test_two_people_with_the_same_key_each_get_their_own_answer(as_role: dict[str, Api]) -> None:
    # GIVEN two people who happen to send the same Idempotency-Key for different IDs
    key = str(uuid.uuid4())
    first, second = fresh_id(), fresh_id()
    status, _, _ = as_role["operator"].put(f"/customers/{first}", headers={"idempotency-key": key})
    assert status == 201
    # WHEN the other person sends it THEN theirs runs: no 422 and no replay of someone else's answer
    status, body, headers = as_role["admin"].put(f"/customers/{second}", headers={"idempotency-key": key})
    assert status == 201 and body["id"] == second and "Idempotent-Replayed" not in headers
