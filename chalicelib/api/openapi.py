"""The OpenAPI 3.1 document of every route, body and error, generated from the pydantic models.

`python -m chalicelib.api.openapi` writes it to chalicelib/api/openapi.json, from which the console's
TypeScript types are generated; a test fails when the checked-in copy is stale.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from chalicelib import __version__
from chalicelib.api import meta, schemas
from chalicelib.customers import routes as customer_routes
from chalicelib.customers import schemas as customers
from chalicelib.errors import (
    AlreadyExistsError,
    AppError,
    ForbiddenError,
    FunctionFailedError,
    GatewayTimeoutError,
    IdempotencyKeyInUseError,
    IdempotencyKeyInvalidError,
    IdempotencyKeyReusedError,
    InsufficientRoleError,
    InvalidCursorError,
    InvalidIdError,
    InvalidRequestError,
    MalformedJsonError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    QuotaExceededError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthenticatedError,
    UnsupportedMediaTypeError,
)
from chalicelib.http.operations import Errors, Operation
from chalicelib.identity.roles import ROLES
from chalicelib.workflow import routes as workflow_routes
from chalicelib.workflow import schemas as workflow

CHECKED_IN = Path(__file__).resolve().parent / "openapi.json"

# What any operation can meet besides its own errors: the HTTP edge (chalicelib/api/edge.py, Chalice)
# and API Gateway in front of it (backend/infra/gateway-responses.json).
_PUBLIC_ERRORS: Errors = (
    MethodNotAllowedError, PayloadTooLargeError, UnsupportedMediaTypeError,
    TooManyRequestsError, AppError, FunctionFailedError, GatewayTimeoutError,
)
# ...and what a credentialed operation meets on top: the authorizer, the role check, the usage plan's
# quota, the data store.
_KEYED_ERRORS: Errors = (
    *_PUBLIC_ERRORS, UnauthenticatedError, ForbiddenError, InsufficientRoleError, QuotaExceededError,
    ServiceUnavailableError,
)
_IDEMPOTENCY_ERRORS: Errors = (
    IdempotencyKeyInvalidError, IdempotencyKeyInUseError, IdempotencyKeyReusedError,
)


def operations() -> tuple[Operation, ...]:
    """Every route, as its feature declares it, in the order the document lists them."""
    return (*meta.routes.operations, *customer_routes.routes.operations, *workflow_routes.routes.operations)


def all_errors(op: Operation) -> Errors:
    """The operation's own errors, then what the edge and API Gateway can answer on it."""
    return (
        *op.errors,
        *(_IDEMPOTENCY_ERRORS if op.idempotent else ()),
        *(_PUBLIC_ERRORS if op.public else _KEYED_ERRORS),
    )


