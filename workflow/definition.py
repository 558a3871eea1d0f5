"""The customers-workflow state machine (Amazon States Language), written as Python.

    CheckFormat ── invalid ───────────────────────────────────────────> RecordInvalid
      │ valid
    CheckExists (dynamodb:getItem) ── ours ──> RecordInserted    ── someone else's ──> RecordAlreadyExists
      │ absent                                                                            ▲
    Insert (dynamodb:putItem, attribute_not_exists(id)) ── conditional check failed ─┐   │
      │                                     └─ any other error, retries spent ─┐     │   │
    RecordInserted  <── ours ── CheckOwnInsert (dynamodb:getItem) <────────────┴─────┘───┘
                                  └─ absent after an error ──> RecordFailure -> Failed

Every step only calls DynamoDB, so each is a direct Step Functions integration: no Lambda to pay
for, cold-start or keep warm. What ASL cannot do (a regular expression; the item's derived
attributes) our Python did before the start and passed in the input (chalicelib/workflow/executions.py).

Riding out blips: any task failure or timeout is retried with exponential backoff (no jitter,
so the budget is a guarantee, not an average); PRODUCTION's budget is enough for a 60-second
outage of the data store. Errors that a retry cannot fix (a failed condition, a missing table) are
not retried. The budget is a parameter of `definition()` so that a test can ride out a shorter
outage on a shorter budget; what deploys is always PRODUCTION's.

A put that timed out may still have landed, so a retried put can fail its own
`attribute_not_exists` condition: the item's `writeToken` (the submission ID) tells our own landed
insert (`inserted`) from someone else's (`already_exists`).

Each Record* step writes the submission's final status, only while the submission is unfinished
(an execution never overwrites a FAILED the API or the reconciler recorded), and removes the
`unfinishedShard` attribute that keeps it in the reconciler's sparse index. The execution's output
is that status (the status handler and the reconciler read it when they have to record the end).

Stage-specific names are `${Placeholders}`: CloudFormation fills them from DefinitionSubstitutions
(backend/infra/workflow.json), the local stack fills them the same way (backend/local/glue.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.workflow.store import UNFINISHED_ATTRIBUTE

ROOT = Path(__file__).resolve().parent.parent
CHECKED_IN = ROOT / "workflow" / "customers-workflow.asl.json"

# Every ${Name} in the definition; each becomes a DefinitionSubstitutions entry.
SUBSTITUTIONS = ("CustomersTableName", "SubmissionsTableName")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")


@dataclass(frozen=True)
class RetryBudget:
    """How each step waits out a failing data store: each attempt may take `task_timeout_seconds`;
    the waits between attempts grow from `interval_seconds` by `backoff_rate` up to
    `max_delay_seconds`, `max_attempts` times; the whole execution ends after
    `execution_timeout_seconds` (the reconciler resolves a submission whose execution timed out,
    chalicelib/workflow/reconciler.py). Step Functions takes whole seconds only."""

    task_timeout_seconds: int = 10
    interval_seconds: int = 1
    backoff_rate: int = 2
    max_delay_seconds: int = 30
    max_attempts: int = 8
    execution_timeout_seconds: int = 180

    def delays(self) -> list[int]:
        """The waits between the attempts of one step, as Step Functions computes them (no jitter)."""
        return [min(self.interval_seconds * self.backoff_rate**n, self.max_delay_seconds)
                for n in range(self.max_attempts)]

    def rides_out(self, outage_seconds: float) -> bool:
        """Whether one step survives an outage of `outage_seconds` within the execution's timeout.

        An outage that fails every attempt at once must still be retried after it ends (the waits
        before the last one outlast it); one whose calls hang must end in time: attempts until
        the outage ends, then the longest wait and one more attempt, and the steps after it."""
        delays = self.delays()
        retried_after_it = sum(delays) - delays[-1] > outage_seconds
        worst_step = outage_seconds + self.max_delay_seconds + self.task_timeout_seconds
        ends_in_time = worst_step + 3 * self.task_timeout_seconds < self.execution_timeout_seconds
        return retried_after_it and ends_in_time

    @classmethod
    def of(cls, definition: dict[str, Any]) -> RetryBudget:
        """The budget a generated definition carries (every task's is the same), read back from it."""
        budgets = {cls._of_task(state, definition["TimeoutSeconds"])
                   for state in definition["States"].values() if state["Type"] == "Task"}
        if len(budgets) != 1:
            raise ValueError(f"the tasks disagree on their retry budget: {budgets}")
        return budgets.pop()

    @classmethod
    def _of_task(cls, task: dict[str, Any], execution_timeout: int) -> RetryBudget:
        (transient,) = [r for r in task["Retry"] if r["ErrorEquals"] == TRANSIENT_ERRORS]
        return cls(task_timeout_seconds=task["TimeoutSeconds"], interval_seconds=transient["IntervalSeconds"],
                   backoff_rate=int(transient["BackoffRate"]), max_delay_seconds=transient["MaxDelaySeconds"],
                   max_attempts=transient["MaxAttempts"], execution_timeout_seconds=execution_timeout)


# Retries of one step: 1, 2, 4, 8, 16, 30, 30, 30 s apart (121 s in all, not counting the attempts).
PRODUCTION = RetryBudget()

# Step Functions names a DynamoDB error "DynamoDB.<exception>". These say the request itself is
# wrong (or lost a race): retrying cannot help. Everything else a task reports is retried.
CONDITIONAL_CHECK_FAILED = "DynamoDB.ConditionalCheckFailedException"
PERMANENT_ERRORS = [
    CONDITIONAL_CHECK_FAILED,
    "DynamoDB.ResourceNotFoundException",
    "DynamoDB.ValidationException",
]
TRANSIENT_ERRORS = ["States.TaskFailed", "States.Timeout"]


def _table(name: str) -> str:
    return "${" + name + "}"


def _retry(budget: RetryBudget) -> list[dict[str, Any]]:
    # Retriers are tried in order: the first whose ErrorEquals matches decides.
    return [
        {"ErrorEquals": PERMANENT_ERRORS, "MaxAttempts": 0},
        {
            "ErrorEquals": TRANSIENT_ERRORS,
            "IntervalSeconds": budget.interval_seconds,
            "BackoffRate": float(budget.backoff_rate),
            "MaxAttempts": budget.max_attempts,
            "MaxDelaySeconds": budget.max_delay_seconds,
            "JitterStrategy": "NONE",
        },
    ]


def _dynamodb(budget: RetryBudget, action: str, parameters: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": f"arn:aws:states:::dynamodb:{action}",
        "Parameters": parameters,
        "TimeoutSeconds": budget.task_timeout_seconds,
        "Retry": _retry(budget),
        **rest,
    }


def _catch_all() -> dict[str, Any]:
    return {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "RecordFailure"}


def _record(budget: RetryBudget, status: str, outcome: str | None, error_path: str | None,
            **rest: Any) -> dict[str, Any]:
    """Write the submission's final status (the same attributes chalicelib/workflow/store.py
    writes) and make it this step's output."""
    sets = ["#status = :status", "updatedAt = :updatedAt"]
    removes = [UNFINISHED_ATTRIBUTE]
    names = {"#status": "status", "#error": "error"}
    values: dict[str, Any] = {
        ":status": {"S": status},
        ":updatedAt": {"S.$": "$$.State.EnteredTime"},
        ":pending": {"S": "PENDING"},
        ":running": {"S": "RUNNING"},
    }
    if outcome is None:
        removes.append("outcome")
    else:
        sets.append("outcome = :outcome")
        values[":outcome"] = {"S": outcome}
    if error_path is None:
        removes.append("#error")
    else:
        sets.append("#error = :error")
        values[":error"] = {"S.$": error_path}
    error_result = {"error": None} if error_path is None else {"error.$": "$.Attributes.error.S"}
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    return _dynamodb(
        budget,
        "updateItem",
        {
            "TableName": _table("SubmissionsTableName"),
            "Key": {"submissionId": {"S.$": "$.submissionId"}},
            "UpdateExpression": expression,
            # Only an unfinished submission, or this very status again (a retried update that
            # had landed). Anything else is someone else's final word: AlreadyRecorded.
            "ConditionExpression": "attribute_exists(submissionId) AND "
            "(#status IN (:pending, :running) OR #status = :status)",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ReturnValues": "UPDATED_NEW",
        },
        ResultSelector={"status": status, "outcome": outcome, **error_result},
        Catch=[{"ErrorEquals": [CONDITIONAL_CHECK_FAILED], "ResultPath": None, "Next": "AlreadyRecorded"}],
        **rest,
    )


def _ours(item_path: str, then: str) -> dict[str, Any]:
    """A Choice rule: the getItem result at `item_path` is our own item (writeToken = submission ID)."""
    token = f"{item_path}.Item.writeToken.S"
    return {
        "And": [{"Variable": token, "IsPresent": True},
                {"Variable": token, "StringEqualsPath": "$.submissionId"}],
        "Next": then,
    }


def _get_customer(budget: RetryBudget, result_path: str, **rest: Any) -> dict[str, Any]:
    return _dynamodb(
        budget,
        "getItem",
        {
            "TableName": _table("CustomersTableName"),
            "Key": {"id": {"S.$": "$.id"}},
            "ProjectionExpression": "id, writeToken",
            "ConsistentRead": True,
        },
        ResultPath=result_path,
        **rest,
    )


def definition(budget: RetryBudget = PRODUCTION) -> dict[str, Any]:
    """The state machine; `budget` is for tests that ride out a shorter outage (never deployed)."""
    return {
        "Comment": "customers-workflow: validate -> insert (never overwrites) -> record the outcome. "
        "Generated by `python -m workflow`; edit workflow/definition.py, not this file.",
        "StartAt": "CheckFormat",
        "TimeoutSeconds": budget.execution_timeout_seconds,
        "States": {
            "CheckFormat": {
                "Type": "Choice",
                "Comment": "The ID rule lives in Python (ASL has no regex): the input carries its verdict.",
                "Choices": [{"Variable": "$.valid", "BooleanEquals": True, "Next": "CheckExists"}],
                "Default": "RecordInvalid",
            },
            "CheckExists": _get_customer(budget, "$.existing", Catch=[_catch_all()], Next="IsNew"),
            # Found with our token: inserted by this submission already (read the same way as below).
            "IsNew": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.existing.Item", "IsPresent": False, "Next": "Insert"},
                    _ours("$.existing", "RecordInserted"),
                ],
                "Default": "RecordAlreadyExists",
            },
            "Insert": _dynamodb(
                budget,
                "putItem",
                {
                    "TableName": _table("CustomersTableName"),
                    "Item.$": "$.item",
                    # Atomic "never overwrite": a concurrent insert of the same ID loses here.
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                ResultPath=None,
                Catch=[
                    # Someone else's insert won the race, or our own timed-out attempt landed.
                    {"ErrorEquals": [CONDITIONAL_CHECK_FAILED], "ResultPath": None,
                     "Next": "CheckOwnInsert"},
                    # Retries spent: the put may still have landed; look before saying FAILED.
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "CheckOwnInsert"},
                ],
                Next="RecordInserted",
            ),
            "CheckOwnInsert": _get_customer(budget, "$.stored", Catch=[_catch_all()], Next="IsOwnInsert"),
            "IsOwnInsert": {
                "Type": "Choice",
                "Choices": [
                    _ours("$.stored", "RecordInserted"),
                    {"Variable": "$.failure", "IsPresent": True, "Next": "RecordFailure"},
                ],
                "Default": "RecordAlreadyExists",
            },
            "RecordInserted": _record(budget, "SUCCEEDED", "inserted", None, End=True),
            "RecordAlreadyExists": _record(budget, "SUCCEEDED", "already_exists", None, End=True),
            "RecordInvalid": _record(budget, "FAILED", "invalid", "$.problem", End=True),
            "RecordFailure": _record(
                budget, "FAILED", None, "States.Format('{}: {}', $.failure.Error, $.failure.Cause)",
                Next="Failed",
            ),
            "Failed": {"Type": "Fail", "Error": "SubmissionFailed", "CausePath": "$.error"},
            "AlreadyRecorded": {
                "Type": "Fail",
                "Error": "SubmissionAlreadyFinal",
                "Cause": "the submission had a final status already; it was left as it was",
            },
        },
    }


def render() -> str:
    """The definition as the checked-in file holds it, placeholders and all."""
    return json.dumps(definition(), indent=2) + "\n"


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def substitute(text: str, values: dict[str, str]) -> str:
    """Fill ${Name} placeholders the way CloudFormation's DefinitionSubstitutions does."""
    missing = placeholders(text) - values.keys()
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def load(values: dict[str, str]) -> str:
    """The checked-in definition with this stage's names filled in: what a stage runs."""
    return substitute(CHECKED_IN.read_text(), values)
