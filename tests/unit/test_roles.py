"""The role table of the issue, against what each route declares; and how roles compare."""

from __future__ import annotations

import pytest

from chalicelib.api.openapi import document, operations
from chalicelib.identity.roles import ROLES, highest_role, may

# Who may call what: each role may do what the one before it may, plus these.
ROLE_TABLE = {
    "viewer": {("get", "/customers"), ("get", "/customers/{id}"), ("get", "/workflow/submissions"),
               ("get", "/workflow/submissions/{submissionId}")},
    "operator": {("put", "/customers/{id}"), ("post", "/customers/batch"), ("post", "/workflow/submit")},
    "admin": {("delete", "/customers/{id}")},
}
PUBLIC = {("get", "/health"), ("get", "/openapi.json"), ("get", "/auth/config")}


def test_every_route_declares_the_role_the_table_gives_it() -> None:
    declared = {(op.method, op.path): op.role for op in operations()}
    expected = {route: role for role, routes in ROLE_TABLE.items() for route in routes}
    assert {route: role for route, role in declared.items() if role is not None} == expected
    assert {route for route, role in declared.items() if role is None} == PUBLIC


@pytest.mark.parametrize("held", [*ROLES, "", None, "root", "Admin"])
def test_a_role_may_what_it_or_a_lesser_role_may(held: str | None) -> None:
    for needed in ROLES:
        assert may(held, needed) == (held in ROLES and ROLES.index(held) >= ROLES.index(needed))


def test_the_highest_named_group_is_the_role() -> None:
    assert highest_role(["operator", "viewer"]) == "operator"
    assert highest_role(["auditors", "admin"]) == "admin"
    assert highest_role(["Admin", "admins"]) is None


def test_the_document_lists_each_operations_roles_and_both_credentials() -> None:
    doc = document()
    assert set(doc["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    for op in operations():
        spec = doc["paths"][op.path][op.method]
        if op.role is None:
            assert spec["security"] == [] and "x-roles" not in spec
        else:
            assert spec["x-roles"] == [r for r in ROLES if may(r, op.role)]
            assert spec["security"] == [{"apiKey": []}, {"bearer": []}]
