"""People and roles on the running local stack, over HTTP (issue 17): make dev's three users sign in
at the emulator's Cognito for real, and every route the app declares is called with every kind of
credential and checked against the role table.

The routes come from the app's own declarations (`Operation`, with its `role`), not from a list
here: a new route is covered by the edit that declares it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.local.devstack import DEFAULT_USER_PASSWORD, REGION, DevStack, _banner, sign_in_line
from backend.local.unique import fresh_id
from backend.local.user_pool import ROLES, UserPoolError, provision
from chalicelib.api.openapi import operations
from chalicelib.http.operations import Operation
from tests.integration.people import (
    HTTP,
    bearer,
    cognito_call,
    emulator_signing_key,
    expired,
    hs256_with,
    parts,
    public_key_pem,
    rs256,
    sign_in,
    signed_by_a_key_of,
    unsigned,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

RANK = {role: rank for rank, role in enumerate(ROLES)}  # viewer < operator < admin
FORGERIES = ("re-signed with another key", "alg none", "HS256 with the public key", "expired",
             "an ID token", "another pool's token", "not a JWT", "a 10 KB token", "two Authorization headers")
CREDENTIALS = (*(f"token: {role}" for role in ROLES), "key", "none", "wrong key",
               *(f"forged: {forgery}" for forgery in FORGERIES))
# A valid body per request schema, so an allowed call is the real thing, not a 400.
BODIES: dict[str, Callable[[], dict[str, Any]]] = {
    "BatchCreateRequest": lambda: {"ids": [fresh_id()]},
    "SubmitRequest": lambda: {"id": fresh_id()},
}
GUARDED = [op for op in operations() if not op.public]


def route(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def request_of(op: Operation) -> tuple[str, str, dict[str, Any]]:
    """A call of `op` on fresh IDs."""
    path = re.sub(r"\{[^}]+\}", lambda _: fresh_id(), op.path)
    if op.body is None:
        return op.method.upper(), path, {}
    if op.body not in BODIES:
        pytest.fail(f"{route(op)} takes a {op.body}: add an example body to BODIES")
    return op.method.upper(), path, {"json": BODIES[op.body]()}


@pytest.fixture(scope="module")
def people(stack: DevStack) -> dict[str, dict[str, Any]]:
    """Each of make dev's users, signed in: username -> AuthenticationResult."""
    return {role: sign_in(stack, role) for role in ROLES}


@pytest.fixture(scope="module")
def other_pools_token(stack: DevStack) -> str:
    """An admin of another pool in the same emulator: a real token, signed by the same key (moto
    has one), from the wrong issuer and client."""
    cognito = stack.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName=f"other-{fresh_id()}")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName="admin")
    cognito.admin_create_user(UserPoolId=pool_id, Username="admin", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="admin", Password=DEFAULT_USER_PASSWORD,
                                    Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="admin", GroupName="admin")
    token: str = sign_in(stack, "admin", client_id=client_id)["AccessToken"]
    return token


@pytest.fixture(scope="module")
def forged(people: dict[str, dict[str, Any]], other_pools_token: str) -> dict[str, str]:
    """Tokens that must all be refused, each made from the admin's real access token."""
    admin = people["admin"]
    header, claims = parts(admin["AccessToken"])
    pool_key = emulator_signing_key()
    return {
        "re-signed with another key": rs256(header, claims, rsa.generate_private_key(65537, 2048)),
        "alg none": unsigned(header, claims),
        "HS256 with the public key": hs256_with(header, claims, public_key_pem(pool_key)),
        "expired": expired(header, claims),
        "an ID token": admin["IdToken"],
        "another pool's token": other_pools_token,
        "not a JWT": "not-a-jwt",
        "a 10 KB token": rs256(header, {**claims, "padding": "x" * 10240}, pool_key),
    }


