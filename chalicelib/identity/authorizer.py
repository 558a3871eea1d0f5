"""The API's authorizer: who is calling, decided at the edge before any credentialed route runs.

API Gateway runs `authorize` (its own Lambda function) as a REQUEST authorizer with caching off,
and the API takes its usage-plan key from the authorizer (API key source `AUTHORIZER`), so each
kind of caller needs only its own credential:

- a person sends `Authorization: Bearer <access token>`: verified here (chalicelib/identity/tokens.py),
  then metered under the stage's people usage key, which no client ever sends;
- a machine sends `x-api-key` as it always has: passed on as the usage key, which API Gateway then
  checks against the stage's usage plan (a wrong key is its 403), acting as the `admin` role.

Anything else raises `Unauthorized`, API Gateway's 401 (the UNAUTHORIZED gateway response, in our
error shape with `WWW-Authenticate: Bearer`). When the pool's keys cannot be fetched and none are
known, any other exception makes API Gateway answer AUTHORIZER_FAILURE, which the stage maps to a
503 with Retry-After. The local gateway (backend/local/gateway.py) runs this same function and
answers the same way. The app then checks each route's role (chalicelib/http/operations.py).

Chalice declares built-in authorizers as TOKEN authorizers and hands them one header; the deploy
step makes this one a REQUEST authorizer (backend/deploy), and `RequestAuthorizer` takes the
REQUEST event whole.
"""

from __future__ import annotations

import hmac
from typing import Any

from chalice.app import Blueprint, ChaliceAuthorizer

from chalicelib.errors import ServiceUnavailableError, UnauthenticatedError
from chalicelib.identity.roles import KEY_ROLE, highest_role

UNAUTHORIZED = "Unauthorized"  # the one message API Gateway turns into its 401


class RequestAuthorizer(ChaliceAuthorizer):
    """A ChaliceAuthorizer given API Gateway's REQUEST event as it is (Chalice's own reads the
    TOKEN event's single `authorizationToken`, which a REQUEST event does not have). Pinned to
    Chalice's class with the local gateway's patch (backend/local/gateway.py), whose test fails
    when the class changes."""

    def _transform_event(self, event: dict[str, Any]) -> Any:
        return event


class KeyRefusedError(Exception):
    """A key no client may send (the people usage key): API Gateway's 403, our `forbidden`."""


bp = Blueprint(__name__)


@bp.authorizer(ttl_seconds=0)
def authorize(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.observability import logger

    try:
        return _decide(event)
    except UnauthenticatedError as error:
        logger.info("credential refused", reason=error.reason)
        raise Exception(UNAUTHORIZED) from None  # API Gateway matches this exact message
    except KeyRefusedError as error:
        logger.warning("credential refused", reason=str(error))
        return _policy(event, "Deny", principal="refused", context={})
    except ServiceUnavailableError as error:
        logger.warning("cannot authorize", reason=error.message)
        raise


authorize.__class__ = RequestAuthorizer  # the object Chalice registered, and the Lambda's handler


def _decide(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib import wiring

    services = wiring.services()
    authorization = _header_values(event, "authorization")
    if authorization:
        person = services.token_verifier().verify(_bearer_token(authorization))
        role = highest_role(person.groups) or ""
        return _policy(event, "Allow", principal=f"person:{person.username}",
                       context={"kind": "person", "name": person.username, "role": role},
                       usage_key=services.identity().people_api_key)
    key = (_header_values(event, "x-api-key") or [""])[-1]
    if not key:
        raise UnauthenticatedError("no Authorization and no x-api-key")
    people_key = services.identity().people_api_key
    if people_key and hmac.compare_digest(key.encode(), people_key.encode()):
        raise KeyRefusedError("the people usage key was sent as an x-api-key")
    name = services.settings.api_key_name
    return _policy(event, "Allow", principal=f"key:{name}",
                   context={"kind": "key", "name": name, "role": KEY_ROLE}, usage_key=key)


def _header_values(event: dict[str, Any], name: str) -> list[str]:
    """Every value of a header, whatever its case (API Gateway keeps the client's)."""
    multi = event.get("multiValueHeaders") or {}
    values = [v for key, vs in multi.items() if key.lower() == name for v in (vs or [])]
    if values:
        return values
    return [v for key, v in (event.get("headers") or {}).items() if key.lower() == name and v is not None]


def _bearer_token(values: list[str]) -> str:
    if len(values) != 1:
        raise UnauthenticatedError(f"{len(values)} Authorization headers")
    scheme, _, token = values[0].strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError(f"Authorization scheme {scheme[:20]!r}")
    return token.strip()


def _policy(event: dict[str, Any], effect: str, principal: str, context: dict[str, str],
            usage_key: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect,
                           "Resource": [event.get("methodArn", "*")]}],
        },
        "context": context,
    }
    if usage_key:
        answer["usageIdentifierKey"] = usage_key
    return answer
