"""`make smoke` against the local stack, so the release pipeline's gate cannot rot.

Locally it cannot check what only AWS adds: the API key is enforced by the local gateway, not API
Gateway, and the console's security headers come from CloudFront's response headers policy, which
the Vite dev server does not have (so the console part checks index.html only).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from backend.deploy.smoke import Answer, Smoke, SmokeError
from backend.local.devstack import FRONTEND, DevStack
from tests.conftest import API_KEY
from tests.infra.conftest import ROOT


def test_make_smoke_passes_against_the_local_stack(stack: DevStack) -> None:
    # GIVEN the local stack, with its console when it is installed
    console = []
    if (FRONTEND / "node_modules" / ".bin" / "vite").exists():
        stack.start_web(built=True)  # as released
        console = ["--console-url", stack.web_url, "--no-security-headers"]
    # WHEN make smoke's command runs against it
    run = subprocess.run(
        [sys.executable, "-m", "backend.deploy.smoke", "--stage", "local", "--api-url", stack.api_url,
         "--workflow-seconds", "60", *console],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "SMOKE_API_KEY": API_KEY}, capture_output=True, text=True,
        timeout=120, check=False,
    )
    # THEN every check passed, the submission reached a final status and the console answered
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok  GET /health: 200" in run.stdout
    assert "DELETE /customers/smoke-" in run.stdout
    assert "submission " in run.stdout
    if console:
        assert "ok  GET console /: 200" in run.stdout


def test_smoke_fails_on_a_wrong_key(stack: DevStack) -> None:
    # GIVEN the local stack and a key it does not know  WHEN the smoke runs  THEN it fails, naming the call
    smoke = Smoke(stack.api_url, "not-the-key")
    smoke.health()
    try:
        smoke.keyed_round_trip()
    except SmokeError as error:
        assert "PUT /customers/smoke-" in str(error) and "403" in str(error)
    else:
        raise AssertionError("a wrong key passed the smoke")


def test_console_check_wants_every_security_header() -> None:
    # GIVEN a console answer that lacks CloudFront's frame header
    headers = {"content-type": "text/html", "strict-transport-security": "max-age=63072000",
               "content-security-policy": "default-src 'self'", "x-content-type-options": "nosniff"}

    def answer(*_args: object) -> Answer:
        return Answer(200, headers, b'<div id="root"></div>')

    # WHEN the console part runs  THEN it names the missing header
    try:
        Smoke("http://api.invalid", "k", request=answer).console("https://console.invalid")
    except SmokeError as error:
        assert "x-frame-options" in str(error)
    else:
        raise AssertionError("a missing header passed")


def _edge_answers(no_credential: Answer) -> Callable[..., Answer]:
    config = b'{"region": "eu-west-1", "userPoolId": "eu-west-1_x", "clientId": "c", "endpoint": "https://e/"}'

    def answer(method: str, url: str, *_args: object) -> Answer:
        return Answer(200, {}, config) if url.endswith("/auth/config") else no_credential

    return answer


def test_edge_check_wants_the_authorizer_s_401_for_a_request_without_credentials() -> None:
    # GIVEN an API whose authorizer refuses a request with no credential in our shape
    body = b'{"error": {"code": "unauthenticated", "message": "m"}}'
    refused = Answer(401, {"www-authenticate": "Bearer"}, body)
    smoke = Smoke("http://api.invalid", "k", request=_edge_answers(refused))
    # WHEN the edge check runs  THEN it passes, with sign-in configured
    smoke.edge()
    assert smoke.passed == ["GET /customers?limit=1 without a credential: 401", "GET /auth/config: 200"]

    # GIVEN an API deployed without the edge's Swagger: the key check answers first, 403
    forbidden = Answer(403, {}, b'{"error": {"code": "forbidden", "message": "m"}}')
    # WHEN the edge check runs  THEN it fails, naming the call
    try:
        Smoke("http://api.invalid", "k", request=_edge_answers(forbidden)).edge()
    except SmokeError as error:
        assert "without a credential: expected 401, got 403" in str(error)
    else:
        raise AssertionError("a key check answering first passed the edge check")
