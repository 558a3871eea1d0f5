"""One contract for the DynamoDB store, run against in-process moto and the emulator server alike."""

from __future__ import annotations

import pytest

from chalicelib import deadline
from chalicelib.customers.domain import Customer
from chalicelib.customers.store import SHARDS, DynamoCustomerStore
from tests.conftest import fresh_id


def customer(customer_id: str) -> Customer:
    return Customer(customer_id, "2026-11-25T00:00:00.000Z", "api")


class StoreContract:
    @pytest.fixture
    def store(self) -> DynamoCustomerStore:
        raise NotImplementedError

    def test_insert_is_conditional(self, store: DynamoCustomerStore) -> None:
        cid = fresh_id()
        assert store.insert(customer(cid), "mine") == customer(cid)
        assert store.insert(Customer(cid, "later", "batch"), "theirs") is None
        assert store.get(cid) == customer(cid)

    def test_an_insert_repeated_with_its_token_gets_the_stored_customer(
        self, store: DynamoCustomerStore
    ) -> None:
        # GIVEN an insert that landed (its answer may have been lost)
        cid = fresh_id()
        store.insert(customer(cid), "mine")
        # WHEN it is repeated with the same token, THEN it is ours, as first stored
        assert store.insert(Customer(cid, "later", "batch"), "mine") == customer(cid)
        assert store.get(cid) == customer(cid)

    def test_delete_reports_whether_something_was_there(self, store: DynamoCustomerStore) -> None:
        cid = fresh_id()
        store.insert(customer(cid), "mine")
        assert store.delete(cid) is True
        assert store.delete(cid) is False
        assert store.get(cid) is None

    def test_insert_many_returns_existing_and_keeps_them(self, store: DynamoCustomerStore) -> None:
        old, new = fresh_id("old"), [fresh_id("new") for _ in range(120)]
        store.insert(customer(old), "theirs")
        existing = store.insert_many([Customer(old, "later", "batch")] + [customer(i) for i in new],
                                     "mine")
        assert existing == {old}
        assert store.get(old) == customer(old)
        assert all(store.get(i) is not None for i in new)
        # a retry of the same batch finds only its own IDs: nothing is someone else's but `old`
        assert store.insert_many([customer(i) for i in [old, *new]], "mine") == {old}

    def test_listing_walks_shards_in_byte_order(self, store: DynamoCustomerStore) -> None:
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

    def test_prefix_queries_one_shard(self, store: DynamoCustomerStore) -> None:
        tag = fresh_id("p")
        ids = [f"{tag}-{n}" for n in range(5)]
        store.insert_many([customer(i) for i in ids], "mine")
        assert [c.id for c in store.list_after(None, tag, 10).items] == ids
        assert [c.id for c in store.list_after(ids[1], tag, 2).items] == ids[2:4]

    def test_a_walk_short_of_time_stops_between_shards_and_resumes_there(
        self, store: DynamoCustomerStore
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
        after = listing.resume_after
        while after is not None:
            with deadline.budget(0.5):
                listing = store.list_after(after, None, 100)
            seen += [c.id for c in listing.items]
            after = listing.resume_after
        assert [i for i in seen if tag in i] == ids
