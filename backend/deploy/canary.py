"""Canary releases: rewrite the template `chalice package` wrote so CodeDeploy shifts traffic.

Chalice (1.34) knows no Lambda versions or aliases. This rewrite, applied to package/sam.json by
`python -m backend.deploy package`, adds to every function Chalice packages:

- `AutoPublishAlias: live` and a `DeploymentPreference` (Canary10Percent5Minutes in prod, AllAtOnce
  elsewhere) whose rollback alarms are the new version's errors, API 5XX, API p99 latency and the
  workflow's failures (backend/deploy/monitoring.py makes them all, and puts them on the dashboard);
- for the API handler, a pre-traffic hook (backend/deploy/pre_traffic_hook.py) that runs the smoke
  test against the new version before CodeDeploy moves any traffic.

Chalice points API Gateway's integration at `${APIHandler.Arn}` and its invoke permission at
`Ref: APIHandler`, the unversioned function: REST traffic would keep going to $LATEST while
CodeDeploy shifts the alias. Both are rewritten to the alias, and so are the authorizer's URI
(`${Authorize.Arn}` in the Swagger's security definitions) and its invoke permission. The event
handlers need no rewrite: SAM points a function's `Events` (EventBridge rules, schedules) at its
alias when AutoPublishAlias is set. The state machine calls no Lambda (it writes DynamoDB
directly), so it has nothing to point.

Each rewrite checks the shape it expects first and raises TemplateError when Chalice wrote
something else, so a Chalice upgrade that changes the template fails the build, loudly.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from backend.deploy import monitoring
from backend.deploy.stage import Stage

Json = Any

ALIAS = "live"
API_FUNCTION = "APIHandler"
API_PERMISSION = "APIHandlerInvokePermission"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
HOOK = "PreTrafficSmokeHook"
HOOK_SOURCE = Path(__file__).with_name("pre_traffic_hook.py")
INLINE_CODE_LIMIT = 4096  # Lambda's ZipFile (SAM InlineCode) limit, in bytes
DEPLOYMENT_TYPES = {"prod": "Canary10Percent5Minutes"}
DEFAULT_DEPLOYMENT_TYPE = "AllAtOnce"  # dev: shift at once, still roll back on the alarms
# Chalice's integration URI for the API handler (chalice/deploy/swagger.py), and ours.
CHALICE_URI = ("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
               "${APIHandler.Arn}/invocations")
ALIAS_URI = ("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
             "${ApiAlias}/invocations")
# Chalice's URI of a built-in authorizer's function (CFNSwaggerGenerator._auth_uri), and ours.
CHALICE_AUTHORIZER_URI = ("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/"
                          "functions/${{{function}.Arn}}/invocations")
AUTHORIZER_ALIAS_URI = ("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                        "${AuthorizerAlias}/invocations")
# Alarms every deployment group watches (besides its own function's new-version errors).
SHARED_ROLLBACK_ALARMS = ("Api5xxAlarm", "ApiLatencyP99Alarm", "StateMachineFailuresAlarm")


class TemplateError(Exception):
    """The packaged template is not the shape this rewrite was written for."""


def deployment_type(stage: Stage) -> str:
    return DEPLOYMENT_TYPES.get(stage.name, DEFAULT_DEPLOYMENT_TYPE)


def rollback_alarms(function: str) -> list[str]:
    if function in monitoring.ANSWERS_BY_RAISING:  # its errors are its refusals: no alarm on them
        return list(SHARED_ROLLBACK_ALARMS)
    return [f"{function}NewVersionErrorsAlarm", *SHARED_ROLLBACK_ALARMS]


def _functions(template: dict[str, Json]) -> list[str]:
    return [k for k, v in template["Resources"].items() if v.get("Type") == SERVERLESS_FUNCTION and k != HOOK]


def _integrations(template: dict[str, Json]) -> list[dict[str, Json]]:
    """Every x-amazon-apigateway-integration in the API's Swagger body."""
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    return [op["x-amazon-apigateway-integration"] for ops in body.get("paths", {}).values()
            for op in ops.values() if isinstance(op, dict) and "x-amazon-apigateway-integration" in op]