def headers_for(credential: str, stack: DevStack, people: dict[str, dict[str, Any]],
                forged: dict[str, str]) -> list[tuple[str, str]]:
    kind, _, detail = credential.partition(": ")
    if kind == "token":
        return list(bearer(people[detail]["AccessToken"]).items())
    if detail == "two Authorization headers":  # each alone a good token
        return [("Authorization", f"Bearer {people[role]['AccessToken']}") for role in ("admin", "viewer")]
    if kind == "forged":
        return list(bearer(forged[detail]).items())
    return list({"key": {"x-api-key": stack.api_key}, "wrong key": {"x-api-key": "not-the-local-key"},
                 "none": {}}[kind].items())


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    assert response.json()["error"]["code"] == code, response.text


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize("op", GUARDED, ids=route)
def test_every_route_answers_each_credential_as_the_role_table_says(
    stack: DevStack, anonymous: httpx.Client, people: dict[str, dict[str, Any]], forged: dict[str, str],
    op: Operation, credential: str,
) -> None:
    # GIVEN a call of the route with one kind of credential
    method, path, body = request_of(op)
    headers = headers_for(credential, stack, people, forged)

    # WHEN it is sent to the local API
    response = anonymous.request(method, path, headers=headers, **body)

    # THEN it is let through exactly when the role table allows it
    kind, _, detail = credential.partition(": ")
    if kind in ("none", "forged"):
        assert_error(response, 401, "unauthenticated")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif kind == "wrong key":
        assert_error(response, 403, "forbidden")
    elif kind == "token" and RANK[detail] < RANK[str(op.role)]:
        assert_error(response, 403, "insufficient_role")
    else:  # a key acts as admin; a person with the role
        assert response.status_code not in (401, 403), f"{response.status_code} {response.text}"
        assert response.status_code < 500, response.text


@pytest.mark.parametrize("op", [op for op in operations() if op.public], ids=route)
def test_a_public_route_needs_no_credential_and_ignores_a_bad_one(
    anonymous: httpx.Client, forged: dict[str, str], op: Operation,
) -> None:
    for headers in ({}, bearer(forged["alg none"]), {"x-api-key": "not-the-local-key"}):
        response = anonymous.request(op.method.upper(), op.path, headers=headers)
        assert response.status_code == op.status, f"{headers}: {response.status_code} {response.text}"


def test_every_guarded_route_declares_one_of_the_roles() -> None:
    assert GUARDED, "the app declares no credentialed route"
    assert {route(op): op.role for op in GUARDED if op.role not in ROLES} == {}


def test_the_people_usage_key_cannot_be_presented_as_an_api_key(stack: DevStack) -> None:
    response = HTTP.get(f"{stack.api_url}/customers", headers={"x-api-key": stack.people_api_key})
    assert response.status_code in (401, 403), response.text
    assert response.json()["error"]["code"] in ("unauthenticated", "forbidden")


def test_auth_config_tells_any_client_where_to_sign_in_with_no_credential(stack: DevStack) -> None:
    assert stack.user_pool is not None
    response = HTTP.get(f"{stack.api_url}/auth/config")
    assert response.status_code == 200, response.text
    assert response.json() == {"region": REGION, "userPoolId": stack.user_pool.pool_id,
                               "clientId": stack.user_pool.client_id, "endpoint": f"{stack.emulator_url}/"}


# -- make dev's users and its banner ------------------------------------------------------------
def test_each_user_signs_in_without_a_challenge_into_the_group_of_its_name(
    people: dict[str, dict[str, Any]],
) -> None:
    for role, result in people.items():
        _header, claims = parts(result["AccessToken"])
        assert (claims["username"], claims["token_use"], claims["cognito:groups"]) == (role, "access", [role])


def test_a_refreshed_access_token_is_accepted_and_a_signed_out_refresh_token_is_not(stack: DevStack) -> None:
    # GIVEN a viewer signed in
    assert stack.user_pool is not None
    signed_in = sign_in(stack, "viewer")
    # WHEN the console refreshes (REFRESH_TOKEN_AUTH, the app client allows it)
    refreshed = cognito_call(stack, "InitiateAuth", {
        "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": stack.user_pool.client_id,
        "AuthParameters": {"REFRESH_TOKEN": signed_in["RefreshToken"]}})
    # THEN the new access token works at the API
    new_token = refreshed.json()["AuthenticationResult"]["AccessToken"]
    listed = HTTP.get(f"{stack.api_url}/customers?limit=1", headers=bearer(new_token))
    assert listed.status_code == 200, listed.text
    # WHEN the person signs out everywhere; THEN the refresh token no longer refreshes
    assert cognito_call(stack, "GlobalSignOut", {"AccessToken": new_token}).status_code == 200
    again = cognito_call(stack, "InitiateAuth", {
        "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": stack.user_pool.client_id,
        "AuthParameters": {"REFRESH_TOKEN": signed_in["RefreshToken"]}})
    assert again.status_code == 400, again.text


def test_a_wrong_password_is_refused_by_the_emulator(stack: DevStack) -> None:
    assert stack.user_pool is not None
    response = cognito_call(stack, "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": stack.user_pool.client_id,
        "AuthParameters": {"USERNAME": "admin", "PASSWORD": "Not-the-password-1"}})
    assert response.status_code == 400
    assert json.loads(response.content)["__type"] == "NotAuthorizedException"


