"""One least-privilege IAM policy per Lambda function and stage: .chalice/policy-<stage>-<function>.json.

Generated (`python -m backend.deploy.policies`; a test fails when a file is stale) so that every
function's policy names exactly this stage's tables, indexes, state machine, bus, parameter and
dead-letter queue, from the same `.chalice/config.json` values the code reads. What each function
may do is written once, below, next to the code path that needs it; tests/infra/test_function_policies.py
runs each function against the emulator, records every AWS call it makes, and holds both sides together.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.deploy.stage import ROOT, Stage, deployable_stages, load_stage
from chalicelib.customers.store import DIRECTORY_ID

Statement = dict[str, Any]

# Chalice's names: the REST API's handler, its authorizer (chalicelib/identity/authorizer.py), and the
# functions of chalicelib/workflow/handlers.py.
API_HANDLER = "api_handler"
AUTHORIZER = "authorize"
EVENT_HANDLERS = ("start_workflow", "record_workflow_end")  # invoked asynchronously: each has a DLQ
RECONCILER = "reconcile_submissions"
FUNCTIONS = (API_HANDLER, AUTHORIZER, *EVENT_HANDLERS, RECONCILER)


@dataclass(frozen=True)
class Names:
    """The stage's resource names, as its Lambda environment gives them to the code."""

    stage: Stage

    def env(self, name: str) -> str:
        return self.stage.environment[name]

    def table(self, variable: str, index: str | None = None) -> str:
        suffix = f"/index/{index}" if index else ""
        return f"arn:aws:dynamodb:*:*:table/{self.env(variable)}{suffix}"

    @property
    def machine(self) -> str:
        return f"arn:aws:states:*:*:stateMachine:{self.env('WORKFLOW_NAME')}"

    @property
    def executions(self) -> str:
        return f"arn:aws:states:*:*:execution:{self.env('WORKFLOW_NAME')}:*"

    @property
    def identity_parameters(self) -> str:
        """The user pool's, its client's and the people usage key's parameters (one prefix)."""
        return f"arn:aws:ssm:*:*:parameter{self.env('IDENTITY_PARAMETERS')}*"

    def function_name(self, function: str) -> str:
        return self.stage.prefix if function == API_HANDLER else f"{self.stage.prefix}-{function}"

    def dead_letter_queue(self, function: str) -> str:
        return f"arn:aws:sqs:*:*:{dead_letter_queue_name(self.stage.prefix, function)}"


def dead_letter_queue_name(prefix: str, function: str) -> str:
    """`<app>-<stage>-<handler>-dlq`, as in backend/infra/workflow.json and the local stack."""
    return f"{prefix}-{function}-dlq"


def _allow(sid: str, actions: list[str], resources: list[str], **extra: Any) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": actions,
            "Resource": resources[0] if len(resources) == 1 else resources, **extra}


def _ground(n: Names, function: str) -> list[Statement]:
    """What every function needs: its own log group, and X-Ray (no resource-level permissions)."""
    group = f"arn:aws:logs:*:*:log-group:/aws/lambda/{n.function_name(function)}"
    return [
        _allow("OwnLogGroup", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
               [group, f"{group}:*"]),
        _allow("XRayHasNoResourceLevelPermissions", [
            "xray:PutTraceSegments", "xray:PutTelemetryRecords",
            "xray:GetSamplingRules", "xray:GetSamplingTargets",
        ], ["*"]),
    ]


