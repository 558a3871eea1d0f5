"""In-memory stand-ins for the workflow's ports, with the semantics of the real ones.

InMemorySubmissionStore passes the same contract as DynamoSubmissionStore
(tests/functional/test_workflow_store.py), so domain tests against it mean something.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chalicelib.events import PublishError
from chalicelib.submissions import Outcome, Status, Submission, WorkflowRequest


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

    def mark_running(self, submission: Submission, expires_at: int) -> bool:
        current = self.items.get(submission.submission_id)
        if current is not None and current.status != "PENDING":
            return False
        if current is None:
            self.items[submission.submission_id] = submission
            self.expires_at[submission.submission_id] = expires_at
        else:
            self.items[submission.submission_id] = replace(
                current, status="RUNNING", updated_at=submission.updated_at)
        return True

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
    fail_with: str | None = None

    def submitted(self, submission_id: str, customer_id: str, submitted_at: str) -> None:
        if self.fail_with:
            raise PublishError(self.fail_with)
        self.published.append((submission_id, customer_id, submitted_at))


@dataclass
class RecordingStarter:
    """Step Functions' naming rule: a second start with a name already used starts nothing."""

    started: list[tuple[str, WorkflowRequest]] = field(default_factory=list)

    def start(self, state_machine_arn: str, request: WorkflowRequest) -> bool:
        if any(r.submission_id == request.submission_id for _, r in self.started):
            return False
        self.started.append((state_machine_arn, request))
        return True
