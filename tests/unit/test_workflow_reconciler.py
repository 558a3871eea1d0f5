"""The reconciler against in-memory fakes: each lost step ends in the right final status."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from chalicelib.reconciler import Reconciler
from chalicelib.submissions import Submissions
from tests.workflow_fakes import (
    InMemoryLedger,
    InMemorySubmissionStore,
    RecordingPublisher,
    RecordingStarter,
)

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:customers-workflow"
THROTTLED = ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                        "StartExecution")


class Clock:
    def __init__(self) -> None:
        self.now = "2026-11-25T09:00:00.000Z"

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> InMemorySubmissionStore:
    return InMemorySubmissionStore()


@pytest.fixture
def starter() -> RecordingStarter:
    return RecordingStarter()


@pytest.fixture
def ledger() -> InMemoryLedger:
    return InMemoryLedger()


@pytest.fixture
def submissions(store: InMemorySubmissionStore, starter: RecordingStarter, ledger: InMemoryLedger,
                clock: Clock) -> Submissions:
    return Submissions(store, RecordingPublisher(), starter, ledger, clock=clock, settle_seconds=60)


@pytest.fixture
def reconciler(submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter,
               clock: Clock) -> Reconciler:
    return Reconciler(submissions, store, starter, stale_after_seconds=120, clock=clock)


def test_a_submission_whose_event_was_lost_is_redriven_once_it_is_stale(
    submissions: Submissions, reconciler: Reconciler, starter: RecordingStarter, clock: Clock,
    store: InMemorySubmissionStore
) -> None:
    # GIVEN a submission whose event never reached the start handler
    sid = submissions.submit("cust-001").submission_id

    # WHEN the reconciler runs before and after the threshold
    clock.now = "2026-11-25T09:01:59.000Z"
    early = reconciler.run(ARN)
    clock.now = "2026-11-25T09:02:01.000Z"
    late = reconciler.run(ARN)

    # THEN only the stale one is re-driven, once, with the submission's own data
    assert (early.redriven, late.redriven) == ([], [sid])
    assert early.oldest_unfinished_seconds == 119.0
    (_, request), = starter.started
    assert (request.submission_id, request.candidate, request.submitted_at) == (
        sid, "cust-001", "2026-11-25T09:00:00.000Z")
    assert store.items[sid].status == "RUNNING"


def test_a_start_that_failed_past_its_retries_is_redriven_when_step_functions_is_back(
    submissions: Submissions, reconciler: Reconciler, starter: RecordingStarter, clock: Clock,
    store: InMemorySubmissionStore
) -> None:
    sid = submissions.submit("cust-001").submission_id
    detail = {"submissionId": sid, "id": "cust-001", "submittedAt": store.items[sid].submitted_at}
    starter.fail_with = THROTTLED
    for _ in range(3):  # Lambda's first try and its two retries
        with pytest.raises(ClientError):
            submissions.start(detail, ARN)
    assert store.items[sid].status == "RUNNING" and starter.started == []

    clock.now = "2026-11-25T09:03:00.000Z"
    still_throttled = reconciler.run(ARN)
    starter.fail_with = None
    clock.now = "2026-11-25T09:04:00.000Z"
    back = reconciler.run(ARN)

    assert sid in still_throttled.failed and "ThrottlingException" in still_throttled.failed[sid]
    assert back.redriven == [sid] and len(starter.started) == 1


def test_a_running_execution_is_left_alone_and_its_lost_end_is_resolved_from_its_output(
    submissions: Submissions, reconciler: Reconciler, starter: RecordingStarter, clock: Clock,
    store: InMemorySubmissionStore
) -> None:
    sid = submissions.submit("cust-001").submission_id
    submissions.start({"submissionId": sid, "id": "cust-001", "submittedAt": clock.now}, ARN)
    clock.now = "2026-11-25T09:05:00.000Z"

    assert reconciler.run(ARN).waiting == [sid]
    # the execution ended, its Record step and its status-change event were both lost
    starter.end(sid, "SUCCEEDED", output=json.dumps({"status": "SUCCEEDED", "outcome": "already_exists",
                                                      "error": None}))
    done = reconciler.run(ARN)

    assert done.resolved == [sid]
    assert (store.items[sid].status, store.items[sid].outcome) == ("SUCCEEDED", "already_exists")
    assert reconciler.run(ARN).oldest_unfinished_seconds is None


@pytest.mark.parametrize(("inserted", "expected"), [(True, ("SUCCEEDED", "inserted")),
                                                     (False, ("FAILED", None))])
def test_a_timed_out_execution_is_resolved_from_the_customers_table(
    submissions: Submissions, reconciler: Reconciler, starter: RecordingStarter, clock: Clock,
    store: InMemorySubmissionStore, ledger: InMemoryLedger, inserted: bool, expected: tuple[str, str | None]
) -> None:
    sid = submissions.submit("cust-001").submission_id
    submissions.start({"submissionId": sid, "id": "cust-001", "submittedAt": clock.now}, ARN)
    starter.end(sid, "TIMED_OUT", error="States.Timeout")
    if inserted:
        ledger.tokens["cust-001"] = sid
    clock.now = "2026-11-25T09:05:00.000Z"

    assert reconciler.run(ARN).resolved == [sid]
    assert (store.items[sid].status, store.items[sid].outcome) == expected


def test_finished_submissions_are_never_touched(
    submissions: Submissions, reconciler: Reconciler, starter: RecordingStarter, clock: Clock,
    store: InMemorySubmissionStore
) -> None:
    sid = submissions.submit("cust-001").submission_id
    store.finish(sid, "FAILED", None, "not published", clock.now)
    before = store.items[sid]
    clock.now = "2026-11-25T10:00:00.000Z"

    done = reconciler.run(ARN)

    assert (done.redriven, done.resolved, starter.started) == ([], [], [])
    assert store.items[sid] == before
