"""Shared by every test level: never reach real AWS, whatever the machine's environment says."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fresh_id(prefix: str = "t") -> str:
    """A random valid customer ID, so tests never collide with each other or with old data."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    from chalicelib import aws, config, wiring

    config.reset()
    aws.reset()
    wiring.reset()
