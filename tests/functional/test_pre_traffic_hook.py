"""The canary's pre-traffic hook (backend/deploy/pre_traffic_hook.py) against the real app in-process:
its proxy events are ones the API handler answers, and a broken version fails the hook."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from chalice.local import LambdaContext
from chalice.test import Client

from backend.deploy import pre_traffic_hook


def _invoke_through(client: Client) -> Any:
    """Lambda's Invoke, answered by the API handler in this process (what the new version would do)."""

    def invoke(FunctionName: str, Payload: bytes) -> dict[str, Any]:
        from app import app  # the handler chalice package names app.app

        answer = app(json.loads(Payload), LambdaContext("api_handler", memory_size=512))
        return {"Payload": io.BytesIO(json.dumps(answer).encode())}

    return invoke


def test_the_hook_passes_on_a_working_version(chalice_client: Client) -> None:
    # GIVEN the API handler as the new version  WHEN the hook's checks run
    passed = pre_traffic_hook.checks(_invoke_through(chalice_client), "customer-ids-prod-api:7")
    # THEN health and the keyed round trip each answered what they should
    assert passed[0] == "GET /health: 200"
    assert [p.split(" ")[0] for p in passed] == ["GET", "PUT", "GET", "DELETE", "GET"]


def test_the_hook_fails_a_version_that_errs() -> None:
    # GIVEN a version whose every invocation fails
    def broken(FunctionName: str, Payload: bytes) -> dict[str, Any]:
        return {"FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"errorMessage": "boom"}')}

    # WHEN the checks run  THEN they stop at the first call, naming it
    with pytest.raises(RuntimeError, match="GET /health: Unhandled"):
        pre_traffic_hook.checks(broken, "customer-ids-prod-api:8")
