"""The OpenAPI 3.1 document of every route, body and error, generated from the pydantic models.

`python -m chalicelib.openapi` writes it to backend/openapi.json, from which the console's
TypeScript types are generated; a test fails when the checked-in copy is stale.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from chalicelib import __version__
from chalicelib.api import schemas
from chalicelib.customers import DEFAULT_PAGE_SIZE, ID_MAX_LENGTH, MAX_PAGE_SIZE
from chalicelib.submissions import DEFAULT_RECENT, MAX_RECENT, SUBMISSION_ID_PATTERN

OPTIONAL_PREFIX_PATTERN = rf"^[A-Za-z0-9_-]{{0,{ID_MAX_LENGTH}}}$"
CHECKED_IN = Path(__file__).resolve().parent.parent / "backend" / "openapi.json"

_ERRORS = {
    400: "Invalid input: the ID, a parameter, the cursor or the body (`code` says which)",
    403: "Missing or wrong API key (`forbidden`)",
    404: "No such customer ID or submission (`not_found`)",
    405: "Method not allowed on this path",
    409: "The ID exists already; it was not changed (`already_exists`)",
    413: "Body too large",
    415: "Body is not application/json",
    500: "Internal error (logged; no details leak)",
    503: "Data store throttled or unavailable; retry after `Retry-After` seconds",
}
_ALWAYS = (403, 405, 413, 415, 500, 503)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    status: int
    response: str | None  # a component schema name, or None for no body
    errors: tuple[int, ...] = ()
    public: bool = False
    body: str | None = None
    parameters: list[dict[str, Any]] = field(default_factory=list)
    headers: tuple[str, ...] = ()


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": _ref("CustomerId")}
_LIST_PARAMS = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}},
    {"name": "cursor", "in": "query", "required": False,
     "description": "Opaque; the `nextCursor` of the previous page with the same prefix.",
     "schema": {"type": "string"}},
    {"name": "prefix", "in": "query", "required": False,
     "description": "Only IDs starting with this text (case-sensitive); empty means no filter.",
     "schema": {"type": "string", "pattern": OPTIONAL_PREFIX_PATTERN}},
]
_SUBMISSION_PARAM = {"name": "submissionId", "in": "path", "required": True,
                     "schema": {"type": "string", "pattern": SUBMISSION_ID_PATTERN}}
_RECENT_PARAMS = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RECENT, "default": DEFAULT_RECENT}},
]

OPERATIONS = (
    Operation("get", "/health", "getHealth", "Liveness, stage and version", 200, "Health", public=True),
    Operation("get", "/openapi.json", "getOpenApi", "This document", 200, None, public=True),
    Operation("put", "/customers/{id}", "createCustomer", "Create a customer ID (never overwrites)",
              201, "Customer", (400, 409), parameters=[_ID_PARAM], headers=("Location",)),
    Operation("get", "/customers/{id}", "getCustomer", "Read a customer ID", 200, "Customer",
              (400, 404), parameters=[_ID_PARAM]),
    Operation("delete", "/customers/{id}", "deleteCustomer", "Delete a customer ID", 204, None,
              (400, 404), parameters=[_ID_PARAM]),
    Operation("get", "/customers", "listCustomers", "List IDs in order, a page at a time", 200,
              "CustomerPage", (400,), parameters=_LIST_PARAMS),
    Operation("post", "/customers/batch", "createCustomers",
              "Create up to 1000 IDs; each gets exactly one outcome", 200, "BatchCreateResult", (400,),
              body="BatchCreateRequest"),
    Operation("post", "/workflow/submit", "submitWorkflow",
              "Submit an ID to the customers-workflow; follow it at `Location`", 202,
              "SubmissionAccepted", (400,), body="SubmitRequest", headers=("Location",)),
    Operation("get", "/workflow/submissions/{submissionId}", "getSubmission",
              "A submission's status and outcome", 200, "Submission", (404,),
              parameters=[_SUBMISSION_PARAM]),
    Operation("get", "/workflow/submissions", "listSubmissions", "The most recent submissions, newest first",
              200, "SubmissionList", (400,), parameters=_RECENT_PARAMS),
)

_MODELS: tuple[type[BaseModel], ...] = (
    schemas.Customer, schemas.CustomerPage, schemas.BatchCreateRequest, schemas.BatchCreateResult,
    schemas.Health, schemas.Error, schemas.SubmitRequest, schemas.SubmissionAccepted, schemas.Submission,
    schemas.SubmissionList,
)


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(m, "validation") for m in _MODELS], ref_template="#/components/schemas/{model}"
    )
    found: dict[str, Any] = top["$defs"]
    found["CustomerId"] = TypeAdapter(schemas.CustomerId).json_schema()
    # The rule, documented once; a submission breaking it is still parsed, then refused as invalid_id.
    for model in ("Customer", "SubmitRequest", "SubmissionAccepted"):
        found[model]["properties"]["id"] = _ref("CustomerId")
    return found


def _responses(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response:
        success["content"] = {"application/json": {"schema": _ref(op.response)}}
    elif op.path == "/openapi.json":
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    if op.headers:
        success["headers"] = {h: {"schema": {"type": "string"}} for h in op.headers}
    responses: dict[str, Any] = {str(op.status): success}
    for status in sorted({*op.errors, *([] if op.public else _ALWAYS), 500}):
        error: dict[str, Any] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        if status == 503:
            error["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
        responses[str(status)] = error
    return responses


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "responses": _responses(op),
        "security": [] if op.public else [{"apiKey": []}],
    }
    if op.parameters:
        spec["parameters"] = op.parameters
    if op.body:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body)}},
        }
    return spec


@cache
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer IDs API",
            "version": __version__,
            "description": "Every error is `{\"error\": {\"code\", \"message\"}}`.",
        },
        "paths": paths,
        "components": {
            "schemas": _component_schemas(),
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKED_IN
    target.write_text(render())
