"""API Gateway's own answers (backend/infra/gateway-responses.json): our codes, statuses, headers, docs.

Offline: the responses as deploy.sh puts them (templates.gateway_responses), checked against
chalicelib/errors.py and the OpenAPI document, then put into the emulator's API Gateway.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from backend.deploy import aws as steps
from backend.deploy import templates
from backend.deploy.stage import load_stage
from chalicelib import errors
from chalicelib.api.openapi import document, operations

# Every gateway response type and the status API Gateway gives it (its developer guide,
# "Gateway response types for API Gateway"); None: the status of whatever error fell back to it.
GATEWAY_DEFAULT_STATUS: dict[str, int | None] = {
    "ACCESS_DENIED": 403, "API_CONFIGURATION_ERROR": 500, "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500, "BAD_REQUEST_PARAMETERS": 400, "BAD_REQUEST_BODY": 400,
    "DEFAULT_4XX": None, "DEFAULT_5XX": None, "EXPIRED_TOKEN": 403, "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504, "INVALID_API_KEY": 403, "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403, "QUOTA_EXCEEDED": 429, "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404, "THROTTLED": 429, "UNAUTHORIZED": 401, "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
# Types only IAM signing or WAF produce, or a misconfigured API: they fall back to DEFAULT_*.
NEEDS_WHAT_WE_DO_NOT_USE = {
    "AUTHORIZER_CONFIGURATION_ERROR", "EXPIRED_TOKEN", "INVALID_SIGNATURE", "WAF_FILTERED",
    "API_CONFIGURATION_ERROR",
}
# The types a caller can meet on any operation, public or credentialed, and on credentialed ones only
# (the authorizer's refusal and failure, the key the usage plan does not know, the quota).
ANY_OPERATION = {"THROTTLED", "REQUEST_TOO_LARGE", "INTEGRATION_TIMEOUT", "INTEGRATION_FAILURE"}
KEYED_OPERATION = {"INVALID_API_KEY", "QUOTA_EXCEEDED", "UNAUTHORIZED", "AUTHORIZER_FAILURE"}
# Our catch-all for 4xx types this API cannot meet (NEEDS_WHAT_WE_DO_NOT_USE); not an app error.
CATCH_ALL_4XX = "request_rejected"

ERROR_CLASSES: list[type[errors.AppError]] = [errors.AppError, *errors.AppError.__subclasses__()]


def _spec() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = templates.load(load_stage("prod").infra_dir / "gateway-responses.json")
    return data["responses"]


def _rendered(item: dict[str, Any]) -> dict[str, Any]:
    """The body a client gets, with API Gateway's own message filled in as it would be."""
    template: str = item["responseTemplates"]["application/json"]
    text = template.replace("$context.error.messageString", '"Forbidden"')
    body: dict[str, Any] = json.loads(text)
    return body


def _status(response_type: str, item: dict[str, Any]) -> int | None:
    return int(item["statusCode"]) if "statusCode" in item else GATEWAY_DEFAULT_STATUS[response_type]


def _headers(item: dict[str, Any]) -> dict[str, str]:
    prefix = "gatewayresponse.header."
    return {k.removeprefix(prefix): v.strip("'") for k, v in item["responseParameters"].items()}


def _error_class(code: str, status: int | None) -> type[errors.AppError]:
    matches = [k for k in ERROR_CLASSES if k.code == code and (status is None or k.status == status)]
    assert matches, f"{code} at {status} is not an error of chalicelib/errors.py"
    return matches[0]


