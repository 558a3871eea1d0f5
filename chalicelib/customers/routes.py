"""Customer-ID routes: parse the request, call the domain, shape the response."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import wiring
from chalicelib.customers.domain import DEFAULT_PAGE_SIZE
from chalicelib.errors import AlreadyExistsError
from chalicelib.http.body import parse_body
from chalicelib.http.idempotency import replayable, write_token
from chalicelib.http.params import query_int, query_text
from chalicelib.observability import count

bp = Blueprint(__name__)


@bp.route("/customers/{id}", methods=["PUT"], api_key_required=True)
@replayable(bp)
def create_customer(id: str) -> Response:  # noqa: A002 - the path parameter is named id
    try:
        customer = wiring.customers().create(id, write_token(bp.current_request))
    except AlreadyExistsError:
        count("Conflicts")
        raise
    count("CustomerCreated")
    location = bp.current_request.context.get("path") or f"/customers/{customer.id}"
    return Response(customer.to_json(), status_code=201, headers={"Location": location})


@bp.route("/customers/{id}", methods=["GET"], api_key_required=True)
def get_customer(id: str) -> dict[str, str]:  # noqa: A002
    return wiring.customers().get(id).to_json()


@bp.route("/customers/{id}", methods=["DELETE"], api_key_required=True)
@replayable(bp)
def delete_customer(id: str) -> Response:  # noqa: A002
    wiring.customers().delete(id)
    count("CustomerDeleted")
    return Response(body="", status_code=204)


@bp.route("/customers", methods=["GET"], api_key_required=True)
def list_customers() -> dict[str, Any]:
    request = bp.current_request
    page = wiring.customers().list_page(
        limit=query_int(request, "limit", DEFAULT_PAGE_SIZE),
        cursor=query_text(request, "cursor"),
        prefix=query_text(request, "prefix"),
    )
    return {"items": [c.to_json() for c in page.items], "nextCursor": page.next_cursor,
            "cutShort": page.cut_short}


@bp.route("/customers/batch", methods=["POST"], api_key_required=True)
@replayable(bp)
def batch_create() -> Response:
    from chalicelib.customers.schemas import BatchCreateRequest

    body = parse_body(bp.current_request, BatchCreateRequest)
    outcome = wiring.customers().create_many(body.ids, write_token(bp.current_request))
    count("CustomerCreated", len(outcome.created))
    count("BatchExisting", len(outcome.existing))
    return Response({
        "created": outcome.created,
        "existing": outcome.existing,
        "invalid": [{"id": i, "reason": reason} for i, reason in outcome.invalid],
    })
