"""The authorizer as API Gateway calls it: a REQUEST event in, a policy with the caller's context out."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import wiring
from chalicelib.config import read_settings
from chalicelib.identity.authorizer import UNAUTHORIZED, authorize
from tests.unit.test_identity_tokens import CLIENT, FOREIGN_KEY, POOL, REGION, Endpoint, _token

ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/api/GET/customers"
PEOPLE_KEY = "people-usage-key-0123456789"


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Endpoint:
    for name, value in {"AWS_REGION": REGION, "APP_STAGE": "prod", "COGNITO_USER_POOL_ID": POOL,
                        "COGNITO_CLIENT_ID": CLIENT, "PEOPLE_API_KEY": PEOPLE_KEY,
                        "API_KEY_NAME": "customer-ids-prod-console"}.items():
        monkeypatch.setenv(name, value)
    found = Endpoint()
    wiring.install(wiring.Services(settings=read_settings(), fetch_jwks=found))
    return found


def _event(**headers: str | list[str]) -> dict[str, Any]:
    single = {k: v[-1] if isinstance(v, list) else v for k, v in headers.items()}
    multi = {k: v if isinstance(v, list) else [v] for k, v in headers.items()}
    return {"type": "REQUEST", "methodArn": ARN, "headers": single, "multiValueHeaders": multi}


def _authorize(event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = authorize(event, None)
    return answer


def _refused(event: dict[str, Any]) -> str:
    with pytest.raises(Exception) as raised:  # API Gateway reads only the message
        authorize(event, None)
    return str(raised.value)


def test_a_person_is_allowed_as_themselves_with_their_role_under_the_people_key(endpoint: Endpoint) -> None:
    answer = _authorize(_event(Authorization=f"Bearer {_token()}"))
    assert answer["context"] == {"kind": "person", "name": "ada", "role": "operator"}
    assert answer["principalId"] == "person:ada"
    assert answer["usageIdentifierKey"] == PEOPLE_KEY
    assert answer["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [ARN]}]


def test_a_person_in_no_role_group_is_let_through_with_no_role(endpoint: Endpoint) -> None:
    # (the route then answers 403 insufficient_role: authenticated, not allowed)
    answer = _authorize(_event(authorization=f"bearer {_token(**{'cognito:groups': ['auditors']})}"))
    assert answer["context"]["role"] == ""


def test_the_highest_group_is_the_role(endpoint: Endpoint) -> None:
    token = _token(**{"cognito:groups": ["viewer", "admin", "operator"]})
    assert _authorize(_event(Authorization=f"Bearer {token}"))["context"]["role"] == "admin"


def test_a_machine_key_is_passed_on_for_api_gateway_to_check_and_acts_as_admin(endpoint: Endpoint) -> None:
    answer = _authorize(_event(**{"X-Api-Key": "machine-key-value"}))
    assert answer["usageIdentifierKey"] == "machine-key-value"
    assert answer["context"] == {"kind": "key", "name": "customer-ids-prod-console", "role": "admin"}


def test_the_people_usage_key_sent_as_a_key_is_denied(endpoint: Endpoint) -> None:
    answer = _authorize(_event(**{"x-api-key": PEOPLE_KEY}))
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert "usageIdentifierKey" not in answer


@pytest.mark.parametrize("headers", [
    {},
    {"x-api-key": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic YWRhOnB3"},
    {"Authorization": "Bearer not.a.token"},
    {"Authorization": ["Bearer a", "Bearer b"]},
], ids=["nothing", "empty key", "bearer without token", "basic", "garbage token", "two headers"])
def test_no_credential_or_a_bad_one_is_unauthorized(endpoint: Endpoint, headers: dict[str, Any]) -> None:
    assert _refused(_event(**headers)) == UNAUTHORIZED


def test_two_valid_looking_authorization_headers_are_unauthorized(endpoint: Endpoint) -> None:
    assert _refused(_event(Authorization=[f"Bearer {_token()}", f"Bearer {_token()}"])) == UNAUTHORIZED


def test_a_bad_token_is_not_rescued_by_a_key_beside_it(endpoint: Endpoint) -> None:
    event = _event(Authorization=f"Bearer {_token(key=FOREIGN_KEY)}", **{"x-api-key": "machine-key"})
    assert _refused(event) == UNAUTHORIZED


def test_no_keys_to_verify_with_is_a_failure_not_a_refusal_and_never_a_pass(endpoint: Endpoint) -> None:
    # GIVEN the JWKS endpoint is down before any key was fetched
    endpoint.down = True
    # THEN the authorizer fails (API Gateway: AUTHORIZER_FAILURE -> our 503), it does not say Unauthorized
    message = _refused(_event(Authorization=f"Bearer {_token()}"))
    assert message != UNAUTHORIZED and "try again" in message
