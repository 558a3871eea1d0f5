"""In-memory stand-ins for the workflow's ports, with the semantics of the real ones.

InMemorySubmissionStore passes the same contract as DynamoSubmissionStore
(tests/functional/test_workflow_store.py), so domain tests against it mean something.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.identity.actor import Actor
from chalicelib.workflow.submissions import Outcome, PublishError, Status, Submission, WorkflowRequest


class InMemorySubmissionStore:
    def __init__(self) -> None:
        self.items: dict[str, Submission] = {}
        self.expires_at: dict[str, int] = {}
        self.tokens: dict[str, str] = {}

    def create(self, submission: Submission, expires_at: int, write_token: str) -> Submission | None:
        found = self.items.get(submission.submission_id)
        if found is not None:  # never overwrites; our own token means our own earlier attempt
            return found if self.tokens[submission.submission_id] == write_token else None
        self.items[submission.submission_id] = submission
        self.expires_at[submission.submission_id] = expires_at
        self.tokens[submission.submission_id] = write_token
        return submission

    def get(self, submission_id: str) -> Submission | None:
        return self.items.get(submission_id)

    def recent(self, limit: int) -> list[Submission]:
        ordered = sorted(self.items.values(), key=lambda s: (s.submitted_at, s.submission_id), reverse=True)
        return ordered[:limit]

    def unfinished(self, limit: int, submitted_before: str | None = None) -> list[str]:
        found = sorted((s.submitted_at, s.submission_id) for s in self.items.values()
                       if not s.final and (submitted_before is None or s.submitted_at < submitted_before))
        return [submission_id for _, submission_id in found[:limit]]

    def mark_running(self, submission: Submission, expires_at: int) -> Submission | None:
        current = self.items.get(submission.submission_id)
        if current is not None and current.status != "PENDING":
            return None
        if current is None:
            self.items[submission.submission_id] = submission
            self.expires_at[submission.submission_id] = expires_at
        else:  # keeps what it has; a record without a submitter takes the event's
            self.items[submission.submission_id] = replace(
                current, status="RUNNING", updated_at=submission.updated_at,
                submitted_by=current.submitted_by or submission.submitted_by)
        return self.items[submission.submission_id]

    def finish(self, submission_id: str, status: Status, outcome: Outcome | None, error: str | None,
               updated_at: str) -> bool:
        current = self.items.get(submission_id)
        if current is None or current.final:
            return False
        self.items[submission_id] = replace(
            current, status=status, outcome=outcome, error=error, updated_at=updated_at)
        return True


@dataclass
class RecordingPublisher:
    published: list[tuple[str, str, str]] = field(default_factory=list)
    submitters: list[Actor | None] = field(default_factory=list)  # in the order published
    fail_with: str | None = None

    def submitted(self, submission_id: str, customer_id: str, submitted_at: str,
                  submitted_by: Actor | None) -> None:
        if self.fail_with:
            raise PublishError(self.fail_with)
        self.published.append((submission_id, customer_id, submitted_at))
        self.submitters.append(submitted_by)


@dataclass
class RecordingStarter:
    """Step Functions' naming rule: a second start with a name already used starts nothing.

    A started execution is RUNNING until the test ends it (`end`); `fail_with` makes every
    start raise, as a throttled or unreachable Step Functions would.
    """

    started: list[tuple[str, WorkflowRequest]] = field(default_factory=list)
    executions: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_with: Exception | None = None

    def start(self, state_machine_arn: str, request: WorkflowRequest) -> bool:
        if self.fail_with is not None:
            raise self.fail_with
        if request.submission_id in self.executions:
            return False
        self.started.append((state_machine_arn, request))
        self.executions[request.submission_id] = {"name": request.submission_id, "status": "RUNNING",
                                                  "startDate": 1_000, "stopDate": None}
        return True

    def describe(self, state_machine_arn: str, name: str) -> Mapping[str, Any] | None:
        return self.executions.get(name)

    def end(self, name: str, status: str, **detail: Any) -> None:
        self.executions[name].update(status=status, stopDate=2_000, **detail)


@dataclass
class InMemoryLedger:
    """The customers table as far as the workflow asks it: ID -> the token that wrote it."""

    tokens: dict[str, str] = field(default_factory=dict)

    def inserted_by(self, customer_id: str, write_token: str) -> bool:
        return self.tokens.get(customer_id) == write_token
