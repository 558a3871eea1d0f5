from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from chalicelib.api.openapi import CHECKED_IN, document, render
from chalicelib.customers.domain import ID_PATTERN
from chalicelib.errors import AppError


def test_checked_in_document_is_current() -> None:
    assert CHECKED_IN.read_text() == render(), "run: make generate"


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


def test_only_health_the_document_and_the_sign_in_config_are_public() -> None:
    public = {
        (p, m) for p, ops in document()["paths"].items() for m, op in ops.items() if not op["security"]
    }
    assert public == {("/health", "get"), ("/openapi.json", "get"), ("/auth/config", "get")}


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


WRITES = {("/customers/{id}", "put"), ("/customers/{id}", "delete"), ("/customers/batch", "post"),
          ("/workflow/submit", "post")}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in document()["paths"].items() for m, op in ops.items()]


def test_the_four_writes_take_an_optional_idempotency_key_with_its_errors() -> None:
    keyed = set()
    for path, method, op in _operations():
        if {"$ref": "#/components/parameters/IdempotencyKey"} in op.get("parameters", []):
            keyed.add((path, method))
            assert {"409", "422"} <= set(op["responses"]), (path, method)
            assert "`invalid_idempotency_key`" in op["responses"]["400"]["description"]
            assert "Idempotent-Replayed" in op["responses"][min(op["responses"])]["headers"]
    assert keyed == WRITES
    parameter = document()["components"]["parameters"]["IdempotencyKey"]
    assert parameter["in"] == "header" and parameter["required"] is False


@pytest.mark.parametrize(
    ("key", "valid"),
    [("4b6f1c9e-8f0a-4d2b-9a57-0c3e1d2f5a61", True), ("a", True), ("a b~!", True), ("k" * 255, True),
     ("", False), ("k" * 256, False), (" padded ", False), ('"quoted"', False), ("caf\u00e9", False),
     ("tab\there", False)],
)
def test_the_idempotency_key_rule_is_printable_ascii_up_to_255(key: str, valid: bool) -> None:
    schema = document()["components"]["parameters"]["IdempotencyKey"]["schema"]
    assert OAS31Validator(schema).is_valid(key) is valid


def test_timestamps_are_date_time() -> None:
    schemas = document()["components"]["schemas"]
    fields = [("Customer", "createdAt"), ("Submission", "submittedAt"), ("Submission", "updatedAt")]
    for model, field in fields:
        assert schemas[model]["properties"][field]["format"] == "date-time"


def test_the_document_names_its_server_relative_to_where_it_is_served() -> None:
    assert document()["servers"] == [{"url": ".", "description": "The API that serves this document"}]


def test_declared_headers_where_a_caller_meets_them() -> None:
    for path, method, op in _operations():
        responses = op["responses"]
        for status in ("503", "504"):
            if status in responses:
                assert responses[status]["headers"]["Retry-After"]["required"], (path, method, status)
        assert "Retry-After" in responses["429"]["headers"], (path, method)
        assert responses["405"]["headers"]["Allow"]["required"], (path, method)
        for status in ("201", "202"):
            if status in responses:
                assert responses[status]["headers"]["Location"]["required"], (path, method)


def test_every_documented_code_is_an_error_class_with_that_status() -> None:
    statuses_of: dict[str, set[int]] = {}
    kinds: list[type[AppError]] = [AppError, *AppError.__subclasses__()]
    for kind in kinds:
        statuses_of.setdefault(kind.code, set()).add(kind.status)
    for path, method, op in _operations():
        for status, response in op["responses"].items():
            for code in re.findall(r"^- `([a-z_]+)`", response["description"], re.MULTILINE):
                assert int(status) in statuses_of[code], (path, method, status, code)
