"""The workflow's event handlers. Each becomes its own Lambda function behind an EventBridge rule
that Chalice creates from the pattern; locally, backend/local/glue.py delivers the same events
to these same functions.

- start_workflow: CustomerIdSubmitted -> an execution named after the submission. Routed through
  Lambda rather than a direct EventBridge -> Step Functions target because such a target cannot
  name the execution, and the name is what makes a redelivered event harmless.
- record_workflow_end: the execution's final status change -> the submission's final status
  (when the state machine could not write it: timed out, aborted, a step that kept failing),
  and the workflow's metrics.
- reconcile_submissions: every minute, submissions left unfinished by a lost step are re-driven
  or resolved (chalicelib/workflow/reconciler.py); it reports how many, and how old the oldest is.

Lambda retries a failed asynchronous invocation twice; after that the event goes to the
function's on-failure destination, an SQS dead-letter queue (backend/infra/workflow.json) whose
depth is alarmed. The reconciler then finishes the submission the event was about.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from chalice.app import Blueprint, CloudWatchEvent, Rate

from chalicelib import deadline, wiring
from chalicelib.config import read_settings
from chalicelib.observability import count, logger, record
from chalicelib.workflow.events import SUBMITTED_PATTERN, execution_end_pattern
from chalicelib.workflow.executions import state_machine_arn

bp = Blueprint(__name__)

_STARTED_METRIC = {
    "started": "WorkflowStarted",
    "duplicate": "WorkflowDuplicateEvents",
    "rejected": "WorkflowRejectedEvents",
    "final": "WorkflowEventsForFinalSubmissions",
}
_END_METRIC = {
    "SUCCEEDED": "WorkflowSucceeded",
    "FAILED": "WorkflowFailed",
    "TIMED_OUT": "WorkflowTimedOut",
    "ABORTED": "WorkflowAborted",
}
_OUTCOME_METRIC = {
    "inserted": "WorkflowInserted",
    "already_exists": "WorkflowAlreadyExists",
    "invalid": "WorkflowInvalid",
}


@contextmanager
def _within_lambda_time(event: CloudWatchEvent) -> Iterator[None]:
    """All calls share what the function has left, less a second to log and flush: a hung service
    ends in an error Lambda retries, not in the function being killed mid-step."""
    logger.append_keys(detail_type=event.detail_type)
    with deadline.budget(_seconds_left(event) - 1.0):
        yield


def _seconds_left(event: CloudWatchEvent) -> float:
    context: Any = event.context  # Lambda's context object (chalice local's and the glue's too)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 if callable(remaining) else deadline.UNBUDGETED_CALL_SECONDS


def _state_machine_arn(event: CloudWatchEvent) -> str:
    settings = wiring.services().settings
    if settings.workflow_state_machine_arn:
        return settings.workflow_state_machine_arn
    context: Any = event.context  # Lambda's context object
    return state_machine_arn(context.invoked_function_arn, settings.workflow_name)


@bp.on_cw_event(SUBMITTED_PATTERN)
def start_workflow(event: CloudWatchEvent) -> None:
    with _within_lambda_time(event):
        started = wiring.services().submissions.start(event.detail, _state_machine_arn(event))
        logger.append_keys(submission_id=started.submission_id)
        log = logger.warning if started.result == "rejected" else logger.info
        log("workflow start", result=started.result, reason=started.reason)
        count(_STARTED_METRIC[started.result])


# The pattern names this stage's state machine: Chalice builds it when it packages the app, with
# the stage's environment variables set.
@bp.on_cw_event(execution_end_pattern(read_settings().workflow_name))
def record_workflow_end(event: CloudWatchEvent) -> None:
    with _within_lambda_time(event):
        ended = wiring.services().submissions.finish(event.detail)
        if ended is None:
            logger.warning("not a final status change of a submission's execution")
            return
        logger.append_keys(submission_id=ended.submission_id)
        if ended.deferred:
            logger.info("workflow end left to the reconciler: its insert may be in flight",
                        execution_status=ended.execution_status)
            count("WorkflowEndsDeferred")
        recorded = ended.recorded
        logger.info(
            "workflow end",
            execution_status=ended.execution_status,
            recorded_here=ended.recorded_here,
            status=recorded.status if recorded else None,
            outcome=recorded.outcome if recorded else None,
            error=recorded.error if recorded else None,
        )
        count(_END_METRIC[ended.execution_status])
        if recorded is not None and recorded.outcome is not None:
            count(_OUTCOME_METRIC[recorded.outcome])
        if ended.recorded_here:
            count("WorkflowEndsRecordedByHandler")
        if ended.duration_ms is not None:
            record("WorkflowDuration", ended.duration_ms, MetricUnit.Milliseconds)


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def reconcile_submissions(event: CloudWatchEvent) -> None:
    with _within_lambda_time(event):
        done = wiring.services().reconciler.run(_state_machine_arn(event))
        if done.redriven or done.resolved:
            logger.info("submissions reconciled", redriven=done.redriven, resolved=done.resolved)
        count("SubmissionsRedriven", len(done.redriven))
        count("SubmissionsResolved", len(done.resolved))
        count("SubmissionsWaiting", len(done.waiting))
        # Zero when nothing is unfinished, so the alarm on it sees data every minute.
        record("OldestUnfinishedSubmissionAge", done.oldest_unfinished_seconds or 0, MetricUnit.Seconds)
