"""Sample Lambda events, as AWS delivers them."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent
_REST = json.loads((_HERE / "apigw_rest_request.json").read_text())


def rest_request(method: str, resource: str, path: str, params: dict[str, str] | None = None,
                 query: dict[str, str] | None = None, body: str | None = None) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event, like the one Lambda hands to the Chalice app."""
    event: dict[str, Any] = copy.deepcopy(_REST)
    event.update(resource=resource, path=path, httpMethod=method, pathParameters=params,
                 queryStringParameters=query, body=body)
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    event["requestContext"].update(resourcePath=resource, httpMethod=method, path=f"/api{path}",
                                   requestId=str(uuid.uuid4()))
    if body is not None:
        event["headers"]["Content-Type"] = "application/json"
    return event


class LambdaContext:
    """The attributes of Lambda's context object that Chalice and Powertools read."""

    function_name = "customer-ids-prod"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:customer-ids-prod"
    memory_limit_in_mb = 512
    aws_request_id = "6f6b0e3c-1b0a-4d38-9d0a-8f7cbe2a0001"
    log_group_name = "/aws/lambda/customer-ids-prod"
    log_stream_name = "2026/11/25/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000
