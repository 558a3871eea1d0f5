"""The DynamoDB stores on the running emulator (over HTTP, as the local API uses them), held to the
same contracts as the fakes and in-process moto (tests/contracts.py).

Their tables are this module's own, made from the stage's template (backend/infra/data.json) with
fresh names: the stack's glue reconciles whatever is unfinished in the stack's submissions table,
and would move these tests' submissions on behind their back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from backend.local.devstack import DevStack
from chalicelib.customers.domain import CustomerStore
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.workflow.store import DynamoSubmissionStore
from chalicelib.workflow.submissions import SubmissionStore
from tests.contracts import DynamoCalls, DynamoCustomerStoreContract, SubmissionStoreContract

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEMPLATE = Path(__file__).resolve().parents[2] / "backend" / "infra" / "data.json"


@pytest.fixture(scope="module")
def tables(stack: DevStack) -> dict[str, str]:
    """Template parameter -> the name of a table made for this module."""
    suffix = uuid.uuid4().hex[:8]
    names = {"CustomersTableName": f"contract_customers_{suffix}",
             "SubmissionsTableName": f"contract_submissions_{suffix}",
             "IdempotencyTableName": f"contract_idempotency_{suffix}"}
    stack.client("cloudformation").create_stack(
        StackName=f"contract-{suffix}", TemplateBody=TEMPLATE.read_text(),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in names.items()])
    return names


class TestEmulatorCustomerStore(DynamoCustomerStoreContract):
    @pytest.fixture
    def store(self, stack: DevStack, tables: dict[str, str]) -> CustomerStore:
        return DynamoCustomerStore(stack.client("dynamodb"), tables["CustomersTableName"])

    @pytest.fixture
    def empty_table(self, stack: DevStack) -> tuple[DynamoDBClient, str]:
        """The customers table's own definition (the template's), under a fresh name."""
        definition = json.loads(TEMPLATE.read_text())["Resources"]["CustomersTable"]["Properties"]
        name = f"contract_empty_{uuid.uuid4().hex[:8]}"
        client = stack.client("dynamodb")
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=definition["AttributeDefinitions"],
                            KeySchema=definition["KeySchema"],
                            GlobalSecondaryIndexes=definition["GlobalSecondaryIndexes"])
        return client, name

    @pytest.fixture
    def calls(self, stack: DevStack) -> Iterator[DynamoCalls]:
        counted = DynamoCalls()
        events = stack.client("dynamodb").meta.events
        events.register("before-call.dynamodb", counted)
        yield counted
        events.unregister("before-call.dynamodb", counted)


class TestEmulatorSubmissionStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self, stack: DevStack, tables: dict[str, str]) -> SubmissionStore:
        return DynamoSubmissionStore(stack.client("dynamodb"), tables["SubmissionsTableName"])
