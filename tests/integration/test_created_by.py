"""Who made it, on the running local stack over HTTP (issue 17, item 5): `createdBy` on an ID a person
creates, on one the stage's key creates, and on one the workflow inserts for a person's submission."""

from __future__ import annotations

import time
from typing import Any

import pytest

from backend.local.devstack import DevStack
from backend.local.unique import fresh_id
from tests.integration.people import HTTP, bearer, sign_in

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def operator_token(stack: DevStack) -> dict[str, str]:
    return bearer(sign_in(stack, "operator")["AccessToken"])


def created_by(stack: DevStack, customer_id: str) -> Any:
    response = HTTP.get(f"{stack.api_url}/customers/{customer_id}", headers={"x-api-key": stack.api_key})
    assert response.status_code == 200, response.text
    return response.json()["createdBy"]


def test_an_id_a_person_creates_says_so_and_one_the_key_creates_names_the_key(
    stack: DevStack, operator_token: dict[str, str],
) -> None:
    # GIVEN one ID created by the operator, another by the stage's key
    by_person, by_key = fresh_id(), fresh_id()
    assert HTTP.put(f"{stack.api_url}/customers/{by_person}",
                     headers=operator_token).status_code == 201
    assert HTTP.put(f"{stack.api_url}/customers/{by_key}",
                     headers={"x-api-key": stack.api_key}).status_code == 201
    # WHEN they are read; THEN each names who made it (the key by its name, never its value)
    assert created_by(stack, by_person) == {"kind": "person", "name": "operator"}
    assert created_by(stack, by_key) == {"kind": "key", "name": stack.api_key_name}


def test_ids_a_person_imports_say_so_in_the_list_too(stack: DevStack, operator_token: dict[str, str]) -> None:
    # GIVEN two IDs the operator imports in one batch
    prefix = fresh_id()
    ids = [f"{prefix}-a", f"{prefix}-b"]
    imported = HTTP.post(f"{stack.api_url}/customers/batch", json={"ids": ids}, headers=operator_token)
    assert imported.status_code == 200 and imported.json()["created"] == ids, imported.text
    # WHEN the list is read; THEN each item names the operator
    listed = HTTP.get(f"{stack.api_url}/customers", params={"prefix": prefix}, headers=operator_token)
    assert listed.status_code == 200, listed.text
    assert [(item["id"], item["createdBy"]) for item in listed.json()["items"]] == [
        (customer_id, {"kind": "person", "name": "operator"}) for customer_id in ids]


def test_an_id_the_workflow_inserts_names_whoever_submitted_it(
    stack: DevStack, operator_token: dict[str, str],
) -> None:
    # GIVEN an operator's submission
    customer_id = fresh_id()
    submitted = HTTP.post(f"{stack.api_url}/workflow/submit", json={"id": customer_id},
                           headers=operator_token)
    assert submitted.status_code == 202, submitted.text
    submission_path = f"/workflow/submissions/{submitted.json()['submissionId']}"
    # WHEN the workflow has run it
    deadline = time.monotonic() + 20
    while True:
        submission = HTTP.get(f"{stack.api_url}{submission_path}",
                              headers={"x-api-key": stack.api_key}).json()
        if submission["status"] in ("SUCCEEDED", "FAILED") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    # THEN the submission and the ID it inserted both name the operator
    assert submission["status"] == "SUCCEEDED", submission
    assert submission["submittedBy"] == {"kind": "person", "name": "operator"}
    assert created_by(stack, customer_id) == {"kind": "person", "name": "operator"}