@pytest.fixture(params=["dev", "prod"])
def responses(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    return templates.gateway_responses(load_stage(request.param))


def test_every_type_is_real_and_every_type_a_caller_can_meet_is_ours() -> None:
    spec = _spec()
    assert set(spec) <= set(GATEWAY_DEFAULT_STATUS)
    unanswered = set(GATEWAY_DEFAULT_STATUS) - set(spec) - NEEDS_WHAT_WE_DO_NOT_USE
    assert not unanswered, f"falls back to DEFAULT_*, with no code of ours: {unanswered}"


def test_throttling_is_429_and_a_timeout_504_both_with_retry_after(
    responses: dict[str, dict[str, Any]],
) -> None:
    for response_type, status, code in [
        ("THROTTLED", 429, "too_many_requests"),
        ("INTEGRATION_TIMEOUT", 504, "gateway_timeout"),
        ("INTEGRATION_FAILURE", 504, "gateway_timeout"),
    ]:
        item = responses[response_type]
        assert _status(response_type, item) == status
        assert _rendered(item)["error"]["code"] == code
        assert int(_headers(item)["Retry-After"]) >= 1


def test_each_code_is_an_error_of_ours_with_its_status_retry_after_and_challenge(
    responses: dict[str, dict[str, Any]],
) -> None:
    for response_type, item in responses.items():
        code = _rendered(item)["error"]["code"]
        if code == CATCH_ALL_4XX:
            assert response_type == "DEFAULT_4XX"
            continue
        kind = _error_class(code, _status(response_type, item))
        retry_after = getattr(kind, "retry_after_seconds", None)
        assert _headers(item).get("Retry-After") == (None if retry_after is None else str(retry_after)), (
            response_type
        )
        assert _headers(item).get("WWW-Authenticate") == getattr(kind, "challenge", None), response_type


def test_the_authorizer_s_refusal_is_401_with_a_challenge_and_its_failure_503_with_retry_after(
    responses: dict[str, dict[str, Any]],
) -> None:
    for response_type, status, code, header in [
        ("UNAUTHORIZED", 401, "unauthenticated", ("WWW-Authenticate", "Bearer")),
        ("AUTHORIZER_FAILURE", 503, "service_unavailable", ("Retry-After", "1")),
        ("ACCESS_DENIED", 403, "forbidden", None),
        ("INVALID_API_KEY", 403, "forbidden", None),
    ]:
        item = responses[response_type]
        answer = (_status(response_type, item), _rendered(item)["error"]["code"])
        assert answer == (status, code), response_type
        if header:
            assert _headers(item)[header[0]] == header[1], response_type


def test_each_carries_the_error_shape_cors_and_exposes_retry_after(
    responses: dict[str, dict[str, Any]],
) -> None:
    for response_type, item in responses.items():
        body = _rendered(item)
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, response_type
        assert body["error"]["message"], response_type
        headers = _headers(item)
        assert headers["Access-Control-Allow-Origin"].startswith(("https://", "http://")), response_type
        exposed = {h.strip().lower() for h in headers["Access-Control-Expose-Headers"].split(",")}
        assert "retry-after" in exposed, response_type


def test_the_document_declares_every_gateway_answer_on_every_operation() -> None:
    spec = _spec()
    for op in operations():
        documented = document()["paths"][op.path][op.method]["responses"]
        meets = ANY_OPERATION | (set() if op.public else KEYED_OPERATION)
        for response_type in meets | {"DEFAULT_5XX"}:
            entry = spec[response_type]
            status = entry.get("status") or GATEWAY_DEFAULT_STATUS[response_type] or 502
            response = documented.get(str(status))
            assert response, f"{op.operation_id} omits {status} ({response_type})"
            assert f"`{entry['code']}`" in response["description"], (op.operation_id, response_type)
            if "Retry-After" in entry.get("headers", {}):
                assert "Retry-After" in response.get("headers", {}), (op.operation_id, response_type)


def test_put_into_api_gateway_with_status_and_retry_after(aws: dict[str, str]) -> None:
    apigw = boto3.client("apigateway")
    api = apigw.create_rest_api(name="customer-ids")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")

    responses = templates.gateway_responses(load_stage("prod"))
    steps.apply_gateway_responses(apigw, api, "api", responses, xray=True)

    found = {r["responseType"]: r for r in apigw.get_gateway_responses(restApiId=api)["items"]}
    throttled = found["THROTTLED"]
    assert throttled["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    assert '"too_many_requests"' in throttled["responseTemplates"]["application/json"]
    assert set(_spec()) <= set(found)
