"""Each route is declared once (chalicelib/http/operations.py): the Chalice routes and the OpenAPI
document are both derived from the same `Operation`s, so neither can drift from the other."""

from __future__ import annotations

import pytest
from chalice.app import Response

from chalicelib.api.openapi import document, operations
from chalicelib.http.operations import Operation, Routes


def _answered_routes() -> set[tuple[str, str, bool]]:
    """(method, path, key required) of every route the app answers with a view of its own."""
    from app import app

    return {
        (method.lower(), path, bool(entry.api_key_required))
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if method != "OPTIONS" and not getattr(entry.view_function, "_filler", False)
    }


def test_the_app_answers_exactly_the_declared_operations() -> None:
    declared = {(op.method, op.path, not op.public) for op in operations()}
    assert _answered_routes() == declared


def test_the_document_lists_exactly_the_declared_operations() -> None:
    documented = {(method, path) for path, item in document()["paths"].items() for method in item}
    assert documented == {(op.method, op.path) for op in operations()}
    assert len({op.operation_id for op in operations()}) == len(operations())


def test_an_idempotent_operation_without_an_idempotency_layer_is_refused_at_declaration() -> None:
    routes = Routes("nowhere")
    with pytest.raises(TypeError, match="idempotency"):
        routes.operation(Operation("post", "/x", "postX", "x", 200, None, idempotent=True))(
            lambda: Response(body=""))
