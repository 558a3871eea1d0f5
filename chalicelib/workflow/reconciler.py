"""The reconciler: every submission reaches SUCCEEDED or FAILED, whichever single step was lost.

Run every minute (chalicelib/workflow/handlers.py). It reads the submissions that are still
PENDING or RUNNING some time after they were submitted (the sparse index `by_unfinished`, so it
never scans the table) and, for each, asks Step Functions about the execution named after it:

    no execution        the event was lost, or the start handler failed past its retries, or
                        StartExecution was throttled: re-drive it (start() again; the execution's
                        name is the submission ID, so a start that raced with a late event is
                        refused by Step Functions and harmless)
    execution running   nothing to do yet (the execution ends within its own timeout)
    execution ended     the status-change event was lost or its handler failed, or the execution
                        timed out, was aborted, or failed after the insert: finish() records the
                        outcome from the execution's output and the customers table

Everything it does is what an event handler would have done, so it is as safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib import deadline
from chalicelib.customers.domain import utc_now
from chalicelib.workflow.events import submitted_detail
from chalicelib.workflow.submissions import (
    ExecutionStarter,
    Submissions,
    SubmissionStore,
    format_time,
    parse_time,
)

PER_SUBMISSION_SECONDS = 5.0
BATCH_PER_SHARD = 50  # per run: 200 submissions a minute at most, well within the Lambda timeout


@dataclass
class Pass:
    """What one run of the reconciler did."""

    redriven: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # an execution still runs, or just stopped
    failed: dict[str, str] = field(default_factory=dict)  # ID -> why; tried again next run
    oldest_unfinished_seconds: float | None = None  # age of the oldest unfinished submission


class Reconciler:
    def __init__(
        self,
        submissions: Submissions,
        store: SubmissionStore,
        executions: ExecutionStarter,
        stale_after_seconds: int,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self._submissions = submissions
        self._store = store
        self._executions = executions
        self._stale_after = timedelta(seconds=stale_after_seconds)
        self._clock = clock

    def run(self, state_machine_arn: str) -> Pass:
        now = parse_time(self._clock()) or datetime.now(UTC)
        done = Pass()
        # First, so the age of the oldest is reported however the re-drives below fare.
        oldest = self._store.unfinished(1)
        if oldest:
            found = self._store.get(oldest[0])
            submitted = parse_time(found.submitted_at) if found and not found.final else None
            if submitted is not None:
                done.oldest_unfinished_seconds = max((now - submitted).total_seconds(), 0.0)
        for submission_id in self._store.unfinished(BATCH_PER_SHARD, format_time(now - self._stale_after)):
            try:
                with deadline.budget(PER_SUBMISSION_SECONDS):  # one stuck call cannot starve the rest
                    self._reconcile(submission_id, state_machine_arn, done)
            except Exception as error:  # one submission's trouble must not hold up the others
                done.failed[submission_id] = f"{type(error).__name__}: {error}"
        return done

    def _reconcile(self, submission_id: str, state_machine_arn: str, done: Pass) -> None:
        current = self._store.get(submission_id)  # the index is eventually consistent
        if current is None or current.final:
            return
        execution = self._executions.describe(state_machine_arn, submission_id)
        if execution is None:
            detail = submitted_detail(submission_id, current.customer_id, current.submitted_at,
                                      current.submitted_by)
            started = self._submissions.start(detail, state_machine_arn)
            if started.result == "started":
                done.redriven.append(submission_id)
            return
        if execution.get("status") == "RUNNING":
            done.waiting.append(submission_id)
            return
        ended = self._submissions.finish(execution)
        if ended is not None and ended.recorded_here:
            done.resolved.append(submission_id)
        elif ended is not None and ended.deferred:
            done.waiting.append(submission_id)
