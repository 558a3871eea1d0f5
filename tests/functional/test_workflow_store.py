"""One contract for the submissions store: the DynamoDB store on in-process moto, and the fake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.aws import client
from chalicelib.workflow.store import LIST_SHARDS, DynamoSubmissionStore, list_shard
from chalicelib.workflow.submissions import Submission, SubmissionStore
from tests.conftest import fresh_id
from tests.workflow_fakes import InMemorySubmissionStore

T0 = "2026-11-25T09:00:00.000Z"


def pending(submission_id: str, at: str = T0) -> Submission:
    return Submission(submission_id, "cust-001", "PENDING", None, None, at, at)


class SubmissionStoreContract:
    @pytest.fixture
    def store(self) -> SubmissionStore:
        raise NotImplementedError

    def test_a_created_submission_reads_back(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1_800_000_000, "token-1")
        assert store.get(sid) == pending(sid)
        assert store.get(fresh_id("s")) is None

    def test_create_never_overwrites_and_knows_its_own_earlier_attempt(self, store: SubmissionStore) -> None:
        # GIVEN a submission stored by a request whose answer was lost
        sid = fresh_id("s")
        assert store.create(pending(sid), 1, "token-1") == pending(sid)
        later = Submission(sid, "cust-999", "PENDING", None, None, "2026-11-25T10:00:00.000Z",
                           "2026-11-25T10:00:00.000Z")
        # WHEN the same request comes again, and when another request collides
        # THEN the first gets the stored submission back, the other gets nothing, nothing changes
        assert store.create(later, 1, "token-1") == pending(sid)
        assert store.create(later, 1, "token-2") is None
        assert store.get(sid) == pending(sid)

    def test_running_only_from_pending(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1, "token-1")
        running = Submission(sid, "cust-001", "RUNNING", None, None, T0, "2026-11-25T09:00:01.000Z")
        assert store.mark_running(running, 1) is True
        assert store.get(sid) == running
        assert store.mark_running(running, 1) is False

    def test_running_creates_the_record_of_an_event_published_elsewhere(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        running = Submission(sid, "cust-002", "RUNNING", None, None, T0, T0)
        assert store.mark_running(running, 1) is True
        assert store.get(sid) == running

    def test_a_final_status_is_written_once_and_never_moves_back(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1, "token-1")
        assert store.finish(sid, "SUCCEEDED", "inserted", None, "2026-11-25T09:00:02.000Z") is True
        assert store.finish(sid, "FAILED", None, "late", "2026-11-25T09:00:03.000Z") is False
        running = Submission(sid, "cust-001", "RUNNING", None, None, T0, T0)
        assert store.mark_running(running, 1) is False
        assert store.get(sid) == Submission(sid, "cust-001", "SUCCEEDED", "inserted", None, T0,
                                            "2026-11-25T09:00:02.000Z")

    def test_a_failure_keeps_its_reason_and_no_outcome(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1, "token-1")
        store.finish(sid, "FAILED", None, "DynamoDB.ResourceNotFoundException: gone", T0)
        recorded = store.get(sid)
        assert recorded is not None
        assert (recorded.status, recorded.outcome, recorded.error) == (
            "FAILED", None, "DynamoDB.ResourceNotFoundException: gone")

    def test_an_unknown_submission_is_not_finished(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        assert store.finish(sid, "FAILED", None, "x", T0) is False
        assert store.get(sid) is None

    def test_recent_is_newest_first_across_every_shard(self, store: SubmissionStore) -> None:
        times = [f"2099-01-01T00:00:{second:02d}.000Z" for second in range(12)]  # newer than the rest
        ids = [fresh_id("r") for _ in times]
        for sid, at in zip(ids, times, strict=True):
            store.create(pending(sid, at), 1, "token-1")
        assert len({list_shard(sid) for sid in ids}) > 1
        assert [s.submission_id for s in store.recent(5)] == ids[::-1][:5]

    def test_unfinished_lists_only_pending_and_running_oldest_first_before_a_time(
        self, store: SubmissionStore
    ) -> None:
        # GIVEN submissions at 09:00:00..09:00:07, spread over the index's shards
        times = [f"2026-11-25T09:00:{second:02d}.000Z" for second in range(8)]
        ids = [fresh_id("u") for _ in times]
        for sid, at in zip(ids, times, strict=True):
            store.create(pending(sid, at), 1, "token-1")
        running = Submission(ids[1], "cust-001", "RUNNING", None, None, times[1], times[2])
        store.mark_running(running, 1)
        store.finish(ids[2], "SUCCEEDED", "inserted", None, times[3])
        store.finish(ids[3], "FAILED", None, "no", times[3])

        # THEN the finished ones leave the list, and the time bound is exclusive
        found = store.unfinished(10, submitted_before=times[6])
        assert [sid for sid in found if sid in ids] == [ids[0], ids[1], ids[4], ids[5]]
        assert [sid for sid in store.unfinished(10) if sid in ids] == [ids[0], ids[1], *ids[4:]]


class TestFakeStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self) -> SubmissionStore:
        return InMemorySubmissionStore()


class TestDynamoStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self, aws: None) -> SubmissionStore:
        return DynamoSubmissionStore(client("dynamodb"), "customer_id_submissions")


def test_stored_items_carry_the_ttl_and_list_keys(aws: None) -> None:
    store = DynamoSubmissionStore(client("dynamodb"), "customer_id_submissions")
    sid = fresh_id("s")
    store.create(pending(sid), 1_800_000_000, "token-1")

    item: dict[str, Any] = client("dynamodb").get_item(
        TableName="customer_id_submissions", Key={"submissionId": {"S": sid}})["Item"]

    assert item["expiresAt"] == {"N": "1800000000"}
    assert 0 <= int(item["listShard"]["S"]) < LIST_SHARDS
    assert "outcome" not in item and "error" not in item
    assert item["unfinishedShard"] == item["listShard"]  # in the sparse index while unfinished
    store.finish(sid, "SUCCEEDED", "inserted", None, T0)
    finished = client("dynamodb").get_item(
        TableName="customer_id_submissions", Key={"submissionId": {"S": sid}})["Item"]
    assert "unfinishedShard" not in finished


def test_the_table_expires_submissions_by_ttl() -> None:
    data = json.loads((Path(__file__).resolve().parents[2] / "backend/infra/data.json").read_text())
    table = data["Resources"]["SubmissionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
