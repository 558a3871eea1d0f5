"""One contract per storage port, run against every implementation of it.

Each class is subclassed once per implementation, at the level its I/O belongs to: the fake in
tests/unit/test_fake_stores.py, the DynamoDB store on in-process moto in tests/functional/
(test_store.py, test_workflow_store.py), the same store on the running emulator in
tests/integration/test_emulator_stores.py. So a domain test that uses a fake means what it says.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from backend.local.unique import fresh_id
from chalicelib import deadline
from chalicelib.customers.domain import Customer, CustomerStore
from chalicelib.customers.store import SHARDS, DynamoCustomerStore, to_item
from chalicelib.identity.actor import Actor
from chalicelib.workflow.store import list_shard
from chalicelib.workflow.submissions import Submission, SubmissionStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

T0 = "2026-11-25T09:00:00.000Z"
ALICE = Actor("person", "alice")
CI_KEY = Actor("key", "ci-key")


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

    def test_the_creator_is_stored_and_never_replaced(self, store: CustomerStore) -> None:
        # GIVEN a customer created by alice
        cid, other = fresh_id(), fresh_id()
        made = Customer(cid, T0, "api", ALICE)
        assert store.insert(made, "mine") == made
        # WHEN a key inserts the same ID, alone and in a batch, and a retry of hers comes back
        assert store.insert(Customer(cid, "later", "api", CI_KEY), "theirs") is None
        assert store.insert_many([Customer(cid, "later", "batch", CI_KEY),
                                  Customer(other, "later", "batch", CI_KEY)], "theirs") == {cid}
        # THEN alice stays its creator (her retry gets it back), and the key created only the new one
        assert store.insert(Customer(cid, "later", "api", CI_KEY), "mine") == made
        assert store.get(cid) == made
        found = store.get(other)
        assert found is not None and found.created_by == CI_KEY
        assert [c.created_by for c in store.list_after(None, cid, 1).items] == [ALICE]

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


class DynamoCalls(Counter[str]):
    """How many calls each DynamoDB operation got (every attempt counts): AWS's own terms."""

    def __call__(self, model: Any, **_: Any) -> None:
        self[model.name] += 1


