"""One contract per storage port, run against every implementation of it.

Each class is subclassed once per implementation, at the level its I/O belongs to: the fake in
tests/unit/test_fake_stores.py, the DynamoDB store on in-process moto in tests/functional/
(test_store.py, test_workflow_store.py), the same store on the running emulator in
tests/integration/test_emulator_stores.py. So a domain test that uses a fake means what it says.
"""

from __future__ import annotations

import pytest

from backend.local.unique import fresh_id
from chalicelib import deadline
from chalicelib.customers.domain import Customer, CustomerStore
from chalicelib.customers.store import SHARDS
from chalicelib.workflow.store import list_shard
from chalicelib.workflow.submissions import Submission, SubmissionStore

T0 = "2026-11-25T09:00:00.000Z"


def customer(customer_id: str) -> Customer:
    return Customer(customer_id, "2026-11-25T00:00:00.000Z", "api")


def pending(submission_id: str, at: str = T0) -> Submission:
    return Submission(submission_id, "cust-001", "PENDING", None, None, at, at)


class CustomerStoreContract:
    """What the domain may rely on from any CustomerStore."""

    @pytest.fixture
    def store(self) -> CustomerStore:
        raise NotImplementedError

    def test_an_insert_never_overwrites_someone_else_s_customer(self, store: CustomerStore) -> None:
        # GIVEN a customer stored by one writer, WHEN another inserts the same ID
        # THEN the other gets nothing and the first customer stays as stored
        cid = fresh_id()
        assert store.insert(customer(cid), "mine") == customer(cid)
        assert store.insert(Customer(cid, "later", "batch"), "theirs") is None
        assert store.get(cid) == customer(cid)

    def test_an_insert_repeated_with_its_token_gets_the_stored_customer(
        self, store: CustomerStore
    ) -> None:
        # GIVEN an insert that landed (its answer may have been lost)
        cid = fresh_id()
        store.insert(customer(cid), "mine")
        # WHEN it is repeated with the same token, THEN it is ours, as first stored
        assert store.insert(Customer(cid, "later", "batch"), "mine") == customer(cid)
        assert store.get(cid) == customer(cid)

    def test_delete_reports_whether_something_was_there(self, store: CustomerStore) -> None:
        cid = fresh_id()
        store.insert(customer(cid), "mine")
        assert store.delete(cid) is True
        assert store.delete(cid) is False
        assert store.get(cid) is None

    def test_insert_many_returns_existing_and_keeps_them(self, store: CustomerStore) -> None:
        old, new = fresh_id("old"), [fresh_id("new") for _ in range(120)]
        store.insert(customer(old), "theirs")
        existing = store.insert_many([Customer(old, "later", "batch")] + [customer(i) for i in new],
                                     "mine")
        assert existing == {old}
        assert store.get(old) == customer(old)
        assert all(store.get(i) is not None for i in new)
        # a retry of the same batch finds only its own IDs: nothing is someone else's but `old`
        assert store.insert_many([customer(i) for i in [old, *new]], "mine") == {old}

    def test_listing_walks_shards_in_byte_order(self, store: CustomerStore) -> None:
        tag = fresh_id("")[1:9]  # shared middle part, so this test's IDs can be picked out
        ids = sorted(f"{first}{tag}" for first in SHARDS[::7])
        store.insert_many([customer(i) for i in ids], "mine")
        listed: list[str] = []
        after = None
        while True:
            page = store.list_after(after, None, 3).items
            if not page:
                break
            listed += [c.id for c in page if tag in c.id]
            after = page[-1].id
        assert listed == ids

    def test_a_prefix_lists_only_its_ids_in_order_from_any_position(self, store: CustomerStore) -> None:
        tag = fresh_id("p")
        ids = [f"{tag}-{n}" for n in range(5)]
        store.insert_many([customer(i) for i in ids], "mine")
        assert [c.id for c in store.list_after(None, tag, 10).items] == ids
        assert [c.id for c in store.list_after(ids[1], tag, 2).items] == ids[2:4]


class DynamoCustomerStoreContract(CustomerStoreContract):
    """What only the DynamoDB store promises: a listing keeps to the request's time budget."""

    def test_a_walk_short_of_time_stops_between_shards_and_resumes_there(
        self, store: CustomerStore
    ) -> None:
        # GIVEN IDs in several shards, and a request with almost no time left
        tag = fresh_id("")[1:9]
        ids = sorted(f"{first}{tag}" for first in "AMZ")
        store.insert_many([customer(i) for i in ids], "mine")
        with deadline.budget(0.5):
            listing = store.list_after(None, None, 100)
        # THEN it stops after its first shard with a position to resume from, and resuming from
        # each position in turn still yields every ID once, in order
        assert listing.resume_after is not None
        seen = [c.id for c in listing.items]
        after: str | None = listing.resume_after
        while after is not None:
            with deadline.budget(0.5):
                listing = store.list_after(after, None, 100)
            seen += [c.id for c in listing.items]
            after = listing.resume_after
        assert [i for i in seen if tag in i] == ids


class SubmissionStoreContract:
    """What the domain may rely on from any SubmissionStore."""

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

    def test_a_submission_is_marked_running_only_while_pending(self, store: SubmissionStore) -> None:
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
