"""The submission domain and the execution's input, against in-memory fakes: no I/O."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from chalicelib.customers.domain import Customer
from chalicelib.customers.store import to_item
from chalicelib.errors import (
    IdempotencyKeyReusedError,
    InvalidIdError,
    InvalidRequestError,
    NotFoundError,
)
from chalicelib.identity.actor import Actor
from chalicelib.workflow.executions import state_machine_arn, workflow_input
from chalicelib.workflow.submissions import Submission, Submissions, WorkflowRequest, canonical_time
from tests.workflow_fakes import (
    InMemoryLedger,
    InMemorySubmissionStore,
    RecordingPublisher,
    RecordingStarter,
)

ALICE = Actor("person", "alice")
BOB = Actor("person", "bob")
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:customers-workflow"


@pytest.fixture
def store() -> InMemorySubmissionStore:
    return InMemorySubmissionStore()


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def starter() -> RecordingStarter:
    return RecordingStarter()


@pytest.fixture
def ledger() -> InMemoryLedger:
    return InMemoryLedger()


@pytest.fixture
def submissions(store: InMemorySubmissionStore, publisher: RecordingPublisher,
                starter: RecordingStarter, ledger: InMemoryLedger) -> Submissions:
    ticks = iter(range(10_000))
    return Submissions(
        store, publisher, starter, ledger,
        clock=lambda: f"2026-11-25T09:00:{next(ticks) % 60:02d}.000Z",
        ttl_days=30,
    )


def execution_end(name: str, status: str, **detail: Any) -> dict[str, Any]:
    return {"name": name, "status": status, "startDate": 1_000, "stopDate": 1_250, **detail}


# -- submit --------------------------------------------------------------------------------


def submit(submissions: Submissions, customer_id: str) -> Submission:
    """A fresh request's submission (its own token), as the API makes one."""
    return submissions.submit(customer_id, uuid.uuid4().hex, ALICE).submission


def test_a_submission_is_recorded_pending_and_published_once(
    submissions: Submissions, store: InMemorySubmissionStore, publisher: RecordingPublisher
) -> None:
    submission = submit(submissions, "cust-001")

    assert store.get(submission.submission_id) == submission
    assert (submission.status, submission.outcome, submission.error) == ("PENDING", None, None)
    assert publisher.published == [(submission.submission_id, "cust-001", submission.submitted_at)]


def test_a_submission_expires_after_the_ttl(submissions: Submissions, store: InMemorySubmissionStore) -> None:
    submission = submit(submissions, "cust-001")

    submitted = 1_795_597_200  # 2026-11-25T09:00:00Z
    assert store.expires_at[submission.submission_id] == submitted + 30 * 24 * 3600


@pytest.mark.parametrize("bad", ["no", "bad id!", "x" * 65, 42, None, "abc\n"])
def test_an_id_that_breaks_the_rule_is_refused_before_anything_is_stored(
    submissions: Submissions, store: InMemorySubmissionStore, publisher: RecordingPublisher, bad: object
) -> None:
    with pytest.raises(InvalidIdError):
        submissions.submit(bad, uuid.uuid4().hex, ALICE)
    assert store.items == {}
    assert publisher.published == []


def test_when_the_event_cannot_be_published_the_submission_stays_pending_for_the_reconciler(
    submissions: Submissions, store: InMemorySubmissionStore, publisher: RecordingPublisher
) -> None:
    publisher.fail_with = "ThrottlingException: slow down"

    accepted = submissions.submit("cust-001", uuid.uuid4().hex, ALICE)

    assert not accepted.announced and accepted.reason is not None and "slow down" in accepted.reason
    assert store.items == {accepted.submission.submission_id: accepted.submission}
    assert accepted.submission.status == "PENDING"


def test_a_retry_with_the_same_token_is_the_same_submission_announced_again(
    submissions: Submissions, store: InMemorySubmissionStore, publisher: RecordingPublisher
) -> None:
    # GIVEN a submission whose answer was lost (or whose event did not reach the bus)
    token = uuid.uuid4().hex
    first = submissions.submit("cust-001", token, ALICE).submission
    # WHEN the client retries with the same Idempotency-Key (same token)
    again = submissions.submit("cust-001", token, ALICE).submission
    # THEN it is the same submission, announced again (starting it is idempotent), stored once
    assert again == first and list(store.items) == [first.submission_id]
    assert [p[0] for p in publisher.published] == [first.submission_id] * 2


def test_a_submission_records_its_submitter_and_announces_them(
    submissions: Submissions, store: InMemorySubmissionStore, publisher: RecordingPublisher
) -> None:
    submission = submissions.submit("cust-001", uuid.uuid4().hex, Actor("key", "ci-key")).submission

    assert submission.submitted_by == Actor("key", "ci-key")
    assert store.get(submission.submission_id) == submission
    assert submission.to_json()["submittedBy"] == {"kind": "key", "name": "ci-key"}
    assert publisher.submitters == [Actor("key", "ci-key")]


