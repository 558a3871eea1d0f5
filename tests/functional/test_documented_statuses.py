"""Every status the app answers on an operation is in the OpenAPI document, with its declared headers.

Each operation gets the requests a caller can get wrong or meet by bad luck (no credential, a wrong
key, a role without the operation, wrong media type,
too large, a bad ID or parameter, something missing or existing, a malformed or reused
Idempotency-Key, a hostile body, a throttling data store), through chalice.test.Client against
in-process moto. What comes back must be documented for that operation, and each status the
document promises from the app (not API Gateway's) must be reachable: the document neither omits
nor invents. API Gateway's own answers are checked against the document in
tests/infra/test_gateway_responses.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from chalice.test import Client

from backend.local.unique import fresh_id
from chalicelib import errors, wiring
from chalicelib.api.openapi import all_errors, document, operations
from chalicelib.config import read_settings
from chalicelib.http.operations import Operation
from chalicelib.identity.roles import ROLES
from tests.clients import clients, throttling
from tests.functional.conftest import NO_ROLE, Api

Answer = tuple[int, Any, dict[str, str]]
Stimulus = Callable[[Api, Api], Answer]


@dataclass(frozen=True)
class Callers:
    """Who else calls, besides the key (`api`) and no one (`anonymous`)."""

    wrong_key: Api
    least_role: Api  # signed in with the role just below the operation's (or in no group)

# Answered only by API Gateway in AWS, or only by the idempotency layer under contention: not
# reachable through the test client, so not required to be seen here.
_NOT_REACHABLE_HERE = {
    errors.TooManyRequestsError, errors.QuotaExceededError, errors.FunctionFailedError,
    errors.GatewayTimeoutError, errors.IdempotencyKeyInUseError, errors.AppError,
}


@pytest.fixture
def stage_variables() -> dict[str, str]:
    """\"Store down\" is retried until the request's budget ends, for each operation: 1 s proves it
    as well as the stage's 4."""
    return {"REQUEST_BUDGET_SECONDS": "1"}


def _with_store_down(api: Api, op: Operation) -> Answer:
    path = _path(op, api)
    undo = [clients().on_every_attempt(service, f"before-send.{service}", throttling)
            for service in ("dynamodb", "events")]
    try:
        return _send(api, op, path)
    finally:
        for undo_one in undo:
            undo_one()


def _valid_body(op: Operation) -> Any:
    return {"ids": [fresh_id()]} if op.body == "BatchCreateRequest" else {"id": fresh_id()}


def _path(op: Operation, api: Api, customer_id: str | None = None) -> str:
    """The operation's path with its parameters filled by something that exists."""
    if "{id}" in op.path:
        customer_id = customer_id or fresh_id()
        if op.method != "put":
            api.put(f"/customers/{customer_id}")
        return op.path.replace("{id}", customer_id)
    if "{submissionId}" in op.path:
        submission = api.post("/workflow/submit", body={"id": fresh_id()})[1]["submissionId"]
        return op.path.replace("{submissionId}", submission)
    return op.path


def _send(api: Api, op: Operation, path: str | None = None, **kw: Any) -> Answer:
    if op.body and "body" not in kw and "raw" not in kw:
        kw["body"] = _valid_body(op)
    return api.request(op.method.upper(), path or _path(op, api), **kw)


def _generic(op: Operation, callers: Callers) -> dict[str, Stimulus]:
    """What any caller can send any operation."""
    too_large = "x" * (read_settings().max_body_bytes + 1)
    deep = "[" * 100_000 + "]" * 100_000
    key = fresh_id("key")
    stimuli: dict[str, Stimulus] = {
        "as documented": lambda api, _: _send(api, op),
        "without a credential": lambda api, anonymous: _send(anonymous, op, _path(op, api)),
        "a wrong key": lambda api, _: _send(callers.wrong_key, op, _path(op, api)),
        "a role without it": lambda api, _: _send(callers.least_role, op, _path(op, api)),
        "body too large": lambda api, _: _send(api, op, raw=too_large),
        "not JSON": lambda api, _: _send(api, op, raw="{}", headers={"content-type": "text/plain"}),
        "store down": lambda api, _: _with_store_down(api, op),
    }
    if op.body:
        stimuli["malformed body"] = lambda api, _: _send(api, op, raw="{not json")
        stimuli["hostile body"] = lambda api, _: _send(api, op, raw=deep)
    if op.idempotent:
        stimuli["key too long"] = lambda api, _: _send(api, op, headers={"idempotency-key": "k" * 256})
        stimuli["key reused for another request"] = lambda api, _: (
            _send(api, op, headers={"idempotency-key": key}),
            _send(api, op, headers={"idempotency-key": key}),
        )[1]
    return stimuli


