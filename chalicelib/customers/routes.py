"""Customer-ID routes: each declared once (chalicelib/http/operations.py), then parse the request,
call the domain, shape the response."""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib import wiring
from chalicelib.customers.domain import DEFAULT_PAGE_SIZE, ID_MAX_LENGTH, MAX_BATCH_SIZE, MAX_PAGE_SIZE
from chalicelib.errors import (
    AlreadyExistsError,
    InvalidCursorError,
    InvalidIdError,
    InvalidRequestError,
    MalformedJsonError,
    NotFoundError,
)
from chalicelib.http.body import parse_body
from chalicelib.http.idempotency import write_token
from chalicelib.http.operations import Operation, Routes
from chalicelib.http.params import query_int, query_text
from chalicelib.identity.actor import actor_of
from chalicelib.identity.authorizer import authorize
from chalicelib.observability import count

OPTIONAL_PREFIX_PATTERN = rf"^[A-Za-z0-9_-]{{0,{ID_MAX_LENGTH}}}$"

_ID = {"name": "id", "in": "path", "required": True, "schema": {"$ref": "#/components/schemas/CustomerId"}}
_PAGE = (
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}},
    {"name": "cursor", "in": "query", "required": False,
     "description": "Opaque; the `nextCursor` of the previous page with the same prefix.",
     "schema": {"type": "string"}},
    {"name": "prefix", "in": "query", "required": False,
     "description": "Only IDs starting with this text (case-sensitive); empty means no filter.",
     "schema": {"type": "string", "pattern": OPTIONAL_PREFIX_PATTERN}},
)

routes = Routes(__name__, idempotency=lambda: wiring.services().idempotency, authorizer=authorize)
bp = routes.blueprint


@routes.operation(Operation(
    "put", "/customers/{id}", "createCustomer", "Create a customer ID (never overwrites)", 201, "Customer",
    (InvalidIdError, AlreadyExistsError), parameters=(_ID,), headers=("Location",), idempotent=True,
    role="operator",
))
def create_customer(id: str) -> Response:  # noqa: A002 - the path parameter is named id
    request = routes.current_request
    try:
        customer = wiring.services().customers.create(id, write_token(request), actor_of(request.context))
    except AlreadyExistsError:
        count("Conflicts")
        raise
    count("CustomerCreated")
    location = request.context.get("path") or f"/customers/{customer.id}"
    return Response(customer.to_json(), status_code=201, headers={"Location": location})


@routes.operation(Operation(
    "get", "/customers/{id}", "getCustomer", "Read a customer ID", 200, "Customer",
    (InvalidIdError, NotFoundError), parameters=(_ID,), role="viewer",
))
def get_customer(id: str) -> dict[str, object]:  # noqa: A002
    return wiring.services().customers.get(id).to_json()


@routes.operation(Operation(
    "delete", "/customers/{id}", "deleteCustomer", "Delete a customer ID", 204, None,
    (InvalidIdError, NotFoundError), parameters=(_ID,), idempotent=True, role="admin",
))
def delete_customer(id: str) -> Response:  # noqa: A002
    wiring.services().customers.delete(id)
    count("CustomerDeleted")
    return Response(body="", status_code=204)


@routes.operation(Operation(
    "get", "/customers", "listCustomers", "List IDs in order, a page at a time", 200, "CustomerPage",
    (InvalidRequestError, InvalidCursorError), parameters=_PAGE, role="viewer",
))
def list_customers() -> dict[str, Any]:
    request = routes.current_request
    page = wiring.services().customers.list_page(
        limit=query_int(request, "limit", DEFAULT_PAGE_SIZE),
        cursor=query_text(request, "cursor"),
        prefix=query_text(request, "prefix"),
    )
    return {"items": [c.to_json() for c in page.items], "nextCursor": page.next_cursor,
            "cutShort": page.cut_short}


@routes.operation(Operation(
    "post", "/customers/batch", "createCustomers",
    f"Create up to {MAX_BATCH_SIZE} IDs; each gets exactly one outcome", 200, "BatchCreateResult",
    (MalformedJsonError, InvalidRequestError), body="BatchCreateRequest", idempotent=True,
    role="operator",
))
def batch_create() -> Response:
    from chalicelib.customers.schemas import BatchCreateRequest

    request = routes.current_request
    body = parse_body(request, BatchCreateRequest)
    outcome = wiring.services().customers.create_many(body.ids, write_token(request),
                                                      actor_of(request.context))
    count("CustomerCreated", len(outcome.created))
    count("BatchExisting", len(outcome.existing))
    return Response({
        "created": outcome.created,
        "existing": outcome.existing,
        "invalid": [{"id": i, "reason": reason} for i, reason in outcome.invalid],
    })
