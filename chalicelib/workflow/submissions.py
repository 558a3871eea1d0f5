"""Workflow submissions: accept an ID for the customers-workflow, start it, record how it ended.

No HTTP and no AWS client in here. The life of a submission:

    submit()   the API             PENDING, and one CustomerIdSubmitted event
    start()    an event handler    RUNNING, and an execution named after the submission
    (the state machine's last step records SUCCEEDED or FAILED and the outcome itself)
    finish()   an event handler    the execution's end, when the machine could not record it
    start() / finish() again       the reconciler (chalicelib/workflow/reconciler.py), for a submission
                                   left unfinished because one of the steps above was lost

Each step is safe to repeat: events arrive at least once and sometimes out of order, and the
reconciler may re-drive what an event handler is still doing. A final status is never changed.
"Inserted" is decided by the customers table alone: the item carries the submission ID as its
`writeToken` exactly when this submission inserted it.

Provenance: the submission records who submitted it (`submitted_by`, set once when it is stored),
and the ID the workflow inserts names that submitter as its `createdBy`. The event carries the
submitter too, but only to fill a record the event itself creates (published by someone other than
our API): whoever starts the execution takes the submitter from the stored record, so a repeated,
late or re-driven start inserts with the submitter the submission was accepted with.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, get_args

from chalicelib.customers.domain import id_problem, require_valid_id, utc_now
from chalicelib.errors import (
    IdempotencyKeyReusedError,
    InvalidRequestError,
    NotFoundError,
)
from chalicelib.identity.actor import Actor

Status = Literal["PENDING", "RUNNING", "SUCCEEDED", "FAILED"]
# How a Step Functions execution can end (its status-change events say so too).
FINAL_EXECUTION_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
Outcome = Literal["inserted", "already_exists", "invalid"]
FINAL_STATUSES: frozenset[Status] = frozenset({"SUCCEEDED", "FAILED"})
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))

DEFAULT_RECENT = 20
MAX_RECENT = 100
MAX_ERROR_LENGTH = 1000
# A submission ID also names its execution, so it must be a valid execution name.
SUBMISSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
_SUBMISSION_ID_RE = re.compile(SUBMISSION_ID_PATTERN)
_DAY_SECONDS = 24 * 60 * 60
_SUBMISSION_NAMESPACE = uuid.UUID("5d1e0e3c-1b7a-4c55-9a1e-6f1c2b9a0c11")


@dataclass(frozen=True)
class Submission:
    submission_id: str
    customer_id: str
    status: Status
    outcome: Outcome | None
    error: str | None
    submitted_at: str
    updated_at: str
    submitted_by: Actor | None = None  # None: submitted before submissions named their actor

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def to_json(self) -> dict[str, object]:
        return {
            "submissionId": self.submission_id,
            "id": self.customer_id,
            "status": self.status,
            "outcome": self.outcome,
            "error": self.error,
            "submittedAt": self.submitted_at,
            "updatedAt": self.updated_at,
            "submittedBy": self.submitted_by.to_json() if self.submitted_by else None,
        }


@dataclass(frozen=True)
class WorkflowRequest:
    """What an execution needs to know about its submission (see executions.workflow_input)."""

    submission_id: str
    candidate: object  # the ID exactly as it arrived: any JSON value, valid or not
    problem: str | None  # why the candidate breaks the ID rule, or None when it is valid
    submitted_at: str
    requested_at: str
    submitted_by: Actor | None = None  # the inserted item's `createdBy`


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    announced: bool  # False: the bus did not take the event; the reconciler will announce it
    reason: str | None = None


@dataclass(frozen=True)
class Started:
    submission_id: str | None
    result: Literal["started", "duplicate", "rejected", "final"]
    reason: str | None = None


@dataclass(frozen=True)
class Ended:
    submission_id: str
    execution_status: str  # SUCCEEDED, FAILED, TIMED_OUT or ABORTED
    recorded: Submission | None  # the submission as it now stands (None: unknown submission)
    recorded_here: bool  # False when the state machine had recorded it already
    duration_ms: int | None
    # True when the end is left to the reconciler: the execution stopped abnormally a moment ago
    # and its insert may still be in flight, so the customers table cannot answer yet.
    deferred: bool = False


class SubmissionStore(Protocol):
    """What the domain needs from storage (DynamoDB in production, fakes in tests)."""

    def create(self, submission: Submission, expires_at: int, write_token: str) -> Submission | None:
        """Store a new submission; never overwrites one. Returns the stored submission when it is
        ours (written now, or by an earlier attempt with the same token), else None."""

    def get(self, submission_id: str) -> Submission | None: ...

    def recent(self, limit: int) -> list[Submission]:
        """Up to `limit` submissions, newest first."""

    def mark_running(self, submission: Submission, expires_at: int) -> Submission | None:
        """PENDING (or absent) -> RUNNING: the submission as stored now (an absent one is stored
        whole; a present one keeps what it has, its submitter included). None, and nothing
        written, when it is RUNNING or final already."""

    def unfinished(self, limit: int, submitted_before: str | None = None) -> list[str]:
        """IDs of up to `limit` PENDING or RUNNING submissions (per index shard), oldest first."""

    def finish(self, submission_id: str, status: Status, outcome: Outcome | None, error: str | None,
               updated_at: str) -> bool:
        """Record a final status unless one is recorded already; False when it was not written."""


class PublishError(Exception):
    """The event bus did not take the event (throttled, unreachable or refused)."""


class Publisher(Protocol):
    def submitted(self, submission_id: str, customer_id: str, submitted_at: str,
                  submitted_by: Actor | None) -> None:
        """Publish CustomerIdSubmitted; PublishError when the bus did not take it."""


class ExecutionStarter(Protocol):
    def start(self, state_machine_arn: str, request: WorkflowRequest) -> bool:
        """Start the execution named after the submission; False when it exists already."""

    def describe(self, state_machine_arn: str, name: str) -> Mapping[str, Any] | None:
        """The execution (fields as in its status-change event's detail); None when there is none."""


class InsertLedger(Protocol):
    def inserted_by(self, customer_id: str, write_token: str) -> bool:
        """True when the customers table holds `customer_id` written with this token."""


def parse_time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical_time(text: str) -> str:
    """Our timestamp format (2026-11-25T09:30:00.123Z) for any ISO 8601 time with a zone."""
    parsed = parse_time(text)
    return text if parsed is None else format_time(parsed)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


class Submissions:
    def __init__(
        self,
        store: SubmissionStore,
        publisher: Publisher,
        starter: ExecutionStarter,
        ledger: InsertLedger,
        clock: Callable[[], str] = utc_now,
        ttl_days: int = 30,
        settle_seconds: int = 60,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._starter = starter
        self._ledger = ledger
        self._settle_seconds = settle_seconds
        self._clock = clock
        self._ttl_seconds = ttl_days * _DAY_SECONDS

    # -- the API ---------------------------------------------------------------------------
    def submit(self, customer_id: object, write_token: str, actor: Actor | None) -> Accepted:
        """PENDING, stored for good with its submitter `actor`, then announced. The submission ID
        follows from the token, so a retry with the same Idempotency-Key finds the submission its
        first attempt stored, as stored (its submitter included).

        Publishing comes after the record is durable; when the bus does not take the event, the
        submission stays PENDING and the reconciler announces it later (an outbox): accepted is
        accepted, whatever the bus does next.
        """
        valid_id = require_valid_id(customer_id)
        now = self._clock()
        submission_id = str(uuid.uuid5(_SUBMISSION_NAMESPACE, write_token))
        fresh = Submission(submission_id, valid_id, "PENDING", None, None, now, now, actor)
        stored = self._store.create(fresh, self._expires_at(now), write_token)
        if stored is None or stored.customer_id != valid_id:
            raise IdempotencyKeyReusedError(
                "this Idempotency-Key was used to submit another ID; send a new key"
            )
        if stored.status != "PENDING":
            return Accepted(stored, announced=True)  # a retry of a submission already under way
        try:
            self._publisher.submitted(submission_id, valid_id, stored.submitted_at, stored.submitted_by)
        except PublishError as error:
            return Accepted(stored, announced=False, reason=str(error))
        return Accepted(stored, announced=True)

    def get(self, submission_id: str) -> Submission:
        found = self._store.get(submission_id) if _SUBMISSION_ID_RE.fullmatch(submission_id) else None
        if found is None:
            raise NotFoundError(f"submission {submission_id!r} does not exist")
        return found

    def recent(self, limit: int = DEFAULT_RECENT) -> list[Submission]:
        if not 1 <= limit <= MAX_RECENT:
            raise InvalidRequestError(f"limit must be between 1 and {MAX_RECENT}")
        return self._store.recent(limit)

    # -- the event handlers ----------------------------------------------------------------
    def start(self, detail: Mapping[str, Any], state_machine_arn: str) -> Started:
        """CustomerIdSubmitted -> RUNNING and its execution. A repeated event starts nothing."""
        submission_id = detail.get("submissionId")
        if not isinstance(submission_id, str) or not _SUBMISSION_ID_RE.fullmatch(submission_id):
            return Started(None, "rejected", "submissionId is missing or not a valid execution name")
        now = self._clock()
        given_time = parse_time(detail.get("submittedAt"))
        submitted_at = format_time(given_time) if given_time else now
        candidate = detail.get("id")
        text_id = candidate if isinstance(candidate, str) else json.dumps(candidate)
        running = Submission(submission_id, text_id, "RUNNING", None, None, submitted_at, now,
                             Actor.from_json(detail.get("submittedBy")))
        # Before the start, so the record exists (and says RUNNING) whoever published the event.
        stored = self._store.mark_running(running, self._expires_at(submitted_at))
        if stored is None:
            stored = self._store.get(submission_id)
            if stored is None or stored.final:
                # Recorded FAILED already (e.g. the API could not publish, yet the event got out):
                # an execution now could insert behind a FAILED. RUNNING: start again, harmlessly.
                state = stored.status if stored else "gone"
                return Started(submission_id, "final", f"the submission is {state}")
        request = WorkflowRequest(submission_id, candidate, id_problem(candidate), submitted_at, now,
                                  stored.submitted_by)
        started = self._starter.start(state_machine_arn, request)
        return Started(submission_id, "started" if started else "duplicate")

    def finish(self, execution: Mapping[str, Any]) -> Ended | None:
        """An execution's final status change -> the submission's final status, unless recorded."""
        submission_id, execution_status = execution.get("name"), execution.get("status")
        if not isinstance(submission_id, str) or execution_status not in FINAL_EXECUTION_STATUSES:
            return None
        current = self._store.get(submission_id) if _SUBMISSION_ID_RE.fullmatch(submission_id) else None
        duration = _duration_ms(execution)
        if current is None or current.final:
            return Ended(submission_id, execution_status, current, False, duration)
        now = self._clock()
        status, outcome, error = _result_of(execution_status, execution)
        if status == "FAILED" and outcome is None:
            if self._inserted_by(current):
                # The insert landed; a later step failed (recording it, or the execution stopped).
                status, outcome, error = "SUCCEEDED", "inserted", None
            elif self._settling(execution, now):
                return Ended(submission_id, execution_status, current, False, duration, deferred=True)
        if self._store.finish(submission_id, status, outcome, error, now):
            recorded = replace(current, status=status, outcome=outcome, error=error, updated_at=now)
            return Ended(submission_id, execution_status, recorded, True, duration)
        # Recorded meanwhile (by the state machine's last step, or a repeated event).
        return Ended(submission_id, execution_status, self._store.get(submission_id), False, duration)

    def _inserted_by(self, submission: Submission) -> bool:
        if id_problem(submission.customer_id) is not None:
            return False  # never inserted: the workflow refuses invalid IDs
        return self._ledger.inserted_by(submission.customer_id, submission.submission_id)

    def _settling(self, execution: Mapping[str, Any], now: str) -> bool:
        """Stopped so recently that a put sent before the stop might still land."""
        stop, moment = execution.get("stopDate"), parse_time(now)
        if not isinstance(stop, int) or moment is None:
            return False
        return moment.timestamp() * 1000 - stop < self._settle_seconds * 1000

    def _expires_at(self, submitted_at: str) -> int:
        moment = parse_time(submitted_at) or datetime.now(UTC)
        return int(moment.timestamp()) + self._ttl_seconds


def _result_of(
    execution_status: str, execution: Mapping[str, Any]
) -> tuple[Status, Outcome | None, str | None]:
    """The submission's final status from the execution's: its output when it succeeded."""
    if execution_status == "SUCCEEDED":
        try:
            output = json.loads(execution.get("output") or "null")
        except ValueError:
            output = None
        if isinstance(output, dict) and output.get("status") in FINAL_STATUSES and (
            output.get("outcome") is None or output.get("outcome") in OUTCOMES
        ):
            error = output.get("error")
            return output["status"], output.get("outcome"), _clip(error) if isinstance(error, str) else None
        return "FAILED", None, "the workflow ended without an outcome"
    reason = f"the workflow execution ended {execution_status}"
    details = ": ".join(str(execution[k]) for k in ("error", "cause") if execution.get(k))
    return "FAILED", None, _clip(f"{reason}: {details}" if details else reason)


def _duration_ms(execution: Mapping[str, Any]) -> int | None:
    start, stop = execution.get("startDate"), execution.get("stopDate")
    if isinstance(start, int) and isinstance(stop, int) and stop >= start:
        return stop - start
    return None