def test_a_retry_keeps_the_first_submitter_whoever_sends_it(
    submissions: Submissions, publisher: RecordingPublisher
) -> None:
    # GIVEN a submission by alice whose answer was lost
    token = uuid.uuid4().hex
    first = submissions.submit("cust-001", token, ALICE).submission
    # WHEN the same token comes again with another actor
    again = submissions.submit("cust-001", token, BOB).submission
    # THEN the stored submission and its announcement still name alice
    assert again == first and again.submitted_by == ALICE
    assert publisher.submitters == [ALICE, ALICE]


def test_the_same_token_for_another_id_is_a_reused_key(submissions: Submissions) -> None:
    token = uuid.uuid4().hex
    submissions.submit("cust-001", token, ALICE)
    with pytest.raises(IdempotencyKeyReusedError):
        submissions.submit("cust-002", token, ALICE)


# -- read ----------------------------------------------------------------------------------


def test_an_unknown_or_malformed_submission_id_is_not_found(submissions: Submissions) -> None:
    for unknown in ["no-such-submission", "../etc", "x" * 81, ""]:
        with pytest.raises(NotFoundError):
            submissions.get(unknown)


def test_recent_lists_newest_first_within_the_limit(submissions: Submissions) -> None:
    made = [submit(submissions, f"cust-{i:03d}").submission_id for i in range(5)]

    assert [s.submission_id for s in submissions.recent(3)] == made[::-1][:3]
    for bad in (0, 101):
        with pytest.raises(InvalidRequestError):
            submissions.recent(bad)


# -- start ---------------------------------------------------------------------------------


def submitted_event(submissions: Submissions, customer_id: str = "cust-001") -> dict[str, str]:
    submission = submit(submissions, customer_id)
    return {"submissionId": submission.submission_id, "id": customer_id,
            "submittedAt": submission.submitted_at}


def test_start_marks_running_and_names_the_execution_after_the_submission(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter
) -> None:
    detail = submitted_event(submissions)

    started = submissions.start(detail, ARN)

    assert started.result == "started"
    arn, request = starter.started[0]
    assert (arn, request.submission_id, request.candidate, request.problem) == (
        ARN, detail["submissionId"], "cust-001", None)
    assert store.items[detail["submissionId"]].status == "RUNNING"


def test_the_execution_inserts_as_the_submitter_the_record_names_not_the_event(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter
) -> None:
    # GIVEN alice's submission, and an event for it that names someone else (or no one)
    detail: dict[str, Any] = {**submitted_event(submissions), "submittedBy": BOB.to_json()}

    submissions.start(detail, ARN)

    # THEN the execution's item is created by alice, and the record still names her
    _, request = starter.started[0]
    assert request.submitted_by == ALICE
    assert workflow_input(request)["item"]["createdBy"] == {
        "M": {"kind": {"S": "person"}, "name": {"S": "alice"}}}
    assert store.items[detail["submissionId"]].submitted_by == ALICE


def test_a_start_repeated_while_running_keeps_the_submitter(
    submissions: Submissions, starter: RecordingStarter
) -> None:
    detail = submitted_event(submissions)
    submissions.start(detail, ARN)
    starter.executions.clear()  # as if the first start's execution were lost: it starts again

    assert submissions.start({**detail, "submittedBy": None}, ARN).result == "started"
    assert [request.submitted_by for _, request in starter.started] == [ALICE, ALICE]


def test_a_redelivered_event_starts_nothing_new_and_never_moves_a_submission_back(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter
) -> None:
    detail = submitted_event(submissions)
    submissions.start(detail, ARN)
    store.finish(detail["submissionId"], "SUCCEEDED", "inserted", None, "2026-11-25T09:01:00.000Z")

    again = submissions.start(detail, ARN)

    assert again.result == "final"
    assert len(starter.started) == 1
    assert store.items[detail["submissionId"]].status == "SUCCEEDED"


def test_a_running_submission_is_started_again_and_step_functions_keeps_it_to_one_execution(
    submissions: Submissions, starter: RecordingStarter
) -> None:
    detail = submitted_event(submissions)
    submissions.start(detail, ARN)

    assert submissions.start(detail, ARN).result == "duplicate"
    assert len(starter.started) == 1


def test_an_event_for_a_submission_recorded_failed_starts_no_execution(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter
) -> None:
    # GIVEN the API recorded FAILED (it could not publish), yet the event got out after all
    detail = submitted_event(submissions)
    store.finish(detail["submissionId"], "FAILED", None, "not published", "2026-11-25T09:00:30.000Z")

    started = submissions.start(detail, ARN)

    # THEN no execution can insert behind that FAILED
    assert (started.result, starter.started) == ("final", [])
    assert store.items[detail["submissionId"]].status == "FAILED"