class DynamoCustomerStoreContract(CustomerStoreContract):
    """What only the DynamoDB store promises: a page costs a few calls wherever the IDs are, and a
    listing keeps to the request's time budget."""

    @pytest.fixture
    def empty_table(self) -> tuple[DynamoDBClient, str]:
        """A client, and the name of a customers table of this test's own, empty."""
        raise NotImplementedError

    @pytest.fixture
    def empty_store(self, empty_table: tuple[DynamoDBClient, str]) -> DynamoCustomerStore:
        return DynamoCustomerStore(*empty_table)

    @pytest.fixture
    def calls(self) -> DynamoCalls:
        """Counts every call the stores of this test make to DynamoDB."""
        raise NotImplementedError

    @pytest.mark.parametrize("table", ["one prefix", "sparse"])
    def test_a_page_costs_at_most_three_calls_however_ids_are_spread(
        self, empty_store: DynamoCustomerStore, calls: DynamoCalls, table: str
    ) -> None:
        # GIVEN 60 IDs that share `cust-` (behind 40 empty shards), alone or with a few IDs in
        # shards far apart, and a first page listed once (it builds the directory, once)
        ids = [f"cust-{n:04d}" for n in range(60)]
        others = ["d-one", "m-two", "x-three"] if table == "sparse" else []
        empty_store.insert_many([customer(i) for i in ids + others], "mine")
        empty_store.list_after(None, None, 26)
        last = [*ids[41:], *others]
        pages = [  # (after, prefix, the page, its Queries: one per shard it holds IDs of)
            (None, None, ids[:26], 1), (ids[20], None, ids[21:47], 1), (None, "cust-", ids[:26], 1),
            (ids[40], None, last, len({i[0] for i in last}))]
        for after, prefix, expected, queries in pages:
            # WHEN a first, a middle, a prefix and a last page are read
            calls.clear()
            listing = empty_store.list_after(after, prefix, 26)
            # THEN each is whole and in order; a page of IDs that share a prefix costs one Query,
            # plus one read of the directory when it has no prefix: never an empty shard's Query
            assert [c.id for c in listing.items] == expected
            assert listing.resume_after is None
            assert calls == {"Query": queries, **({} if prefix else {"GetItem": 1})}, (after, calls)

    def test_ids_stored_before_the_directory_existed_are_all_listed(
        self, empty_table: tuple[DynamoDBClient, str], calls: DynamoCalls
    ) -> None:
        # GIVEN IDs written by a writer that knew no directory (the store before it existed)
        client, table = empty_table
        ids = ["A-old", "cust-old", "z-old"]
        for cid in ids:
            client.put_item(TableName=table, Item=to_item(customer(cid), "old"))
        # WHEN a container lists, twice
        store = DynamoCustomerStore(client, table)
        first = store.list_after(None, None, 10)
        calls.clear()
        again = store.list_after(None, None, 10)
        # THEN the first listing found every shard that holds IDs, and the next one reads only those
        assert [c.id for c in first.items] == [c.id for c in again.items] == ids
        assert calls["Query"] == len(ids)

    def test_a_shard_emptied_by_deletes_costs_a_query_never_an_id(
        self, empty_store: DynamoCustomerStore, calls: DynamoCalls
    ) -> None:
        # GIVEN a shard whose only ID was deleted, between two that hold IDs
        empty_store.insert_many([customer(i) for i in ["a-1", "k-gone", "x-1"]], "mine")
        assert empty_store.delete("k-gone")
        empty_store.list_after(None, None, 10)
        # WHEN the table is listed
        calls.clear()
        listing = empty_store.list_after(None, None, 10)
        # THEN the page is right, for one more Query than there are shards with IDs
        assert [c.id for c in listing.items] == ["a-1", "x-1"]
        assert calls["Query"] == 3

    def test_every_writer_lists_its_shard_once_per_container(
        self, empty_table: tuple[DynamoDBClient, str], empty_store: DynamoCustomerStore,
        calls: DynamoCalls,
    ) -> None:
        # GIVEN a container that wrote into shard `c` once
        empty_store.insert(customer("cust-1"), "mine")
        # WHEN it writes there again, one at a time and in a batch
        calls.clear()
        empty_store.insert(customer("cust-2"), "mine")
        empty_store.insert_many([customer("cust-3"), customer("cust-4")], "mine")
        # THEN the directory is neither read nor written again (it is no hot spot)
        assert calls["UpdateItem"] == calls["GetItem"] == 0
        # AND a batch into new shards lists them with one read and one write before its puts
        calls.clear()
        empty_store.insert_many([customer(i) for i in ["e-1", "f-1", "g-1"]], "mine")
        assert calls["UpdateItem"] == calls["GetItem"] == 1
        # AND a new container that writes into a listed shard only reads the directory
        again = DynamoCustomerStore(*empty_table)
        calls.clear()
        again.insert(customer("f-2"), "mine")
        assert (calls["GetItem"], calls["UpdateItem"]) == (1, 0)
        listed = empty_store.list_after("cust-4", None, 10).items
        assert [c.id for c in listed] == ["e-1", "f-1", "f-2", "g-1"]

    def test_a_walk_short_of_time_stops_between_shards_and_resumes_there(
        self, store: CustomerStore
    ) -> None:
        # GIVEN IDs in several shards, and a request with almost no time left
        tag = fresh_id("")[1:9]
        ids = sorted(f"{first}{tag}" for first in "AMZ")
        store.insert_many([customer(i) for i in ids], "mine")
        store.list_after(None, None, 1)  # a table in service: its directory is built (once, ever)
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

    def test_the_submitter_is_stored_and_kept_through_every_status(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        submitted = Submission(sid, "cust-001", "PENDING", None, None, T0, T0, ALICE)
        store.create(submitted, 1, "token-1")
        # WHEN the start names another submitter (or none), and the submission ends
        running = Submission(sid, "cust-001", "RUNNING", None, None, T0, T0, CI_KEY)
        marked = store.mark_running(running, 1)
        store.finish(sid, "SUCCEEDED", "inserted", None, T0)
        # THEN alice stays its submitter
        assert marked is not None and marked.submitted_by == ALICE
        found = store.get(sid)
        assert found is not None and found.submitted_by == ALICE
        assert [s.submitted_by for s in store.recent(100) if s.submission_id == sid] == [ALICE]

    def test_a_record_without_a_submitter_takes_the_start_s(self, store: SubmissionStore) -> None:
        # GIVEN a submission stored before submitters were (or an event published elsewhere)
        old, external = fresh_id("s"), fresh_id("s")
        store.create(pending(old), 1, "token-1")
        # WHEN each is marked running by an event that names its submitter
        for sid in (old, external):
            marked = store.mark_running(Submission(sid, "cust-001", "RUNNING", None, None, T0, T0, CI_KEY), 1)
            # THEN the record names that submitter from now on
            assert marked is not None and marked.submitted_by == CI_KEY
            assert marked == store.get(sid)

    def test_a_submission_is_marked_running_only_while_pending(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1, "token-1")
        running = Submission(sid, "cust-001", "RUNNING", None, None, T0, "2026-11-25T09:00:01.000Z")
        assert store.mark_running(running, 1) == running
        assert store.get(sid) == running
        assert store.mark_running(running, 1) is None

    def test_running_creates_the_record_of_an_event_published_elsewhere(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        running = Submission(sid, "cust-002", "RUNNING", None, None, T0, T0)
        assert store.mark_running(running, 1) == running
        assert store.get(sid) == running

    def test_a_final_status_is_written_once_and_never_moves_back(self, store: SubmissionStore) -> None:
        sid = fresh_id("s")
        store.create(pending(sid), 1, "token-1")
        assert store.finish(sid, "SUCCEEDED", "inserted", None, "2026-11-25T09:00:02.000Z") is True
        assert store.finish(sid, "FAILED", None, "late", "2026-11-25T09:00:03.000Z") is False
        running = Submission(sid, "cust-001", "RUNNING", None, None, T0, T0)
        assert store.mark_running(running, 1) is None
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
