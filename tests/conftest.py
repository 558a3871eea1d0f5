"""Shared by every test level: never reach real AWS, whatever the machine's environment says."""

from __future__ import annotations

import os

import pytest

# Moved to backend.local.unique (bench/ needs them and may not import tests/). Still importable from
# here only for bench/api_bench.py and tests/functional/test_workflow_handlers.py, whose owners change
# their imports; then drop these two lines.
from backend.local.unique import free_port as free_port
from backend.local.unique import fresh_id as fresh_id

for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    CURSOR_SECRET="test-cursor-secret",
)

API_KEY = "test-api-key"
# True while the session's local stack (root conftest.py) runs its emulator in this process.
STACK_RUNNING = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    from chalicelib import aws, config, wiring

    config.reset()
    aws.reset()
    wiring.reset()
