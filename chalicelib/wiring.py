"""The composition root: every client, store, publisher and starter the entry points use, and the
idempotency layer, built from the settings once per Lambda container, each part at first use.

Routes and event handlers reach it through `services()`; tests install one built with fakes or
emulator clients (`install`), and `reset()` forgets it (the next call reads the environment again).
"""

from __future__ import annotations

import threading
from functools import cached_property

from chalicelib.aws import Clients
from chalicelib.config import ConfigError, Settings, read_settings
from chalicelib.customers.cursor import CursorCodec
from chalicelib.customers.domain import Customers
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.http.idempotency import Idempotency
from chalicelib.workflow.executions import DynamoInsertLedger, StepFunctionsStarter
from chalicelib.workflow.publisher import EventBridgePublisher
from chalicelib.workflow.reconciler import Reconciler
from chalicelib.workflow.store import DynamoSubmissionStore
from chalicelib.workflow.submissions import Submissions


class Services:
    """What the app's entry points use. Nothing here builds a client until a request needs it."""

    def __init__(self, settings: Settings | None = None, clients: Clients | None = None) -> None:
        self._settings = settings
        self.clients = clients or Clients()
        self._lock = threading.RLock()  # chalice local answers on many threads
        self._cursor_secret: bytes | None = None
        self._idempotency: Idempotency | None = None

    @property
    def settings(self) -> Settings:
        """Given, or read from the environment at first use: `chalice local` and its test client
        put the stage's variables in place after the app is imported."""
        if self._settings is None:
            self._settings = read_settings()
        return self._settings

    @cached_property
    def customer_store(self) -> DynamoCustomerStore:
        return DynamoCustomerStore(self.clients.client("dynamodb"), self.settings.customers_table)

    @cached_property
    def customers(self) -> Customers:
        return Customers(self.customer_store, CursorCodec(self.cursor_secret))

    @cached_property
    def submission_store(self) -> DynamoSubmissionStore:
        return DynamoSubmissionStore(self.clients.client("dynamodb"), self.settings.submissions_table)

    @cached_property
    def starter(self) -> StepFunctionsStarter:
        return StepFunctionsStarter(lambda: self.clients.client("stepfunctions"),
                                    self.customer_store.directory)

    @cached_property
    def submissions(self) -> Submissions:
        return Submissions(
            self.submission_store,
            EventBridgePublisher(lambda: self.clients.client("events")),
            self.starter,
            DynamoInsertLedger(self.clients.client("dynamodb"), self.settings.customers_table),
            ttl_days=self.settings.submission_ttl_days,
            settle_seconds=self.settings.reconcile_after_seconds,
        )

    @cached_property
    def reconciler(self) -> Reconciler:
        return Reconciler(self.submissions, self.submission_store, self.starter,
                          stale_after_seconds=self.settings.reconcile_after_seconds)

    @property
    def idempotency(self) -> Idempotency:
        """One persistence layer per container, even when many threads first need it at once
        (a cached_property would let each of them build one)."""
        if self._idempotency is None:
            with self._lock:
                if self._idempotency is None:
                    self._idempotency = Idempotency(
                        self.clients.client("dynamodb"), self.settings.idempotency_table,
                        self.settings.request_budget_seconds)
        return self._idempotency

    def cursor_secret(self) -> bytes:
        """The key that signs list cursors, read at the first list; a failed read is tried again by
        the next request (the client answers an outage with ServiceUnavailableError)."""
        if self._cursor_secret is None:
            if self.settings.cursor_secret:
                self._cursor_secret = self.settings.cursor_secret.encode()
            elif self.settings.cursor_secret_parameter:
                found = self.clients.client("ssm").get_parameter(
                    Name=self.settings.cursor_secret_parameter, WithDecryption=True)
                self._cursor_secret = str(found["Parameter"]["Value"]).encode()
            else:
                raise ConfigError("set CURSOR_SECRET or CURSOR_SECRET_PARAMETER")
        return self._cursor_secret


_current: Services | None = None
_building = threading.Lock()


def services() -> Services:
    """The container's services, built from the environment at first use."""
    global _current
    current = _current  # once built, every request reads it without taking the lock
    if current is not None:
        return current
    with _building:
        if _current is None:
            _current = Services()
        return _current


def install(built: Services) -> None:
    """Use `built` from now on (tests: a root made of fakes or emulator clients)."""
    global _current
    with _building:
        _current = built


def reset() -> None:
    """Forget every service, client and setting: the next request builds them again."""
    global _current
    with _building:
        _current = None
