from __future__ import annotations

import json

from openapi_spec_validator import validate

from chalicelib.customers import ID_PATTERN
from chalicelib.openapi import CHECKED_IN, document, render


def test_checked_in_document_is_current() -> None:
    assert CHECKED_IN.read_text() == render(), "run: make openapi"


def test_document_is_valid_openapi_3_1() -> None:
    validate(json.loads(render()))
    assert document()["openapi"].startswith("3.1")


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    from app import app

    served = {
        (path, method.lower())
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if method != "OPTIONS" and not getattr(entry.view_function, "_filler", False)
    }
    documented = {(p, m) for p, ops in document()["paths"].items() for m in ops}
    assert served == documented


def test_only_health_and_the_document_are_public() -> None:
    public = {
        (p, m) for p, ops in document()["paths"].items() for m, op in ops.items() if not op["security"]
    }
    assert public == {("/health", "get"), ("/openapi.json", "get")}


def test_the_id_rule_is_published_exactly() -> None:
    assert document()["components"]["schemas"]["CustomerId"]["pattern"] == ID_PATTERN


def test_every_operation_documents_the_error_shape() -> None:
    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            assert "500" in op["responses"], (path, method)
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