def _without_sign_in(api: Api) -> Answer:
    """A stage whose user pool is not set up (or not readable): installed for the rest of the test."""
    wiring.install(wiring.Services(settings=replace(read_settings(), cognito_user_pool_id=None)))
    return api.get("/auth/config")


_SPECIFIC: dict[str, dict[str, Stimulus]] = {
    "getAuthConfig": {"sign-in not set up": lambda api, _: _without_sign_in(api)},
    "createCustomer": {
        "invalid ID": lambda api, _: api.put("/customers/no"),
        "existing ID": lambda api, _: (lambda i: (api.put(f"/customers/{i}"), api.put(f"/customers/{i}"))[1])(
            fresh_id()
        ),
    },
    "getCustomer": {
        "invalid ID": lambda api, _: api.get("/customers/no"),
        "missing ID": lambda api, _: api.get(f"/customers/{fresh_id()}"),
    },
    "deleteCustomer": {
        "invalid ID": lambda api, _: api.delete("/customers/no"),
        "missing ID": lambda api, _: api.delete(f"/customers/{fresh_id()}"),
    },
    "listCustomers": {
        "bad limit": lambda api, _: api.get("/customers?limit=0"),
        "foreign cursor": lambda api, _: api.get("/customers?cursor=not-a-cursor"),
    },
    "createCustomers": {"no IDs": lambda api, _: api.post("/customers/batch", body={"ids": []})},
    "submitWorkflow": {"invalid ID": lambda api, _: api.post("/workflow/submit", body={"id": "no"})},
    "getSubmission": {"missing": lambda api, _: api.get(f"/workflow/submissions/{fresh_id()}")},
    "listSubmissions": {"bad limit": lambda api, _: api.get("/workflow/submissions?limit=0")},
}


def _required_headers(response: dict[str, Any]) -> set[str]:
    return {name.lower() for name, header in response.get("headers", {}).items() if header["required"]}


@pytest.mark.parametrize("op", operations(), ids=lambda op: op.operation_id)
def test_every_answer_is_documented_and_every_documented_answer_happens(
    op: Operation, api: Api, anonymous: Api, as_role: dict[str, Api], chalice_client: Client
) -> None:
    documented = document()["paths"][op.path][op.method]["responses"]
    below = ROLES.index(op.role) - 1 if op.role else -1
    callers = Callers(Api(chalice_client, key="not-a-key-of-this-stage"),
                      as_role[ROLES[below]] if below >= 0 else as_role[NO_ROLE])
    stimuli = {**_generic(op, callers), **_SPECIFIC.get(op.operation_id, {})}
    seen: dict[int, str] = {}

    for name, stimulus in stimuli.items():
        status, body, headers = stimulus(api, anonymous)

        assert str(status) in documented, f"{name}: {status} {json.dumps(body)[:200]} is not documented"
        missing = _required_headers(documented[str(status)]) - {h.lower() for h in headers}
        assert not missing, f"{name}: {status} lacks the documented {missing}"
        seen.setdefault(status, name)

    wrong_method = "POST" if op.method != "post" else "PUT"
    status, _, headers = api.request(wrong_method, _path(op, api))
    assert status == 405 and "405" in documented and "Allow" in headers
    seen[405] = "wrong method"
    reachable = {op.status} | {k.status for k in all_errors(op) if k not in _NOT_REACHABLE_HERE}
    assert reachable <= set(seen), f"documented but never answered: {reachable - set(seen)}"
