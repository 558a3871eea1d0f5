"""The customer-ID domain: the ID rule and create/get/delete/list/batch. No HTTP in here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from chalicelib.errors import AlreadyExistsError, InvalidIdError, InvalidRequestError, NotFoundError
from chalicelib.identity.actor import Actor

if TYPE_CHECKING:  # the cursor checks its position with the ID rule below: it imports this module
    from chalicelib.customers.cursor import CursorCodec

ID_MIN_LENGTH = 3
ID_MAX_LENGTH = 64
ID_PATTERN = rf"^[A-Za-z0-9_-]{{{ID_MIN_LENGTH},{ID_MAX_LENGTH}}}$"
PREFIX_PATTERN = rf"^[A-Za-z0-9_-]{{1,{ID_MAX_LENGTH}}}$"
_ID_RE = re.compile(ID_PATTERN)
_PREFIX_RE = re.compile(PREFIX_PATTERN)

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_BATCH_SIZE = 1000

Source = Literal["api", "batch", "workflow"]


@dataclass(frozen=True)
class Customer:
    id: str
    created_at: str
    source: Source
    # Who made the write that created it (for the workflow: who submitted it). None for an ID
    # stored before writes named their actor.
    created_by: Actor | None = None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "createdAt": self.created_at, "source": self.source,
                "createdBy": self.created_by.to_json() if self.created_by else None}


@dataclass(frozen=True)
class Page:
    items: list[Customer]
    next_cursor: str | None
    # The time budget ended the page before `limit` items: more may follow at `next_cursor`,
    # however few (even none) this page holds.
    cut_short: bool = False


@dataclass(frozen=True)
class Listing:
    """What a store found for a page; `resume_after` is set when it stopped early, short of time,
    at a position the next page continues from (no customer ID sorts at or before it unread)."""

    items: list[Customer]
    resume_after: str | None = None


@dataclass
class BatchOutcome:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)


class CustomerStore(Protocol):
    """What the domain needs from storage (DynamoDB in production, fakes in tests)."""

    def insert(self, customer: Customer, write_token: str) -> Customer | None:
        """Store a new customer. Returns the stored customer when the ID is ours: written now,
        or earlier by a request with the same `write_token` (a retry whose first answer was lost).
        None, and nothing written, when the ID belongs to someone else."""

    def get(self, customer_id: str) -> Customer | None: ...

    def delete(self, customer_id: str) -> bool:
        """Remove a customer; False when there was none."""

    def insert_many(self, customers: list[Customer], write_token: str) -> set[str]:
        """Store each new customer; return the IDs that belong to someone else (left untouched)."""

    def list_after(self, after: str | None, prefix: str | None, limit: int) -> Listing:
        """Up to `limit` customers in ID order, with IDs > `after` and starting with `prefix`."""


def id_problem(candidate: object) -> str | None:
    """Why `candidate` is not a valid customer ID, or None when it is."""
    if not isinstance(candidate, str):
        return "an ID must be a string"
    if not ID_MIN_LENGTH <= len(candidate) <= ID_MAX_LENGTH:
        return f"an ID must be {ID_MIN_LENGTH} to {ID_MAX_LENGTH} characters long"
    if not _ID_RE.fullmatch(candidate):  # `$` alone would accept a trailing newline
        return "an ID may contain only letters, digits, '_' and '-'"
    return None


def require_valid_id(candidate: object) -> str:
    problem = id_problem(candidate)
    if problem is not None:
        raise InvalidIdError(f"{candidate!r} is not a valid customer ID: {problem}")
    assert isinstance(candidate, str)
    return candidate


def utc_now() -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-11-25T09:30:00.123Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Customers:
    def __init__(
        self,
        store: CustomerStore,
        cursors: CursorCodec,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self._store = store
        self._cursors = cursors
        self._clock = clock

    def create(self, customer_id: str, write_token: str, actor: Actor | None,
               source: Source = "api") -> Customer:
        """The new customer, created by `actor`; or the one an earlier attempt with the same token
        stored, as it stored it (its first `created_by` included)."""
        customer = Customer(require_valid_id(customer_id), self._clock(), source, actor)
        stored = self._store.insert(customer, write_token)
        if stored is None:
            raise AlreadyExistsError(f"customer ID {customer_id!r} already exists")
        return stored

    def get(self, customer_id: str) -> Customer:
        customer = self._store.get(require_valid_id(customer_id))
        if customer is None:
            raise NotFoundError(f"customer ID {customer_id!r} does not exist")
        return customer

    def delete(self, customer_id: str) -> None:
        if not self._store.delete(require_valid_id(customer_id)):
            raise NotFoundError(f"customer ID {customer_id!r} does not exist")

    def list_page(
        self, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None, prefix: str | None = None
    ) -> Page:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidRequestError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if prefix is not None and not _PREFIX_RE.fullmatch(prefix):
            raise InvalidRequestError(
                f"prefix must be 1 to {ID_MAX_LENGTH} letters, digits, '_' or '-'"
            )
        after = self._cursors.decode(cursor, prefix) if cursor else None
        # One extra item tells whether another page exists, so the last page says null.
        found = self._store.list_after(after, prefix, limit + 1)
        items = found.items[:limit]
        if len(found.items) > limit:
            return Page(items, self._cursors.encode(items[-1].id, prefix))
        # Short of time (a slow store): a short page that says so, and the cursor goes on.
        resume = found.resume_after
        if resume:
            return Page(items, self._cursors.encode(resume, prefix), cut_short=True)
        return Page(items, None)

    def create_many(
        self, ids: Iterable[object], write_token: str, actor: Actor | None, source: Source = "batch"
    ) -> BatchOutcome:
        outcome = BatchOutcome()
        candidates: list[Customer] = []
        seen: set[str] = set()
        created_at = self._clock()
        for candidate in ids:
            key = candidate if isinstance(candidate, str) else repr(candidate)
            if key in seen:
                continue  # a repeated ID gets the outcome of its first occurrence
            seen.add(key)
            problem = id_problem(candidate)
            if problem is not None:
                outcome.invalid.append((key, problem))
            else:
                candidates.append(Customer(key, created_at, source, actor))
        existing = self._store.insert_many(candidates, write_token) if candidates else set()
        for customer in candidates:
            (outcome.existing if customer.id in existing else outcome.created).append(customer.id)
        return outcome
