"""A client generated from chalicelib/api/openapi.json (openapi-python-client) works end to end.

Against the running stack it completes a round trip through every operation, strictly
(`raise_on_unexpected_status`): an answer the document omits would raise UnexpectedStatus. Against
a stand-in for API Gateway that answers exactly what deploy.sh configures (the rendered gateway
responses: status, headers, body), every operation parses 429, 502, 504 and the rest into the
document's Error, with Retry-After where the gateway sends it.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from backend.deploy import templates
from backend.deploy.stage import load_stage
from backend.local.devstack import DevStack
from backend.local.unique import fresh_id
from chalicelib.api.openapi import CHECKED_IN, operations
from chalicelib.http.operations import Operation
from tests.conftest import API_KEY

PACKAGE = "customer_ids_client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("generated")
    run = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(CHECKED_IN), "--meta", "none",
         "--output-path", str(out / PACKAGE)],
        capture_output=True, text=True, timeout=300, cwd=out,
        # The generator formats its output with ruff, found on PATH.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert run.returncode == 0 and "Warning" not in run.stdout, run.stdout + run.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _client(generated: ModuleType, base_url: str) -> Any:
    return generated.AuthenticatedClient(
        base_url=base_url, token=API_KEY, prefix="", auth_header_name="x-api-key",
        raise_on_unexpected_status=True,
    )


def _call(client: Any, operation_id: str, **kwargs: Any) -> Any:
    """The generated module of the operation, called with its full answer (status, headers, parsed)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
    module = importlib.import_module(f"{PACKAGE}.api.default.{snake}")
    return module.sync_detailed(client=client, **kwargs)


def _arguments(op: Operation) -> dict[str, Any]:
    """Arguments that fit the operation's parameters and body."""
    models = importlib.import_module(f"{PACKAGE}.models")
    arguments: dict[str, Any] = {}
    if "{id}" in op.path:
        arguments["id"] = fresh_id()
    if "{submissionId}" in op.path:
        arguments["submission_id"] = fresh_id()
    if op.body:
        fields = {"ids": [fresh_id()]} if op.body == "BatchCreateRequest" else {"id": fresh_id()}
        arguments["body"] = getattr(models, op.body)(**fields)
    return arguments


def test_a_generated_client_completes_a_round_trip(generated: ModuleType, stack: DevStack) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    client = _client(generated, stack.api_url)
    customer_id = fresh_id("gen")

    created = _call(client, "createCustomer", id=customer_id, idempotency_key=fresh_id("key"))
    assert created.status_code == 201 and created.parsed.id == customer_id
    assert created.parsed.created_at.tzinfo is not None  # parsed as a date-time
    assert created.headers["Location"].endswith(f"/customers/{customer_id}")
    assert _call(client, "createCustomer", id=customer_id).parsed.error.code == "already_exists"
    assert _call(client, "getCustomer", id=customer_id).parsed.id == customer_id
    page = _call(client, "listCustomers", prefix=customer_id).parsed
    assert [c.id for c in page.items] == [customer_id]
    batch = _call(client, "createCustomers", body=models.BatchCreateRequest(ids=[customer_id, "no"]))
    assert batch.parsed.existing == [customer_id] and batch.parsed.invalid[0].id == "no"
    accepted = _call(client, "submitWorkflow", body=models.SubmitRequest(id=fresh_id("gen")))
    assert accepted.status_code == 202
    submission = _call(client, "getSubmission", submission_id=accepted.parsed.submission_id)
    assert submission.parsed.submitted_at.tzinfo is not None
    assert _call(client, "listSubmissions", limit=5).parsed.items
    assert _call(client, "deleteCustomer", id=customer_id).status_code == 204
    assert _call(client, "getCustomer", id=customer_id).parsed.error.code == "not_found"
    assert _call(client, "getHealth").parsed.status == "ok"


class _Gateway(BaseHTTPRequestHandler):
    """Answers every request with the gateway response under test, as API Gateway would."""

    answer: ClassVar[tuple[int, dict[str, str], bytes]] = (500, {}, b"")

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        status, headers, body = self.answer
        self.send_response(status)
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _answer

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# The gateway answers a caller can meet, and the status each is sent with (DEFAULT_5XX keeps the
# status of the failure: 502 for a function that failed).
GATEWAY_ANSWERS = {"THROTTLED": 429, "QUOTA_EXCEEDED": 429, "INTEGRATION_TIMEOUT": 504,
                   "INTEGRATION_FAILURE": 504, "DEFAULT_5XX": 502, "REQUEST_TOO_LARGE": 413,
                   "INVALID_API_KEY": 403}


@pytest.mark.parametrize("response_type", GATEWAY_ANSWERS)
def test_every_operation_parses_what_api_gateway_answers(
    generated: ModuleType, gateway: str, response_type: str
) -> None:
    item = templates.gateway_responses(load_stage("prod"))[response_type]
    status = int(item.get("statusCode", GATEWAY_ANSWERS[response_type]))
    headers = {k.removeprefix("gatewayresponse.header."): v.strip("'")
               for k, v in item["responseParameters"].items()}
    body = item["responseTemplates"]["application/json"].replace("$context.error.messageString", '"Busy"')
    _Gateway.answer = (status, headers, body.encode())
    client = _client(generated, gateway)

    for op in operations():
        if op.public and response_type in ("QUOTA_EXCEEDED", "INVALID_API_KEY"):
            continue  # the usage plan and the key apply to keyed operations only
        answer = _call(client, op.operation_id, **_arguments(op))  # raises if undocumented

        assert answer.status_code == status
        assert answer.parsed.error.code == json.loads(body)["error"]["code"], op.operation_id
        assert answer.headers.get("Retry-After") == headers.get("Retry-After"), op.operation_id
