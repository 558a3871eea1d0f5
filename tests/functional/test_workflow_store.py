"""The submissions store on in-process moto: the port's contract (tests/contracts.py), and what DynamoDB
keeps beside it (the TTL, the list keys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.local.unique import fresh_id
from chalicelib.workflow.store import LIST_SHARDS, DynamoSubmissionStore
from chalicelib.workflow.submissions import SubmissionStore
from tests.clients import clients
from tests.contracts import T0, SubmissionStoreContract, pending


class TestMotoSubmissionStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self, aws: None) -> SubmissionStore:
        return DynamoSubmissionStore(clients().client("dynamodb"), "customer_id_submissions")


def test_stored_items_carry_the_ttl_and_list_keys(aws: None) -> None:
    store = DynamoSubmissionStore(clients().client("dynamodb"), "customer_id_submissions")
    sid = fresh_id("s")
    store.create(pending(sid), 1_800_000_000, "token-1")

    item: dict[str, Any] = clients().client("dynamodb").get_item(
        TableName="customer_id_submissions", Key={"submissionId": {"S": sid}})["Item"]

    assert item["expiresAt"] == {"N": "1800000000"}
    assert 0 <= int(item["listShard"]["S"]) < LIST_SHARDS
    assert "outcome" not in item and "error" not in item
    assert item["unfinishedShard"] == item["listShard"]  # in the sparse index while unfinished
    store.finish(sid, "SUCCEEDED", "inserted", None, T0)
    finished = clients().client("dynamodb").get_item(
        TableName="customer_id_submissions", Key={"submissionId": {"S": sid}})["Item"]
    assert "unfinishedShard" not in finished


def test_the_table_expires_submissions_by_ttl() -> None:
    data = json.loads((Path(__file__).resolve().parents[2] / "backend/infra/data.json").read_text())
    table = data["Resources"]["SubmissionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
