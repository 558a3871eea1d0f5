"""The composition root: every client, store, publisher and starter the entry points use, and the
idempotency layer, built from the settings once per Lambda container, each part at first use.

Routes and event handlers reach it through `services()`; tests install one built with fakes or
emulator clients (`install`), and `reset()` forgets it (the next call reads the environment again).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.aws import Clients
from chalicelib.config import ConfigError, Settings, read_settings, region
from chalicelib.customers.cursor import CursorCodec
from chalicelib.customers.domain import Customers
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.errors import UnauthenticatedError
from chalicelib.http.idempotency import Idempotency
from chalicelib.workflow.executions import DynamoInsertLedger, StepFunctionsStarter
from chalicelib.workflow.publisher import EventBridgePublisher
from chalicelib.workflow.reconciler import Reconciler
from chalicelib.workflow.store import DynamoSubmissionStore
from chalicelib.workflow.submissions import Submissions

if TYPE_CHECKING:  # imported at first use: PyJWT and cryptography cost the API function's cold start
    from chalicelib.identity.tokens import FetchJwks, TokenVerifier


@dataclass(frozen=True)
class Identity:
    """The stage's user pool, its console client and the people usage key (None: not set up)."""

    user_pool_id: str | None
    client_id: str | None
    people_api_key: str | None


class Services:
    """What the app's entry points use. Nothing here builds a client until a request needs it."""

    def __init__(self, settings: Settings | None = None, clients: Clients | None = None,
                 fetch_jwks: FetchJwks | None = None) -> None:
        self._settings = settings
        self.clients = clients or Clients()
        self._fetch_jwks = fetch_jwks
        self._lock = threading.RLock()  # chalice local answers on many threads
        self._cursor_secret: bytes | None = None
        self._idempotency: Idempotency | None = None
        self._identity: Identity | None = None
        self._token_verifier: TokenVerifier | None = None

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


    def identity(self) -> Identity:
        """Given in the environment, or read from the stage's SSM parameters at first use (one
        call); a failed read is tried again by the next request."""
        if self._identity is None:
            settings = self.settings
            given = Identity(settings.cognito_user_pool_id, settings.cognito_client_id,
                             settings.people_api_key)
            if given.user_pool_id or not settings.identity_parameters:
                self._identity = given
            else:
                self._identity = self._identity_parameters(settings.identity_parameters)
        return self._identity

    def _identity_parameters(self, prefix: str) -> Identity:
        names = {f"{prefix}{n}": n for n in ("user-pool-id", "client-id", "people-api-key")}
        found = self.clients.client("ssm").get_parameters(Names=list(names))
        values = {names[p["Name"]]: str(p["Value"]) for p in found.get("Parameters", [])}
        if len(values) != len(names):
            missing = sorted(name for name, short in names.items() if short not in values)
            raise ConfigError(f"missing SSM parameters: {', '.join(missing)}")
        return Identity(values["user-pool-id"], values["client-id"], values["people-api-key"])

    def token_verifier(self) -> TokenVerifier:
        """The verifier of people's access tokens, with the pool's keys cached for the container."""
        if self._token_verifier is None:
            from chalicelib.identity.tokens import SigningKeys, TokenVerifier, fetch_url, issuer, jwks_url

            identity = self.identity()
            if not identity.user_pool_id or not identity.client_id:
                raise UnauthenticatedError("sign-in is not set up for this stage (no user pool)")
            settings = self.settings
            timeout = min(settings.jwks_timeout_seconds, settings.request_budget_seconds / 2)
            with self._lock:
                if self._token_verifier is None:
                    keys = SigningKeys(jwks_url(settings.cognito_endpoint, identity.user_pool_id), timeout,
                                       self._fetch_jwks or fetch_url)
                    self._token_verifier = TokenVerifier(
                        keys, issuer(region(), identity.user_pool_id), identity.client_id,
                        accept_emulator_key=settings.stage == "local")
        return self._token_verifier


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
