"""`Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field") for the write routes.

Two layers, each doing what the other cannot:
- Item tokens (chalicelib/customers/store.py, chalicelib/workflow/store.py): every write stores the
  token of its request. The
  token is derived from the Idempotency-Key when there is one, so a retry finds its own item even
  when the first attempt died half-way (a batch that stored 356 of 1000 IDs, then 503).
- Powertools' idempotency utility (records in IDEMPOTENCY_TABLE, kept 24 h): the first complete
  answer to a key is stored and replayed to every retry with that key, with
  `Idempotent-Replayed: true`. That is what makes a retried DELETE a 204 although the item is gone,
  tells a concurrent retry that the first attempt is still running (409), and catches a key reused
  for another request (422). A 5xx is never stored: the retry runs again, and the item tokens make
  that safe.
Keys are scoped per caller: each person, and each API key. Without the header, each request is its own.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from chalice.app import Request, Response

from chalicelib.deadline import remaining
from chalicelib.errors import (
    AppError,
    IdempotencyKeyInUseError,
    IdempotencyKeyInvalidError,
    IdempotencyKeyReusedError,
)
from chalicelib.http.responses import error_response

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_dynamodb import DynamoDBClient

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
# Printable ASCII without `"` and without a space at either end, so a key never depends on how a
# proxy trims or quotes header values; the draft's quoted form ("...") is unwrapped first.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21\x23-\x7E](?:[\x20\x21\x23-\x7E]*[\x21\x23-\x7E])?$"
KEEP_SECONDS = 24 * 60 * 60
_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)

View = Callable[..., Response]
Answer = dict[str, Any]  # a stored answer: {"status", "body", "headers"}


def idempotency_key(request: Request) -> str | None:
    """The request's key, None without one; a 400 for a malformed one."""
    raw: str | None = request.headers.get(HEADER.lower())
    if raw is None:
        return None
    # The draft sends an sf-string ("...") ; a bare value, as most clients send, is taken as is.
    key = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not _KEY_RE.fullmatch(key):
        raise IdempotencyKeyInvalidError(
            f"{HEADER} must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, "
            "without '\"' and without a space at either end"
        )
    return key


def _scope(request: Request) -> str:
    """Keys belong to the caller. A person is their principal (all people are metered under one usage
    key, so the key cannot tell them apart); a machine is its API key, as API Gateway names it (one
    key locally)."""
    authorizer = request.context.get("authorizer") or {}
    if authorizer.get("kind") == "person":
        return str(authorizer["principalId"])
    identity = request.context.get("identity") or {}
    return str(identity.get("apiKeyId") or "local")


def write_token(request: Request) -> str:
    """The token this request's writes carry: the same for every retry with the same key."""
    key = idempotency_key(request)
    if key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{_scope(request)}\n{key}".encode()).hexdigest()[:32]


class Idempotency:
    """Powertools' idempotency utility, configured once per container (the composition root builds
    it at the first keyed write: its import brings boto3 in, which no other request needs)."""

    def __init__(self, client: DynamoDBClient, table_name: str, budget_seconds: float) -> None:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

        config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="request",
            expires_after_seconds=KEEP_SECONDS,
            response_hook=_mark_replayed,
        )
        # Registered once: the "context" reads the calling request's own budget each time it is asked.
        config.register_lambda_context(cast("LambdaContext", _RequestTime(budget_seconds)))
        persistence = _retry_safe_persistence(client, table_name)

        def run(call: dict[str, Any], work: Callable[[], Answer]) -> Answer:
            return work()

        self._once: Callable[..., Answer] = idempotent_function(
            run, data_keyword_argument="call", persistence_store=persistence, config=config,
            key_prefix="http",
        )

    def replay(self, request: Request, view: View, params: dict[str, str]) -> Response:
        """The view's answer, run once per Idempotency-Key; without the header it runs as before."""
        key = idempotency_key(request)
        if key is None:
            return view(**params)
        answer = self._run_once(request, key, lambda: _answer_of(view, params))
        headers = dict(answer["headers"])
        if answer.get("replayed"):
            headers[REPLAYED_HEADER] = "true"
        return Response(answer["body"], status_code=answer["status"], headers=headers)

    def _run_once(self, request: Request, key: str, work: Callable[[], Answer]) -> Answer:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        fingerprint = {
            "method": request.method,
            "route": request.context.get("resourcePath", ""),
            "params": request.uri_params or {},
            "body": hashlib.sha256(_bytes(request.raw_body)).hexdigest(),
        }
        try:
            answer: Answer = self._once(call={"key": f"{_scope(request)}\n{key}", "request": fingerprint},
                                        work=work)
        except IdempotencyAlreadyInProgressError:
            raise IdempotencyKeyInUseError(
                f"a request with this {HEADER} is still running; retry shortly for its answer"
            ) from None
        except IdempotencyValidationError:
            raise IdempotencyKeyReusedError(
                f"this {HEADER} was used for a different request; send a new key for a new request"
            ) from None
        except IdempotencyPersistenceLayerError as error:
            cause = error.__cause__
            if isinstance(cause, AppError):
                raise cause from None
            raise  # not an outage (the client answers those with ServiceUnavailableError): a bug
        return answer


def _mark_replayed(response: Any, idempotent_data: Any) -> Any:
    return {**response, "replayed": True}


def _answer_of(view: View, params: dict[str, str]) -> Answer:
    """The view's answer as data to store; errors of the caller's making are answers too."""
    try:
        response = view(**params)
    except AppError as error:
        if error.status >= 500:
            raise  # not stored: a retry runs again
        response = error_response(error)
    return {"status": response.status_code, "body": response.body, "headers": dict(response.headers)}


def _bytes(body: str | bytes | None) -> bytes:
    return body.encode() if isinstance(body, str) else body or b""


class _RequestTime:
    """How long the calling request may still run, as Powertools asks a Lambda context: a record
    left in progress by a request that died is taken over once that time has passed."""

    def __init__(self, budget_seconds: float) -> None:
        self._budget_seconds = budget_seconds

    def get_remaining_time_in_millis(self) -> int:
        left = remaining()
        return int(1000 * (self._budget_seconds if left is None else max(left, 0) + 1))


def _retry_safe_persistence(client: DynamoDBClient, table_name: str) -> Any:
    """Built once per container, inside a function: Powertools' idempotency module imports boto3."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyItemAlreadyExistsError

    class RetrySafePersistence(DynamoDBPersistenceLayer):
        """Powertools' DynamoDB layer, told apart from itself: when the put of our in-progress
        record was answered late and retried, the retry finds that very record (same payload,
        same in-progress deadline, to the millisecond). That is us, not a concurrent request.
        `_put_record` is the documented extension point of a persistence layer ("bring your own
        persistent store"); tests/functional/test_idempotency.py breaks if its contract changes."""

        def _put_record(self, data_record: Any) -> None:
            try:
                super()._put_record(data_record)
            except IdempotencyItemAlreadyExistsError as exists:
                found = exists.old_data_record
                mine = (
                    found is not None
                    and found.status == "INPROGRESS"
                    and found.payload_hash == data_record.payload_hash
                    and found.in_progress_expiry_timestamp is not None
                    and int(found.in_progress_expiry_timestamp)
                    == data_record.in_progress_expiry_timestamp
                )
                if not mine:
                    raise

    return RetrySafePersistence(table_name=table_name, boto3_client=client)