def test_the_emulator_answers_a_browsers_sign_in_and_serves_the_pools_keys(stack: DevStack) -> None:
    assert stack.user_pool is not None
    origin = "http://127.0.0.1:5173"
    # GIVEN the console's origin: its preflight, then its unsigned InitiateAuth
    preflight = httpx.options(f"{stack.emulator_url}/", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] in (origin, "*")
    assert "x-amz-target" in preflight.headers["Access-Control-Allow-Headers"].lower()
    signed_in = cognito_call(stack, "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": stack.user_pool.client_id,
        "AuthParameters": {"USERNAME": "viewer", "PASSWORD": stack.user_password}}, origin=origin)
    assert signed_in.status_code == 200 and signed_in.headers["Access-Control-Allow-Origin"] in (origin, "*")
    # THEN the pool's key set is where the API looks for it, with the key the token names
    jwks = HTTP.get(f"{stack.emulator_url}/{stack.user_pool.pool_id}/.well-known/jwks.json")
    assert jwks.status_code == 200
    token = json.loads(signed_in.content)["AuthenticationResult"]["AccessToken"]
    assert signed_by_a_key_of(token, jwks.json())


def test_provisioning_again_keeps_the_ids_and_the_users(stack: DevStack) -> None:
    # GIVEN the stack's pool; WHEN make dev's provisioning runs again on the same emulator
    assert stack.user_pool is not None
    again = provision(stack.client("cognito-idp"), stack.user_password)
    # THEN it finds what exists: same IDs, one pool of that name, every user still signs in
    assert again == stack.user_pool
    pools = stack.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Id"] for pool in pools if pool["Name"] == "customer-ids-local"] == [stack.user_pool.pool_id]
    for role in ROLES:
        sign_in(stack, role)


def test_a_password_the_pools_policy_refuses_is_a_clear_error(stack: DevStack) -> None:
    with pytest.raises(UserPoolError, match="LOCAL_USER_PASSWORD does not meet the pool's password policy"):
        provision(stack.client("cognito-idp"), "password")
    sign_in(stack, "viewer")  # the users keep their password


def test_a_pool_made_again_gets_the_same_ids(stack: DevStack) -> None:
    # GIVEN the pool gone, as in a new emulator process (moto keeps nothing of Cognito on disk)
    assert stack.user_pool is not None
    cognito = stack.client("cognito-idp")
    cognito.delete_user_pool(UserPoolId=stack.user_pool.pool_id)
    # WHEN make dev's provisioning makes it again; THEN the IDs are the ones before (HASH strategy)
    again = provision(cognito, stack.user_password)
    assert (again.pool_id, again.client_id) == (stack.user_pool.pool_id, stack.user_pool.client_id)
    sign_in(stack, "viewer")


def run_in_bash(line: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_banners_sign_in_line_signs_in_and_lists_ids_with_the_token(stack: DevStack) -> None:
    # GIVEN the line the banner prints (the default password, shown)
    line = next(text.strip() for text in _banner(stack).splitlines() if text.strip().startswith("TOKEN="))
    # WHEN bash runs it as pasted; THEN it lists IDs as the operator
    status_line = run_in_bash(line).splitlines()[0]
    assert " 200 " in status_line, status_line


def test_with_a_password_of_ones_own_the_line_reads_it_from_the_shell(stack: DevStack) -> None:
    assert stack.user_pool is not None
    line = sign_in_line(stack.emulator_url, stack.user_pool.client_id, stack.api_url, "viewer", None)
    assert stack.user_password not in line
    output = run_in_bash(line, env={**os.environ, "LOCAL_USER_PASSWORD": stack.user_password})
    status_line = output.splitlines()[0]
    assert " 200 " in status_line, status_line


def test_the_banner_shows_the_password_only_when_it_is_the_default(stack: DevStack) -> None:
    assert stack.user_password == DEFAULT_USER_PASSWORD
    assert DEFAULT_USER_PASSWORD in _banner(stack)
    stack.user_password, saved = "Another-pass-1", stack.user_password
    try:
        assert "Another-pass-1" not in _banner(stack)
    finally:
        stack.user_password = saved


def test_the_readmes_sign_in_runs_as_printed(stack: DevStack) -> None:
    # GIVEN the README's curl lines, pointed at this stack's API (they find the rest themselves)
    readme = (ROOT / "README.md").read_text()
    block = readme.split("### Signing in locally", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    script = block.replace("API=http://127.0.0.1:8000", f"API={stack.api_url}")
    assert script != block, "the README's block no longer sets API as expected"
    # WHEN bash runs them; THEN the operator lists IDs, and may not delete one
    output = run_in_bash(script)
    assert re.findall(r"HTTP/1\.1 (\d{3}) ", output) == ["200", "403"], output  # a body ends with no newline
    assert '"insufficient_role"' in output, output