_IDEMPOTENCY_KEY = {"$ref": "#/components/parameters/IdempotencyKey"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_MODELS: tuple[type[BaseModel], ...] = (
    customers.Customer, customers.CustomerPage, customers.BatchCreateRequest, customers.BatchCreateResult,
    schemas.Health, schemas.AuthConfig, schemas.Error, workflow.SubmitRequest, workflow.SubmissionAccepted,
    workflow.Submission, workflow.SubmissionList,
)

# What each code means to a caller; the codes and statuses themselves come from chalicelib/errors.py.
_MEANINGS: dict[type[AppError], str] = {
    InvalidIdError: "the customer ID breaks the rule (components.schemas.CustomerId)",
    InvalidRequestError: "a parameter or the body does not fit; `message` says which",
    MalformedJsonError: "the body is missing, not JSON, or too deep, long or large to parse",
    InvalidCursorError: "the cursor did not come from this API's previous page",
    IdempotencyKeyInvalidError: "the `Idempotency-Key` is empty, too long or not printable ASCII",
    UnauthenticatedError: "no credential, or a token that is not valid (expired, forged, another pool's): "
                          "sign in again",
    ForbiddenError: "the `x-api-key` is not one of the stage's keys",
    InsufficientRoleError: "signed in, but your role may not do this (`x-roles` lists who may)",
    NotFoundError: "no such customer ID or submission",
    MethodNotAllowedError: "the path has no such method; `Allow` lists the ones it has",
    AlreadyExistsError: "the ID exists already; it was not changed",
    IdempotencyKeyInUseError: "a request with this `Idempotency-Key` is still running; retry after it",
    IdempotencyKeyReusedError: "this `Idempotency-Key` was used with another method, path or body",
    PayloadTooLargeError: "the body is over the size limit",
    UnsupportedMediaTypeError: "the body is not `application/json`",
    TooManyRequestsError: "the stage's or the key's request rate is exceeded (API Gateway)",
    QuotaExceededError: "the key's quota for the usage plan's period is used up (API Gateway)",
    AppError: "an unexpected error; it is logged, no details are given",
    FunctionFailedError: "the function failed or was stopped before it answered (API Gateway)",
    ServiceUnavailableError: "the data store, the event bus or the sign-in keys are throttling, slow or down",
    GatewayTimeoutError: "no answer from the function in time (API Gateway)",
}

_HEADERS: dict[str, dict[str, Any]] = {
    "Location": {"description": "The URL of what was created (relative to the API's host).",
                 "schema": {"type": "string", "format": "uri-reference"}},
    "Retry-After": {"description": "Seconds to wait before sending the request again.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "Allow": {"description": "The methods this path has.", "schema": {"type": "string"}},
    "WWW-Authenticate": {"description": "How to authenticate: `Bearer` (a person's access token).",
                         "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "Present on the stored answer of an earlier request with the same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(m, "validation") for m in _MODELS], ref_template="#/components/schemas/{model}"
    )
    found: dict[str, Any] = top["$defs"]
    found["CustomerId"] = TypeAdapter(customers.CustomerId).json_schema()
    # The rule, documented once; a submission breaking it is still parsed, then refused as invalid_id.
    for model in ("Customer", "SubmitRequest", "SubmissionAccepted"):
        found[model]["properties"]["id"] = _ref("CustomerId")
    return found


def _idempotency_key_parameter() -> dict[str, Any]:
    schema = TypeAdapter(schemas.IdempotencyKey).json_schema()
    return {"name": "Idempotency-Key", "in": "header", "required": False,
            "description": schema.pop("description"), "schema": schema}


def _header(name: str, required: bool) -> dict[str, Any]:
    return {**_HEADERS[name], "required": required}


def _success(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response:
        success["content"] = {"application/json": {"schema": _ref(op.response)}}
    elif op.path == "/openapi.json":
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    headers = {name: _header(name, required=True) for name in op.headers}
    if op.idempotent:
        headers["Idempotent-Replayed"] = _header("Idempotent-Replayed", required=False)
    if headers:
        success["headers"] = headers
    return success


def _error(status: int, kinds: list[type[AppError]]) -> dict[str, Any]:
    """One status's answer: its codes and what each means, and the headers that come with them."""
    codes = "".join(f"\n- `{kind.code}`: {_MEANINGS[kind]}" for kind in kinds)
    response: dict[str, Any] = {
        "description": f"{HTTPStatus(status).phrase}{codes}",
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    headers: dict[str, Any] = {}
    retrying = [kind.retry_after_seconds is not None for kind in kinds]
    if any(retrying):
        headers["Retry-After"] = _header("Retry-After", required=all(retrying))
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        headers["Allow"] = _header("Allow", required=True)
    challenging = [kind.challenge is not None for kind in kinds]
    if any(challenging):
        headers["WWW-Authenticate"] = _header("WWW-Authenticate", required=all(challenging))
    if headers:
        response["headers"] = headers
    return response


def _responses(op: Operation) -> dict[str, Any]:
    by_status: dict[int, list[type[AppError]]] = {}
    for kind in all_errors(op):
        same = by_status.setdefault(kind.status, [])
        # An error that is both the operation's own and the edge's is described once.
        if all(k.code != kind.code for k in same):
            same.append(kind)
    responses: dict[str, Any] = {str(op.status): _success(op)}
    for status in sorted(by_status):
        responses[str(status)] = _error(status, by_status[status])
    return responses


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "responses": _responses(op),
        "security": [] if op.public else [{"apiKey": []}, {"bearer": []}],
    }
    if op.role is not None:
        spec["x-roles"] = list(ROLES[ROLES.index(op.role):])
    parameters = [*op.parameters, *([_IDEMPOTENCY_KEY] if op.idempotent else [])]
    if parameters:
        spec["parameters"] = parameters
    if op.body:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body)}},
        }
    return spec


_DESCRIPTION = """Every error is `{"error": {"code", "message"}}` with a stable snake_case `code`,
whoever answers: the API or API Gateway in front of it. Each response below lists its codes.
People send `Authorization: Bearer <access token>` (see GET /auth/config), machines `x-api-key`;
each operation's `x-roles` lists the roles that may call it (the key acts as admin).
A 429, 503 or 504 carries `Retry-After` (seconds; a 429 `quota_exceeded` does not: the key's
quota resets with the usage plan's period). Writes take an optional `Idempotency-Key`: send the
same key when you retry, and the first answer comes back instead of a second write."""


@cache
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in operations():
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer IDs API",
            "version": __version__,
            "description": _DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        # Relative to where this document is served: the stage's base URL in AWS (/api/openapi.json
        # -> /api/), the server itself locally.
        "servers": [{"url": ".", "description": "The API that serves this document"}],
        "paths": paths,
        "components": {
            "schemas": _component_schemas(),
            "parameters": {"IdempotencyKey": _idempotency_key_parameter()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                           "description": "A person's Cognito access token (sign in: GET /auth/config). "
                                          "Their role is their highest group: viewer, operator or admin."},
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key",
                           "description": "A machine's API key of the stage's usage plan; it acts as admin."},
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKED_IN
    target.write_text(render())
