"""Shared by every test level: never reach real AWS, whatever the machine's environment says."""

from __future__ import annotations

import os

import pytest

from backend.local.botocore_sessions import share_model_files_across_sessions
from backend.local.emulator import lighten_moto
from backend.local.gc_tuning import collect_garbage_less_often

for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    CURSOR_SECRET="test-cursor-secret",
)

lighten_moto()  # the in-process moto of every test, as the emulator's
collect_garbage_less_often()  # in every pytest process, as in the local stack's
share_model_files_across_sessions()  # moto builds sessions of its own, tests by the hundred

API_KEY = "test-api-key"
# True while the session's local stack (root conftest.py) runs its emulator in this process.
STACK_RUNNING = pytest.StashKey[bool]()


@pytest.fixture(scope="session", autouse=True)
def _local_data_of_our_own(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`make dev` run by a test keeps its data here, never in the developer's .local-data/."""
    os.environ["LOCAL_DATA_DIR"] = str(tmp_path_factory.mktemp("local-data"))


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    from chalicelib import wiring

    wiring.reset()
