"""CodeDeploy pre-traffic hook: the smoke test's API part, against the new version before traffic.

Inlined into the packaged template by backend/deploy/canary.py (InlineCode: 4 KB at most, standard
library and boto3 only). It invokes the version being released directly, with API Gateway proxy
events, so it tests the new code while the alias still sends every request to the old one; API
Gateway's authorizer is not in that path (the post-stage `make smoke` covers it): the events carry
the context it gives a machine's key, under the hook's own name.
"""
from __future__ import annotations

import json
import os
import uuid
from typing import Any


def _call(invoke: Any, version: str, method: str, path: str, resource: str, params: Any) -> Any:
    event = {"httpMethod": method, "path": path, "resource": resource,
             "headers": {"accept": "application/json"},
             "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
             "pathParameters": params, "stageVariables": None, "body": None, "isBase64Encoded": False,
             "requestContext": {"resourcePath": resource, "httpMethod": method, "path": path,
                                "stage": "api", "requestId": f"pre-traffic-{uuid.uuid4()}",
                                "identity": {"sourceIp": "127.0.0.1"},
                                "authorizer": {"principalId": "key:pre-traffic-hook", "kind": "key",
                                               "name": "pre-traffic-hook", "role": "admin"}}}
    answer = invoke(FunctionName=version, Payload=json.dumps(event).encode())
    payload = json.loads(answer["Payload"].read() or b"{}")
    if answer.get("FunctionError"):
        raise RuntimeError(f"{method} {path}: {answer['FunctionError']} {payload}")
    return payload.get("statusCode")


def checks(invoke: Any, version: str) -> list[str]:
    """The calls and the status each must answer; raises on the first that does not."""
    customer = f"smoke-{uuid.uuid4().hex[:12]}"
    item = "/customers/{id}"
    sequence = [("GET", "/health", "/health", None, 200),
                ("PUT", f"/customers/{customer}", item, {"id": customer}, 201),
                ("GET", f"/customers/{customer}", item, {"id": customer}, 200),
                ("DELETE", f"/customers/{customer}", item, {"id": customer}, 204),
                ("GET", f"/customers/{customer}", item, {"id": customer}, 404)]
    passed = []
    for method, path, resource, params, expected in sequence:
        status = _call(invoke, version, method, path, resource, params)
        if status != expected:
            raise RuntimeError(f"{method} {path}: expected {expected}, got {status}")
        passed.append(f"{method} {path}: {status}")
    return passed


def handler(event: dict[str, str], _context: Any) -> str:
    import boto3

    status = "Succeeded"
    try:
        print(json.dumps({"passed": checks(boto3.client("lambda").invoke, os.environ["NEW_VERSION"])}))
    except Exception as error:  # any failure must reach CodeDeploy, which then rolls back
        print(json.dumps({"failed": str(error)}))
        status = "Failed"
    boto3.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"], status=status)
    return status