def test_an_event_from_another_publisher_gets_a_full_record(
    submissions: Submissions, store: InMemorySubmissionStore
) -> None:
    detail = {"submissionId": "external-1", "id": "cust-009", "submittedAt": "2026-11-25T10:00:00+01:00"}

    submissions.start(detail, ARN)

    recorded = store.items["external-1"]
    assert (recorded.customer_id, recorded.status) == ("cust-009", "RUNNING")
    assert recorded.submitted_at == "2026-11-25T09:00:00.000Z"  # our format, in UTC
    assert recorded.submitted_by is None  # the event named no one


def test_an_event_from_another_publisher_that_names_its_submitter_records_them(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter
) -> None:
    detail = {"submissionId": "external-3", "id": "cust-010", "submittedAt": "2026-11-25T10:00:00Z",
              "submittedBy": {"kind": "key", "name": "importer"}}

    submissions.start(detail, ARN)

    assert store.items["external-3"].submitted_by == Actor("key", "importer")
    assert starter.started[0][1].submitted_by == Actor("key", "importer")


@pytest.mark.parametrize("named", [{"kind": "robot", "name": "x"}, {"kind": "key", "name": ""}, "alice", 7])
def test_an_event_whose_submitter_is_not_an_actor_records_none(
    submissions: Submissions, store: InMemorySubmissionStore, named: object
) -> None:
    submissions.start({"submissionId": "external-4", "id": "cust-011", "submittedAt": "x",
                       "submittedBy": named}, ARN)

    assert store.items["external-4"].submitted_by is None


def test_an_invalid_id_in_an_event_still_runs_so_the_outcome_is_recorded(
    submissions: Submissions, starter: RecordingStarter
) -> None:
    submissions.start({"submissionId": "external-2", "id": 12345, "submittedAt": "x"}, ARN)

    _, request = starter.started[0]
    assert request.problem == "an ID must be a string"
    assert workflow_input(request)["valid"] is False


@pytest.mark.parametrize("detail", [{}, {"submissionId": "has space"}, {"submissionId": "x" * 81},
                                    {"submissionId": 7}])
def test_an_event_without_a_usable_submission_id_is_rejected_without_side_effects(
    submissions: Submissions, store: InMemorySubmissionStore, starter: RecordingStarter,
    detail: dict[str, Any]
) -> None:
    assert submissions.start(detail, ARN).result == "rejected"
    assert store.items == {} and starter.started == []


# -- the execution's input -----------------------------------------------------------------


def test_the_input_carries_the_verdict_and_the_exact_item_the_api_would_store() -> None:
    request = WorkflowRequest("sub-1", "cust-001", None, "2026-11-25T09:00:00.000Z",
                              "2026-11-25T09:00:01.000Z")

    payload = workflow_input(request)

    assert payload["valid"] is True and payload["problem"] is None
    assert payload["item"] == to_item(Customer("cust-001", "2026-11-25T09:00:01.000Z", "workflow"), "sub-1")
    assert payload["item"]["writeToken"] == {"S": "sub-1"}  # the submission ID: its own insert
    assert payload["item"]["source"] == {"S": "workflow"}
    assert "createdBy" not in payload["item"]  # no submitter known: the item reads createdBy null
    json.dumps(payload)  # it is the execution's JSON input


def test_the_input_s_item_is_created_by_the_submitter() -> None:
    request = WorkflowRequest("sub-1", "cust-001", None, "t0", "t1", Actor("key", "ci-key"))

    item = workflow_input(request)["item"]

    assert item == to_item(Customer("cust-001", "t1", "workflow", Actor("key", "ci-key")), "sub-1")
    assert item["createdBy"] == {"M": {"kind": {"S": "key"}, "name": {"S": "ci-key"}}}


def test_an_invalid_request_has_no_item() -> None:
    payload = workflow_input(WorkflowRequest("sub-1", ["x"], "an ID must be a string", "t", "t"))

    assert payload == {"submissionId": "sub-1", "id": '["x"]', "submittedAt": "t", "valid": False,
                       "problem": "an ID must be a string", "item": None}


def test_the_state_machine_arn_comes_from_the_functions_own_arn() -> None:
    function = "arn:aws-cn:lambda:cn-north-1:111122223333:function:customer-ids-prod-start_workflow"

    assert state_machine_arn(function, "customers-workflow") == (
        "arn:aws-cn:states:cn-north-1:111122223333:stateMachine:customers-workflow")
    with pytest.raises(ValueError):
        state_machine_arn("", "customers-workflow")


