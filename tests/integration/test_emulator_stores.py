"""The DynamoDB stores on the running emulator (over HTTP, as the local API uses them), held to the
same contracts as the fakes and in-process moto (tests/contracts.py).

Their tables are this module's own, made from the stage's template (backend/infra/data.json) with
fresh names: the stack's glue reconciles whatever is unfinished in the stack's submissions table,
and would move these tests' submissions on behind their back.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from backend.local.devstack import DevStack
from chalicelib.customers.domain import CustomerStore
from chalicelib.customers.store import DynamoCustomerStore
from chalicelib.workflow.store import DynamoSubmissionStore
from chalicelib.workflow.submissions import SubmissionStore
from tests.contracts import DynamoCustomerStoreContract, SubmissionStoreContract

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


class TestEmulatorSubmissionStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self, stack: DevStack, tables: dict[str, str]) -> SubmissionStore:
        return DynamoSubmissionStore(stack.client("dynamodb"), tables["SubmissionsTableName"])
