"""Starting the customers-workflow and reading what it did: the execution's input contract, the
Step Functions calls, and the one question the customers table answers (did this submission insert?).

The state machine (workflow/definition.py) reads exactly the fields `workflow_input` writes. It
gets from our Python what Amazon States Language cannot work out: the verdict of the ID rule
(ASL has no regular expressions) and the item to insert, in the very shape the API stores
(chalicelib/customers/store.py), so a customer created by the workflow is indistinguishable from one
created by `PUT /customers/{id}` except for `source`; its `createdBy` is the submitter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from chalicelib.customers.domain import Customer
from chalicelib.customers.store import ShardDirectory, to_item
from chalicelib.workflow.submissions import WorkflowRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_stepfunctions import SFNClient


def state_machine_arn(function_arn: str, name: str) -> str:
    """The ARN of state machine `name` in the account and region of Lambda function `function_arn`."""
    parts = function_arn.split(":")  # arn:partition:lambda:region:account:function:name[:alias]
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "lambda":
        raise ValueError(f"not a Lambda function ARN: {function_arn!r}")
    return f"arn:{parts[1]}:states:{parts[3]}:{parts[4]}:stateMachine:{name}"


def execution_arn(state_machine_arn: str, name: str) -> str:
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"


def _millis(moment: object) -> int | None:
    return int(moment.timestamp() * 1000) if isinstance(moment, datetime) else None


def workflow_input(request: WorkflowRequest) -> dict[str, Any]:
    candidate = request.candidate
    item = None
    if request.problem is None and isinstance(candidate, str):
        # The submission ID is the write token: a retried put that finds its own item knows it.
        customer = Customer(candidate, request.requested_at, "workflow", request.submitted_by)
        item = to_item(customer, request.submission_id)
    return {
        "submissionId": request.submission_id,
        "id": candidate if isinstance(candidate, str) else json.dumps(candidate),
        "submittedAt": request.submitted_at,
        "valid": item is not None,
        "problem": request.problem,
        "item": item,
    }


class StepFunctionsStarter:
    def __init__(self, client: Callable[[], SFNClient], directory: ShardDirectory) -> None:
        self._client = client  # a getter: only the function that starts executions builds the client
        self._directory = directory

    def start(self, state_machine_arn: str, request: WorkflowRequest) -> bool:
        execution_input = workflow_input(request)
        if execution_input["item"] is not None:
            # The execution puts the item: its shard must be listed first, as for every writer.
            self._directory.ensure_listed([execution_input["item"]["shard"]["S"]])
        try:
            self._client().start_execution(
                stateMachineArn=state_machine_arn,
                # Named after the submission: a redelivered event cannot start a second execution
                # (Step Functions keeps a standard workflow's execution names for 90 days).
                name=request.submission_id,
                input=json.dumps(execution_input, separators=(",", ":")),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def describe(self, state_machine_arn: str, name: str) -> dict[str, Any] | None:
        """The execution named `name`, shaped like a status-change event's detail; None if absent."""
        try:
            found = self._client().describe_execution(executionArn=execution_arn(state_machine_arn, name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return None
            raise
        return {
            "name": found["name"],
            "status": found["status"],
            "startDate": _millis(found.get("startDate")),
            "stopDate": _millis(found.get("stopDate")),
            "output": found.get("output"),
            "error": found.get("error"),
            "cause": found.get("cause"),
        }


class DynamoInsertLedger:
    """Reads the customers table's `writeToken`: the one witness of who inserted an ID."""

    def __init__(self, client: DynamoDBClient, customers_table: str) -> None:
        self._client = client
        self._table = customers_table

    def inserted_by(self, customer_id: str, write_token: str) -> bool:
        response = self._client.get_item(
            TableName=self._table,
            Key={"id": {"S": customer_id}},
            ProjectionExpression="writeToken",
            ConsistentRead=True,
        )
        token = response.get("Item", {}).get("writeToken", {}).get("S")
        return bool(token == write_token)
