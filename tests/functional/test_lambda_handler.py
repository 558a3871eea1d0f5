"""The app as Lambda calls it: an API Gateway proxy event in, a proxy response dict out."""

from __future__ import annotations

import json

from chalice.test import Client

from backend.local.lambda_events import LambdaContext, rest_request


def test_the_handler_answers_api_gateway_events(chalice_client: Client) -> None:
    from app import app

    created = app(rest_request("PUT", "/customers/{id}", "/customers/evt-1", {"id": "evt-1"}),
                  LambdaContext())
    assert created["statusCode"] == 201
    assert created["headers"]["Location"] == "/api/customers/evt-1"  # includes the stage
    fetched = app(rest_request("GET", "/customers/{id}", "/customers/evt-1", {"id": "evt-1"}),
                  LambdaContext())
    assert fetched["statusCode"] == 200 and json.loads(fetched["body"])["id"] == "evt-1"
    listed = app(rest_request("GET", "/customers", "/customers", query={"prefix": "evt"}),
                 LambdaContext())
    assert [c["id"] for c in json.loads(listed["body"])["items"]] == ["evt-1"]
