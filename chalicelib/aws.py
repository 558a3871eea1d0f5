"""AWS clients that keep to the request's time budget and say when an answer was lost.

`Clients.client(service)` looks like a botocore client (same methods, same errors), with two differences:
- Each call is retried by us, not by botocore, for as long as the request's budget lasts
  (chalicelib/deadline.py): every attempt's read timeout is cut from what is left, so a hung
  service ends in ServiceUnavailableError within the budget instead of 3 x 5 s.
- When an attempt was sent but its answer never came (a read timeout, a dropped connection, a 500),
  its effect may have landed. A later error answer then raises LostAnswerError (a ClientError), so
  a store can tell "my own earlier attempt did this" from "someone else did" (see store.py).

Plain botocore, not boto3: importing boto3 pulls in s3transfer and costs ~80 ms of cold start.
To mypy, `clients.client("dynamodb")` is a DynamoDBClient (and so on for each service the app calls): the
mypy-boto3 stubs are a dev dependency, imported for type checking only.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
)
from botocore.exceptions import ConnectionError as SdkConnectionError

from chalicelib import deadline
from chalicelib.config import region
from chalicelib.errors import ServiceUnavailableError

if TYPE_CHECKING:  # the mypy-boto3 stubs are a dev dependency: never imported at run time
    from botocore.client import BaseClient
    from botocore.loaders import Loader
    from botocore.session import Session
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_stepfunctions import SFNClient

# The longest and shortest read timeout one attempt gets; a tier in between fits what is left.
READ_TIMEOUTS = (2.0, 1.0, 0.5, 0.25)
_CONNECT_TIMEOUT = 0.5
_BACKOFF_BASE, _BACKOFF_CAP = 0.05, 0.5

# Answers that mean "not done, try again": throttling and the service's own trouble.
_RETRY_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
}
# Of those, the ones where the request may have been carried out all the same.
_MAYBE_DONE_CODES = {"InternalServerError", "InternalFailure", "ServiceUnavailable"}
_NAMES = {"dynamodb": "the data store", "events": "the event bus", "ssm": "the parameter store"}


class LostAnswerError(ClientError):
    """An error answer that came after an earlier attempt whose answer was lost (maybe done)."""


def new_session() -> Session:
    """A botocore session whose SDK model files (endpoints, each service's API) are parsed once per
    process, not once per session: they are read-only, and tests and local tools build many sessions
    (each parse of the endpoints alone is tens of ms of CPU)."""
    import botocore.session

    session = botocore.session.get_session()
    session.register_component("data_loader", shared_model_loader(session.get_config_variable("data_path")))
    return session


@functools.cache
def shared_model_loader(data_path: str | None) -> Loader:
    """One loader per data path and process; it keeps what it parsed (see new_session)."""
    from botocore.loaders import create_loader

    return create_loader(data_path)


def _new_raw_client(session: Session, service: str, read_timeout: float) -> BaseClient:
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=min(_CONNECT_TIMEOUT, read_timeout),
        read_timeout=read_timeout,
        max_pool_connections=32,
    )
    return session.create_client(service, region_name=region(), config=config)


def _tier(seconds_left: float) -> float | None:
    """The longest read timeout that still fits, or None when no attempt fits any more."""
    return next((t for t in READ_TIMEOUTS if t <= seconds_left), None)


def _maybe_done(error: Exception) -> bool:
    """Was the request perhaps carried out although its attempt failed?"""
    if isinstance(error, ConnectTimeoutError | EndpointConnectionError):
        return False  # never sent
    if isinstance(error, ClientError):
        return _code(error) in _MAYBE_DONE_CODES
    return True  # read timeout, connection dropped mid-answer, garbled answer


def _retryable(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return _code(error) in _RETRY_CODES
    return isinstance(error, HTTPClientError | SdkConnectionError)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(service: str, last: Exception | None) -> ServiceUnavailableError:
    what = _NAMES.get(service, service)
    if isinstance(last, ClientError):
        return ServiceUnavailableError(f"{what} is busy; retry shortly")
    if isinstance(last, SdkConnectionError):
        return ServiceUnavailableError(f"{what} is unreachable; retry shortly")
    return ServiceUnavailableError(f"{what} did not answer in time; retry shortly")


class BudgetedClient:
    """Calls `service` within the request's budget; everything else is the botocore client's."""

    def __init__(self, service: str, make: Callable[[str, float], BaseClient]) -> None:
        self._service = service
        self._make = make
        self._base = make(service, READ_TIMEOUTS[0])
        self._operations: set[str] = set(self._base.meta.method_to_api_mapping)

    def __getattr__(self, name: str) -> Any:
        if name in self._operations:
            return lambda **params: self.call(name, **params)
        return getattr(self._base, name)

    def call(self, operation: str, **params: Any) -> Any:
        left = deadline.remaining()
        ends = time.monotonic() + (deadline.UNBUDGETED_CALL_SECONDS if left is None else left)
        lost_answer, attempt, last = False, 0, None
        while True:
            read_timeout = _tier(ends - time.monotonic())
            if read_timeout is None:
                raise _unavailable(self._service, last) from last
            try:
                return getattr(self._make(self._service, read_timeout), operation)(**params)
            except (ClientError, BotoCoreError) as error:
                if not _retryable(error):
                    if lost_answer and isinstance(error, ClientError):
                        raise LostAnswerError(error.response, error.operation_name) from error
                    raise
                lost_answer = lost_answer or _maybe_done(error)
                last = error
            attempt += 1
            pause = random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt))
            time.sleep(max(0.0, min(pause, ends - time.monotonic() - READ_TIMEOUTS[-1])))


class Clients:
    """The container's AWS clients: one budgeted client per service, over one plain botocore client
    per (service, read-timeout tier), each built at first use and then reused.

    Built under a lock: 50 threads of `chalice local` meeting a cold container would otherwise each
    build the same client at once, spending their whole budget."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._session: Session | None = None
        self._raw: dict[tuple[str, float], BaseClient] = {}
        self._budgeted: dict[str, BaseClient] = {}

    # botocore builds each service's client class at run time from the service model; the stubs
    # describe those classes, and these overloads say which one each service name gets: the app's
    # services, and cloudformation and sqs, which the tests use to set up and watch the emulator.
    @overload
    def raw(self, service: Literal["cloudformation"], read_timeout: float = ...) -> CloudFormationClient: ...
    @overload
    def raw(self, service: Literal["dynamodb"], read_timeout: float = ...) -> DynamoDBClient: ...
    @overload
    def raw(self, service: Literal["events"], read_timeout: float = ...) -> EventBridgeClient: ...
    @overload
    def raw(self, service: Literal["sqs"], read_timeout: float = ...) -> SQSClient: ...
    @overload
    def raw(self, service: Literal["ssm"], read_timeout: float = ...) -> SSMClient: ...
    @overload
    def raw(self, service: Literal["stepfunctions"], read_timeout: float = ...) -> SFNClient: ...
    @overload
    def raw(self, service: str, read_timeout: float = ...) -> BaseClient: ...
    def raw(self, service: str, read_timeout: float = READ_TIMEOUTS[0]) -> BaseClient:
        """A plain botocore client with one try per call; AWS_ENDPOINT_URL is honoured by botocore."""
        with self._lock:
            found = self._raw.get((service, read_timeout))
            if found is None:
                found = _new_raw_client(self.session(), service, read_timeout)
                self._raw[(service, read_timeout)] = found
            return found

    def session(self) -> Session:
        """The botocore session every client is built from (handlers registered on it before a
        client is built reach that client: tests record every call that way)."""
        with self._lock:
            if self._session is None:
                self._session = new_session()
            return self._session

    @overload
    def client(self, service: Literal["cloudformation"]) -> CloudFormationClient: ...
    @overload
    def client(self, service: Literal["dynamodb"]) -> DynamoDBClient: ...
    @overload
    def client(self, service: Literal["events"]) -> EventBridgeClient: ...
    @overload
    def client(self, service: Literal["sqs"]) -> SQSClient: ...
    @overload
    def client(self, service: Literal["ssm"]) -> SSMClient: ...
    @overload
    def client(self, service: Literal["stepfunctions"]) -> SFNClient: ...
    @overload
    def client(self, service: str) -> BaseClient: ...
    def client(self, service: str) -> BaseClient:
        """The budgeted client for `service`."""
        with self._lock:
            found = self._budgeted.get(service)
            if found is None:
                # BudgetedClient hands every operation, with its parameters, answer and errors, to the
                # botocore client, and everything else it asks the client itself (__getattr__): it has
                # the client's interface, which a type checker cannot see through __getattr__.
                found = cast("BaseClient", BudgetedClient(service, self.raw))
                self._budgeted[service] = found
            return found

    def on_every_attempt(self, service: str, event: str, handler: Callable[..., Any]) -> Callable[[], None]:
        """Register a botocore event handler on the client of every read-timeout tier (an attempt
        may use any of them); returns what unregisters it. Tests and benchmarks use it to inject
        faults and count calls."""
        tiers = [self.raw(service, read_timeout) for read_timeout in READ_TIMEOUTS]
        for tier in tiers:
            tier.meta.events.register(event, handler)

        def undo() -> None:
            for tier in tiers:
                tier.meta.events.unregister(event, handler)

        return undo