def _api(n: Names) -> list[Statement]:
    return [
        # chalicelib/customers/store.py: create, read, delete, batch; the shard directory (UpdateItem);
        # list pages by shard.
        _allow("CustomersTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
                                  "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
               [n.table("CUSTOMERS_TABLE")]),
        _allow("CustomersTableShardIndex", ["dynamodb:Query"], [n.table("CUSTOMERS_TABLE", "by_shard")]),
        # chalicelib/workflow/store.py: submit (create; left PENDING when unpublished), read, list.
        _allow("SubmissionsTable", ["dynamodb:GetItem", "dynamodb:PutItem"],
               [n.table("SUBMISSIONS_TABLE")]),
        _allow("SubmissionsTableRecentIndex", ["dynamodb:Query"],
               [n.table("SUBMISSIONS_TABLE", "by_submitted_at")]),
        # Powertools' idempotency utility keeps each Idempotency-Key's answer here.
        _allow("IdempotencyTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                    "dynamodb:DeleteItem"], [n.table("IDEMPOTENCY_TABLE")]),
        _allow("CursorSecret", ["ssm:GetParameter"],
               [f"arn:aws:ssm:*:*:parameter{n.env('CURSOR_SECRET_PARAMETER')}"]),
        _allow("PublishOwnEventsToDefaultBus", ["events:PutEvents"], ["arn:aws:events:*:*:event-bus/default"],
               Condition={"StringEquals": {"events:source": "customers.api"}}),
        _read_identity_parameters(n),  # GET /auth/config answers the pool and client
    ]


def _read_identity_parameters(n: Names) -> Statement:
    # chalicelib/config.py reads the pool, client and people usage key in one GetParameters call.
    return _allow("IdentityParameters", ["ssm:GetParameters"], [n.identity_parameters])


def _authorizer(n: Names) -> list[Statement]:
    # It verifies tokens against the pool's public JWKS over HTTPS (no IAM), and needs nothing else.
    return [_read_identity_parameters(n)]


def _dead_letters(n: Names, function: str) -> Statement:
    # Lambda sends a failed asynchronous event to the on-failure destination with this role.
    return _allow("OnFailureDestination", ["sqs:SendMessage"], [n.dead_letter_queue(function)])


def _list_customer_shard(n: Names) -> Statement:
    # chalicelib/workflow/executions.py: before an execution inserts, its shard is listed in the
    # customers' shard directory (chalicelib/customers/store.py): only that item, read then written.
    return _allow("ListCustomerShard", ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                  [n.table("CUSTOMERS_TABLE")],
                  Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [DIRECTORY_ID]}})


def _start_workflow(n: Names) -> list[Statement]:
    return [
        _allow("MarkSubmissionRunning", ["dynamodb:GetItem", "dynamodb:UpdateItem"],
               [n.table("SUBMISSIONS_TABLE")]),
        _list_customer_shard(n),
        _allow("StartWorkflow", ["states:StartExecution"], [n.machine]),
        _dead_letters(n, "start_workflow"),
    ]


def _record_workflow_end(n: Names) -> list[Statement]:
    return [
        _allow("RecordSubmissionEnd", ["dynamodb:GetItem", "dynamodb:UpdateItem"],
               [n.table("SUBMISSIONS_TABLE")]),
        # Only to read writeToken: did this submission insert the ID?
        _allow("ReadCustomerWriter", ["dynamodb:GetItem"], [n.table("CUSTOMERS_TABLE")]),
        _dead_letters(n, "record_workflow_end"),
    ]


def _reconciler(n: Names) -> list[Statement]:
    return [
        _allow("ReconcileSubmissions", ["dynamodb:GetItem", "dynamodb:UpdateItem"],
               [n.table("SUBMISSIONS_TABLE")]),
        _allow("FindUnfinishedSubmissions", ["dynamodb:Query"],
               [n.table("SUBMISSIONS_TABLE", "by_unfinished")]),
        _allow("ReadCustomerWriter", ["dynamodb:GetItem"], [n.table("CUSTOMERS_TABLE")]),
        _list_customer_shard(n),
        _allow("RedriveWorkflow", ["states:StartExecution"], [n.machine]),
        _allow("ReadWorkflowExecutions", ["states:DescribeExecution"], [n.executions]),
    ]


_STATEMENTS: dict[str, Callable[[Names], list[Statement]]] = {
    API_HANDLER: _api,
    AUTHORIZER: _authorizer,
    "start_workflow": _start_workflow,
    "record_workflow_end": _record_workflow_end,
    RECONCILER: _reconciler,
}


def policy_file(stage: str, function: str) -> str:
    return f"policy-{stage}-{function}.json"


def policy(stage: Stage, function: str) -> dict[str, Any]:
    names = Names(stage)
    return {"Version": "2012-10-17",
            "Statement": [*_ground(names, function), *_STATEMENTS[function](names)]}


def rendered(root: Path = ROOT) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for stage_name in deployable_stages(root):
        stage = load_stage(stage_name, root)
        for function in FUNCTIONS:
            text = json.dumps(policy(stage, function), indent=2) + "\n"
            files[root / ".chalice" / policy_file(stage_name, function)] = text
    return files


def stale(root: Path = ROOT) -> list[Path]:
    return [p for p, text in rendered(root).items() if not p.exists() or p.read_text() != text]


def main() -> int:
    for path, text in rendered().items():
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
