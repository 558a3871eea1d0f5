"""The reconciler against in-memory fakes: each lost step ends in the right final status."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest
from botocore.exceptions import ClientError

from chalicelib.identity.actor import Actor
from chalicelib.workflow.reconciler import Reconciler
from chalicelib.workflow.submissions import Submissions
from tests.workflow_fakes import (
    InMemoryLedger,
    InMemorySubmissionStore,
    RecordingPublisher,
    RecordingStarter,
)

ALICE = Actor("person", "alice")
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:customers-workflow"
THROTTLED = ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                        "StartExecution")


class Clock:
    def __init__(self) -> None:
        self.now = "2026-11-25T09:00:00.000Z"

    def __call__(self) -> str:
        return self.now


@dataclass
class World:
    """The reconciler and everything it talks to, in memory."""

    clock: Clock = field(default_factory=Clock)
    store: InMemorySubmissionStore = field(default_factory=InMemorySubmissionStore)
    starter: RecordingStarter = field(default_factory=RecordingStarter)
    ledger: InMemoryLedger = field(default_factory=InMemoryLedger)

    def __post_init__(self) -> None:
        self.submissions = Submissions(self.store, RecordingPublisher(), self.starter, self.ledger,
                                       clock=self.clock, settle_seconds=60)
        self.reconciler = Reconciler(self.submissions, self.store, self.starter, stale_after_seconds=120,
                                     clock=self.clock)


@pytest.fixture
def world() -> World:
    return World()


def test_a_submission_whose_event_was_lost_is_redriven_once_it_is_stale(world: World) -> None:
    # GIVEN a submission whose event never reached the start handler
    sid = world.submissions.submit("cust-001", uuid.uuid4().hex, ALICE).submission.submission_id

    # WHEN the reconciler runs before and after the threshold
    world.clock.now = "2026-11-25T09:01:59.000Z"
    early = world.reconciler.run(ARN)
    world.clock.now = "2026-11-25T09:02:01.000Z"
    late = world.reconciler.run(ARN)

    # THEN only the stale one is re-driven, once, with the submission's own data (its submitter too)
    assert (early.redriven, late.redriven) == ([], [sid])
    assert early.oldest_unfinished_seconds == 119.0
    (_, request), = world.starter.started
    assert (request.submission_id, request.candidate, request.submitted_at, request.submitted_by) == (
        sid, "cust-001", "2026-11-25T09:00:00.000Z", ALICE)
    assert world.store.items[sid].status == "RUNNING"


def test_a_start_that_failed_past_its_retries_is_redriven_when_step_functions_is_back(world: World) -> None:
    sid = world.submissions.submit("cust-001", uuid.uuid4().hex, ALICE).submission.submission_id
    detail = {"submissionId": sid, "id": "cust-001", "submittedAt": world.store.items[sid].submitted_at}
    world.starter.fail_with = THROTTLED
    for _ in range(3):  # Lambda's first try and its two retries
        with pytest.raises(ClientError):
            world.submissions.start(detail, ARN)
    assert world.store.items[sid].status == "RUNNING" and world.starter.started == []

    world.clock.now = "2026-11-25T09:03:00.000Z"
    still_throttled = world.reconciler.run(ARN)
    world.starter.fail_with = None
    world.clock.now = "2026-11-25T09:04:00.000Z"
    back = world.reconciler.run(ARN)

    assert sid in still_throttled.failed and "ThrottlingException" in still_throttled.failed[sid]
    assert back.redriven == [sid] and len(world.starter.started) == 1


def test_a_running_execution_is_left_alone_and_its_lost_end_is_resolved_from_its_output(world: World) -> None:
    sid = world.submissions.submit("cust-001", uuid.uuid4().hex, ALICE).submission.submission_id
    world.submissions.start({"submissionId": sid, "id": "cust-001", "submittedAt": world.clock.now}, ARN)
    world.clock.now = "2026-11-25T09:05:00.000Z"

    assert world.reconciler.run(ARN).waiting == [sid]
    # the execution ended, its Record step and its status-change event were both lost
    world.starter.end(sid, "SUCCEEDED", output=json.dumps({"status": "SUCCEEDED", "outcome": "already_exists",
                                                      "error": None}))
    done = world.reconciler.run(ARN)

    assert done.resolved == [sid]
    assert (world.store.items[sid].status, world.store.items[sid].outcome) == ("SUCCEEDED", "already_exists")
    assert world.reconciler.run(ARN).oldest_unfinished_seconds is None


@pytest.mark.parametrize(("inserted", "expected"), [(True, ("SUCCEEDED", "inserted")),
                                                     (False, ("FAILED", None))])
def test_a_timed_out_execution_is_resolved_from_the_customers_table(
    world: World, inserted: bool, expected: tuple[str, str | None]
) -> None:
    sid = world.submissions.submit("cust-001", uuid.uuid4().hex, ALICE).submission.submission_id
    world.submissions.start({"submissionId": sid, "id": "cust-001", "submittedAt": world.clock.now}, ARN)
    world.starter.end(sid, "TIMED_OUT", error="States.Timeout")
    if inserted:
        world.ledger.tokens["cust-001"] = sid
    world.clock.now = "2026-11-25T09:05:00.000Z"

    assert world.reconciler.run(ARN).resolved == [sid]
    assert (world.store.items[sid].status, world.store.items[sid].outcome) == expected


def test_finished_submissions_are_never_touched(world: World) -> None:
    sid = world.submissions.submit("cust-001", uuid.uuid4().hex, ALICE).submission.submission_id
    world.store.finish(sid, "FAILED", None, "not published", world.clock.now)
    before = world.store.items[sid]
    world.clock.now = "2026-11-25T10:00:00.000Z"

    done = world.reconciler.run(ARN)

    assert (done.redriven, done.resolved, world.starter.started) == ([], [], [])
    assert world.store.items[sid] == before
