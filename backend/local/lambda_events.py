"""What Lambda hands a function, built on this machine: its context object and an API Gateway event.

Used wherever our code is invoked as Lambda would invoke it without Lambda: the workflow glue
(glue.py), the tests and the benchmarks (bench/ may not import tests/, so these live here).
Nothing here ships.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REGION, ACCOUNT = "us-east-1", "123456789012"
_REST = json.loads((Path(__file__).parent / "apigw_rest_request.json").read_text())


class LambdaContext:
    """The attributes of Lambda's context object that Chalice and Powertools read, with the
    remaining time counting down from the function's timeout as in Lambda.

    Plain on purpose: the cold-start benchmark builds one in the measured process, so it imports
    nothing the app would not (chalice.local's context would pull in its HTTP server).
    """

    def __init__(self, function_name: str = "customer-ids-prod", *, region: str = REGION,
                 account: str = ACCOUNT, memory_mb: int = 512, timeout_ms: int = 15_000) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self._ends_at = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends_at - time.monotonic()) * 1000))


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
