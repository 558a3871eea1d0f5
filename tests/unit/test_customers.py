"""The domain rules, against an in-memory store: no I/O."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.customers.cursor import CursorCodec
from chalicelib.customers.domain import Customer, Customers, Listing, id_problem
from chalicelib.errors import (
    AlreadyExistsError,
    InvalidCursorError,
    InvalidIdError,
    InvalidRequestError,
    NotFoundError,
)
from chalicelib.identity.actor import Actor
from tests.fakes import InMemoryCustomerStore

ALICE = Actor("person", "alice")
CI_KEY = Actor("key", "ci-key")


@pytest.fixture
def store() -> InMemoryCustomerStore:
    return InMemoryCustomerStore()


@pytest.fixture
def customers(store: InMemoryCustomerStore) -> Customers:
    ticks = iter(range(10_000))
    return Customers(store, CursorCodec(lambda: b"k"), clock=lambda: f"t{next(ticks):05d}")


@pytest.mark.parametrize("valid", ["abc", "A" * 64, "a_b-c", "007", "---", "MiXeD_Case-9"])
def test_valid_ids_pass_the_rule(valid: str) -> None:
    assert id_problem(valid) is None


@pytest.mark.parametrize(
    ("invalid", "reason"),
    [
        ("ab", "3 to 64"),
        ("a" * 65, "3 to 64"),
        ("", "3 to 64"),
        ("has space", "only letters"),
        (" abc", "only letters"),  # never trimmed
        ("abc\n", "only letters"),
        ("ünï", "only letters"),
        ("a/b/c", "only letters"),
        ("a.bc", "only letters"),
        (123, "must be a string"),
        (None, "must be a string"),
    ],
)
def test_invalid_ids_are_refused_with_a_reason(invalid: object, reason: str) -> None:
    problem = id_problem(invalid)
    assert problem is not None and reason in problem


def test_create_stores_exactly_the_given_id(customers: Customers, store: InMemoryCustomerStore) -> None:
    created = customers.create("Cust_01", new_token(), ALICE)
    assert created.id == "Cust_01" and created.source == "api"
    assert store.items["Cust_01"] == created


def test_ids_are_case_sensitive(customers: Customers) -> None:
    customers.create("abc", new_token(), ALICE)
    assert customers.create("ABC", new_token(), ALICE).id == "ABC"


def test_creating_an_existing_id_fails_and_keeps_the_original(
    customers: Customers, store: InMemoryCustomerStore
) -> None:
    original = customers.create("dup-1", new_token(), ALICE)
    with pytest.raises(AlreadyExistsError):
        customers.create("dup-1", new_token(), ALICE)
    assert store.items["dup-1"] == original


def test_get_and_delete_unknown_ids_are_not_found(customers: Customers) -> None:
    with pytest.raises(NotFoundError):
        customers.get("missing")
    with pytest.raises(NotFoundError):
        customers.delete("missing")


def test_invalid_ids_are_refused_before_touching_the_store(customers: Customers) -> None:
    with pytest.raises(InvalidIdError):
        customers.create("no", new_token(), ALICE)
    for call in (customers.get, customers.delete):
        with pytest.raises(InvalidIdError):
            call("no")


def test_paging_yields_every_id_once_in_order(customers: Customers) -> None:
    ids = {f"id-{n:03d}" for n in range(23)}
    customers.create_many(ids, new_token(), ALICE)
    seen: list[str] = []
    cursor = None
    while True:
        page = customers.list_page(limit=5, cursor=cursor)
        seen += [c.id for c in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(ids)


def test_last_full_page_has_no_cursor(customers: Customers) -> None:
    customers.create_many(["aaa", "bbb"], new_token(), ALICE)
    assert customers.list_page(limit=2).next_cursor is None


def test_prefix_filters_and_binds_the_cursor(customers: Customers) -> None:
    customers.create_many(["abc1", "abc2", "abc3", "abd1", "zzz"], new_token(), ALICE)
    page = customers.list_page(limit=2, prefix="abc")
    assert [c.id for c in page.items] == ["abc1", "abc2"]
    assert page.next_cursor is not None
    with pytest.raises(InvalidCursorError):
        customers.list_page(limit=2, cursor=page.next_cursor, prefix="abd")
    rest = customers.list_page(limit=2, cursor=page.next_cursor, prefix="abc")
    assert [c.id for c in rest.items] == ["abc3"] and rest.next_cursor is None


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limit_outside_1_to_100_is_refused(customers: Customers, limit: int) -> None:
    with pytest.raises(InvalidRequestError):
        customers.list_page(limit=limit)


@pytest.mark.parametrize("prefix", ["a b", "é", "x" * 65])
def test_prefix_outside_the_id_alphabet_is_refused(customers: Customers, prefix: str) -> None:
    with pytest.raises(InvalidRequestError):
        customers.list_page(prefix=prefix)


def test_batch_gives_every_distinct_id_exactly_one_outcome(
    customers: Customers, store: InMemoryCustomerStore
) -> None:
    existing = customers.create("old-1", new_token(), ALICE)
    outcome = customers.create_many(["new-1", "old-1", "x", "new-1", "bad id", "new-2", 7], new_token(),
                                    ALICE)
    assert outcome.created == ["new-1", "new-2"]
    assert outcome.existing == ["old-1"]
    assert [i for i, _ in outcome.invalid] == ["x", "bad id", "7"]
    assert store.items["old-1"] == existing  # never overwritten
    assert store.items["new-1"].source == "batch"


def new_token() -> str:
    return uuid.uuid4().hex


def test_a_retry_with_the_same_token_gets_the_stored_customer_not_a_conflict(
    customers: Customers, store: InMemoryCustomerStore
) -> None:
    # GIVEN a create whose answer was lost after it landed
    token = new_token()
    first = customers.create("retry-1", token, ALICE)
    # WHEN the same request (same token) comes again, later
    again = customers.create("retry-1", token, ALICE)
    # THEN it is the same customer, createdAt and all; another request's create is still a conflict
    assert again == first == store.items["retry-1"]
    with pytest.raises(AlreadyExistsError):
        customers.create("retry-1", new_token(), ALICE)


def test_a_batch_retried_with_its_token_reports_its_own_ids_as_created(customers: Customers) -> None:
    # GIVEN another caller's ID and a batch whose first attempt stored part of its IDs, then failed
    customers.create("theirs-1", new_token(), ALICE)
    token = new_token()
    customers.create_many(["mine-1", "mine-2"], token, ALICE)
    # WHEN the whole batch is retried with the same token
    outcome = customers.create_many(["mine-1", "mine-2", "mine-3", "theirs-1"], token, ALICE)
    # THEN what it wrote before is created, someone else's ID is existing
    assert outcome.created == ["mine-1", "mine-2", "mine-3"]
    assert outcome.existing == ["theirs-1"]


class _StoppedEarly(InMemoryCustomerStore):
    """A store that ran short of time after its first shard, as DynamoCustomerStore can."""

    def list_after(self, after: str | None, prefix: str | None, limit: int) -> Listing:
        found = super().list_after(after, prefix, limit)
        if after is not None:
            return found
        return Listing([c for c in found.items if c.id[0] == "a"], resume_after="b")


def test_a_page_cut_short_for_time_is_short_and_its_cursor_goes_on() -> None:
    store = _StoppedEarly()
    customers = Customers(store, CursorCodec(lambda: b"k"))
    customers.create_many(["abc", "abd", "nop", "xyz"], new_token(), ALICE)
    first = customers.list_page(limit=10)
    assert [c.id for c in first.items] == ["abc", "abd"] and first.next_cursor is not None
    assert first.cut_short  # it says so: more IDs follow
    rest = customers.list_page(limit=10, cursor=first.next_cursor)
    assert [c.id for c in rest.items] == ["nop", "xyz"] and rest.next_cursor is None
    assert not rest.cut_short


# -- provenance ----------------------------------------------------------------------------


def test_a_created_customer_names_its_creator(customers: Customers, store: InMemoryCustomerStore) -> None:
    created = customers.create("made-by-key", new_token(), CI_KEY)

    assert created.created_by == CI_KEY and store.get("made-by-key") == created
    assert created.to_json()["createdBy"] == {"kind": "key", "name": "ci-key"}


def test_another_actor_s_create_of_an_existing_id_changes_no_creator(
    customers: Customers, store: InMemoryCustomerStore
) -> None:
    original = customers.create("first-come", new_token(), ALICE)

    with pytest.raises(AlreadyExistsError):
        customers.create("first-come", new_token(), CI_KEY)
    outcome = customers.create_many(["first-come", "second"], new_token(), CI_KEY)

    assert outcome.existing == ["first-come"]
    assert store.get("first-come") == original and original.created_by == ALICE
    assert customers.get("second").created_by == CI_KEY


def test_a_retry_with_the_token_gets_the_first_creator_back(customers: Customers) -> None:
    token = new_token()
    first = customers.create("retried", token, ALICE)

    again = customers.create("retried", token, CI_KEY)

    assert again == first and again.created_by == ALICE


def test_an_id_stored_before_creators_were_recorded_reads_no_creator(
    customers: Customers, store: InMemoryCustomerStore
) -> None:
    store.insert(Customer("old-one", "t", "api"), new_token())

    assert customers.get("old-one").to_json()["createdBy"] is None