# -- finish --------------------------------------------------------------------------------


def running(submissions: Submissions) -> str:
    detail = submitted_event(submissions)
    submissions.start(detail, ARN)
    return detail["submissionId"]


def test_an_end_the_state_machine_recorded_is_left_as_it_is(
    submissions: Submissions, store: InMemorySubmissionStore
) -> None:
    sid = running(submissions)
    store.finish(sid, "SUCCEEDED", "already_exists", None, "2026-11-25T09:01:00.000Z")
    before = store.items[sid]

    ended = submissions.finish(execution_end(sid, "SUCCEEDED", output='{"status":"FAILED"}'))

    assert ended is not None and ended.recorded_here is False
    assert ended.recorded == before == store.items[sid]
    assert ended.duration_ms == 250


@pytest.mark.parametrize("status", ["FAILED", "TIMED_OUT", "ABORTED"])
def test_an_execution_that_could_not_record_its_end_is_recorded_failed(
    submissions: Submissions, store: InMemorySubmissionStore, status: str
) -> None:
    sid = running(submissions)

    ended = submissions.finish(execution_end(sid, status, error="States.Timeout", cause="too slow"))

    assert ended is not None and ended.recorded_here is True
    recorded = store.items[sid]
    assert (recorded.status, recorded.outcome) == ("FAILED", None)
    assert recorded.error is not None
    assert status in recorded.error and "States.Timeout" in recorded.error and "too slow" in recorded.error


@pytest.mark.parametrize("status", ["FAILED", "TIMED_OUT", "ABORTED"])
def test_an_execution_that_ended_badly_after_its_insert_landed_is_recorded_inserted(
    submissions: Submissions, store: InMemorySubmissionStore, ledger: InMemoryLedger, status: str
) -> None:
    # GIVEN the insert landed (the item carries the submission ID), then a later step failed
    sid = running(submissions)
    ledger.tokens["cust-001"] = sid

    ended = submissions.finish(execution_end(sid, status, error="States.TaskFailed"))

    # THEN the submission says what the customers table says
    assert ended is not None and ended.recorded_here is True
    assert (store.items[sid].status, store.items[sid].outcome, store.items[sid].error) == (
        "SUCCEEDED", "inserted", None)


def test_an_id_inserted_by_someone_else_does_not_make_a_failed_execution_inserted(
    submissions: Submissions, store: InMemorySubmissionStore, ledger: InMemoryLedger
) -> None:
    sid = running(submissions)
    ledger.tokens["cust-001"] = "another-request"

    submissions.finish(execution_end(sid, "FAILED"))

    assert (store.items[sid].status, store.items[sid].outcome) == ("FAILED", None)


def test_an_abnormal_end_a_moment_ago_is_left_to_the_reconciler_while_its_insert_may_land(
    submissions: Submissions, store: InMemorySubmissionStore
) -> None:
    sid = running(submissions)
    stopped = 1_795_597_200_000 + 10_000  # 09:00:10, and the clock reads 09:00:0x: just stopped

    ended = submissions.finish(execution_end(sid, "ABORTED", stopDate=stopped))

    assert ended is not None and ended.deferred is True and ended.recorded_here is False
    assert store.items[sid].status == "RUNNING"


def test_a_succeeded_execution_unrecorded_is_recorded_from_its_output(
    submissions: Submissions, store: InMemorySubmissionStore
) -> None:
    sid = running(submissions)
    output = json.dumps({"status": "SUCCEEDED", "outcome": "inserted", "error": None})

    submissions.finish(execution_end(sid, "SUCCEEDED", output=output))

    assert (store.items[sid].status, store.items[sid].outcome) == ("SUCCEEDED", "inserted")


def test_a_succeeded_execution_with_an_unexpected_output_is_a_failure(
    submissions: Submissions, store: InMemorySubmissionStore
) -> None:
    sid = running(submissions)

    submissions.finish(execution_end(sid, "SUCCEEDED", output='{"outcome": "teleported"}'))

    assert store.items[sid].status == "FAILED"


def test_status_changes_that_are_not_final_or_not_ours_are_ignored(submissions: Submissions) -> None:
    assert submissions.finish(execution_end("sub-x", "RUNNING")) is None
    ended = submissions.finish(execution_end("never-submitted", "FAILED"))
    assert ended is not None and ended.recorded is None and ended.recorded_here is False


def test_canonical_time_is_utc_with_milliseconds() -> None:
    assert canonical_time("2026-11-25T01:00:41.137855+00:00") == "2026-11-25T01:00:41.137Z"
    assert canonical_time("2026-11-25T01:00:41.137Z") == "2026-11-25T01:00:41.137Z"
    assert canonical_time("not a time") == "not a time"