def _point_api_at_alias(template: dict[str, Json]) -> None:
    lambda_integrations = [i for i in _integrations(template) if i.get("type") == "aws_proxy"]
    if not lambda_integrations:
        raise TemplateError("no aws_proxy integration in RestAPI's DefinitionBody: Chalice changed it")
    for integration in lambda_integrations:
        if integration.get("uri") != {"Fn::Sub": CHALICE_URI}:
            raise TemplateError(f"unexpected integration uri {integration.get('uri')!r}: Chalice changed it")
        integration["uri"] = {"Fn::Sub": [ALIAS_URI, {"ApiAlias": {"Ref": f"{API_FUNCTION}.Alias"}}]}
    permission = template["Resources"].get(API_PERMISSION, {}).get("Properties", {})
    if permission.get("FunctionName") != {"Ref": API_FUNCTION}:
        raise TemplateError(f"{API_PERMISSION} does not name {{'Ref': {API_FUNCTION}}}: Chalice changed it")
    permission["FunctionName"] = {"Ref": f"{API_FUNCTION}.Alias"}


def _point_authorizers_at_aliases(template: dict[str, Json], functions: list[str]) -> None:
    """Each built-in authorizer's URI and invoke permission: its function's alias, not $LATEST."""
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    for scheme in body.get("securityDefinitions", {}).values():
        authorizer = scheme.get("x-amazon-apigateway-authorizer")
        if authorizer is None:
            continue
        function = next((f for f in functions if authorizer.get("authorizerUri") ==
                         {"Fn::Sub": CHALICE_AUTHORIZER_URI.format(function=f)}), None)
        if function is None:
            uri = authorizer.get("authorizerUri")
            raise TemplateError(f"unexpected authorizerUri {uri!r}: Chalice changed it")
        alias = {"Ref": f"{function}.Alias"}
        authorizer["authorizerUri"] = {"Fn::Sub": [AUTHORIZER_ALIAS_URI, {"AuthorizerAlias": alias}]}
        permission = template["Resources"].get(f"{function}InvokePermission", {}).get("Properties", {})
        if permission.get("FunctionName") != {"Fn::GetAtt": [function, "Arn"]}:
            raise TemplateError(f"{function}InvokePermission does not name {function}'s ARN: "
                                "Chalice changed it")
        permission["FunctionName"] = alias


def _hook(stage: Stage, runtime: str) -> dict[str, Json]:
    code = HOOK_SOURCE.read_text(encoding="utf-8")
    if len(code.encode()) > INLINE_CODE_LIMIT:
        raise TemplateError(f"{HOOK_SOURCE.name} is over Lambda's {INLINE_CODE_LIMIT}-byte inline limit")
    version = {"Ref": f"{API_FUNCTION}.Version"}
    return {
        "Type": SERVERLESS_FUNCTION,
        "Properties": {
            # CodeDeploy's managed role (AWSCodeDeployRoleForLambda) invokes hooks named so only.
            "FunctionName": f"CodeDeployHook_{stage.prefix}-pre-traffic",
            "Runtime": runtime,  # the API's: the hook is tested with this interpreter
            "Handler": "index.handler",
            "InlineCode": code,
            "Timeout": 60,
            "MemorySize": 256,
            "Tracing": "Active",
            "Environment": {"Variables": {"NEW_VERSION": version}},
            "Policies": [{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": version},
                {"Effect": "Allow", "Action": "codedeploy:PutLifecycleEventHookExecutionStatus",
                 # SAM's CodeDeploy application is named <stack>-ServerlessDeploymentApplication-<id>.
                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:"
                                         "deploymentgroup:${AWS::StackName}-ServerlessDeploymentApplication-*/*"}},
            ]}],
        },
    }


def add_canary(template: dict[str, Json], stage: Stage) -> dict[str, Json]:
    """The packaged template with aliases, traffic shifting, rollback alarms and the hook."""
    result = copy.deepcopy(template)
    functions = _functions(result)
    if API_FUNCTION not in functions:
        raise TemplateError(f"no {API_FUNCTION} function in the packaged template: Chalice renamed it")
    alarms = {k for k, v in result["Resources"].items() if v.get("Type") == "AWS::CloudWatch::Alarm"}
    runtime = result["Resources"][API_FUNCTION]["Properties"]["Runtime"]
    for function in functions:
        missing = [a for a in rollback_alarms(function) if a not in alarms]
        if missing:
            raise TemplateError(f"{function}'s rollback alarms are not in the template: {missing}")
        preference: dict[str, Json] = {
            "Type": deployment_type(stage),
            "Alarms": [{"Ref": a} for a in rollback_alarms(function)],
        }
        if function == API_FUNCTION:
            preference["Hooks"] = {"PreTraffic": {"Ref": HOOK}}
        result["Resources"][function]["Properties"].update(
            AutoPublishAlias=ALIAS, DeploymentPreference=preference)
    _point_api_at_alias(result)
    _point_authorizers_at_aliases(result, functions)
    result["Resources"][HOOK] = _hook(stage, runtime)
    return result
