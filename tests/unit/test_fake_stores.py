"""The fakes the domain tests use keep the same contracts as the DynamoDB stores (tests/contracts.py)."""

from __future__ import annotations

import pytest

from chalicelib.customers.domain import CustomerStore
from chalicelib.workflow.submissions import SubmissionStore
from tests.contracts import CustomerStoreContract, SubmissionStoreContract
from tests.fakes import InMemoryCustomerStore
from tests.workflow_fakes import InMemorySubmissionStore


class TestFakeCustomerStore(CustomerStoreContract):
    @pytest.fixture
    def store(self) -> CustomerStore:
        return InMemoryCustomerStore()


class TestFakeSubmissionStore(SubmissionStoreContract):
    @pytest.fixture
    def store(self) -> SubmissionStore:
        return InMemorySubmissionStore()
