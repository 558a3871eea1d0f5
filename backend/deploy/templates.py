"""Build a stage's CloudFormation templates from the versioned ones in backend/infra/.

Two deploy paths, one set of sources:

- single stack (CI/CD): `merge.json` for `chalice package --stage S --merge-template merge.json OUT`.
  Everything lands next to Chalice's resources; the parameters that name Chalice's API (RestApiId,
  ApiStageName, ApiOrigin) are bound to Chalice's logical IDs, and the gateway responses go into the
  API definition itself, so SAM's deployment includes them.
- deploy.sh: `infra.json` (tables, user pool, workflow, alarm topic, alarms, dashboard) before
  `chalice deploy`, then `edge.json` (API keys, usage plan, console bucket and CDN) after it, with
  the API's ID and URL passed as parameters. Gateway responses are put by API call after each
  `chalice deploy`, because its PutRestApi in overwrite mode drops any gateway response that is
  not in its Swagger document.

Stage values from stages.json become parameter defaults, so each built template is self-contained.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from backend.deploy import canary, monitoring
from backend.deploy.policies import EVENT_HANDLERS, dead_letter_queue_name
from backend.deploy.stage import LambdaFunction, Stage
from chalicelib.http.cors import ALLOWED_HEADERS, EXPOSED_HEADERS

Json = Any

# Other people's templates, deployed unchanged (workflow.json only once it exists).
SUPPORTING_TEMPLATES = ("data.json", "workflow.json")
# The stage's people (user pool, groups, console client): stage data, deployed with the tables. Not
# in data.json, which make dev deploys into the emulator: there the local stack makes its own pool.
IDENTITY_TEMPLATE = "identity.json"
ALARMS_TEMPLATE = "alarms.json"
EDGE_TEMPLATES = ("api.json", "spa.json")
# Deployed once per account and stage, by hand, before the pipeline can run (docs/releasing.md).
PIPELINE_TEMPLATES = ("github-oidc.json",)
# Data files in backend/infra that are not templates.
DATA_FILES = ("stages.json", "gateway-responses.json")

CHALICE_API = "RestAPI"  # logical ID of the REST API in `chalice package` output
PACKAGE_BINDINGS: dict[str, Json] = {
    "RestApiId": {"Ref": CHALICE_API},
    # SAM's reference to the stage it generates: also orders the usage plan after the stage.
    "ApiStageName": {"Ref": f"{CHALICE_API}.Stage"},
    "ApiOrigin": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
}
CORS_ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"


# One JSON object per request, written by API Gateway itself: also for the requests that never
# reach a Lambda (a rejected key, a throttle, a gateway timeout), which leave no other trace.
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "apiKeyId": "$context.identity.apiKeyId",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "protocol": "$context.protocol",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "errorType": "$context.error.responseType",
    "errorMessage": "$context.error.message",
    "integrationStatus": "$context.integration.status",
    "integrationLatency": "$context.integration.latency",
    "integrationError": "$context.integration.error",
    "xrayTraceId": "$context.xrayTraceId",
}, separators=(",", ":"))
ACCESS_LOG_GROUP = "ApiAccessLogGroup"  # in api.json
# Lambda's asynchronous invocation: the first try and two retries, then the on-failure destination.
ASYNC_RETRIES = 2
MAX_EVENT_AGE_SECONDS = 6 * 60 * 60


class TemplateError(Exception):
    """Two templates disagree, or a template is not what the build expects."""


def load(path: Path) -> dict[str, Json]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Json] = json.load(handle)
    return data


def template_paths(stage: Stage, names: tuple[str, ...]) -> list[Path]:
    return [p for p in (stage.infra_dir / n for n in names) if p.exists()]


def merge(templates: list[dict[str, Json]], description: str) -> dict[str, Json]:
    """Union of sections. A name two templates share must mean the same thing in both."""
    merged: dict[str, Json] = {"AWSTemplateFormatVersion": "2010-09-09", "Description": description}
    for template in templates:
        for section in ("Parameters", "Conditions", "Rules", "Mappings", "Resources", "Outputs"):
            target = merged.setdefault(section, {})
            for key, value in template.get(section, {}).items():
                if key not in target:
                    target[key] = copy.deepcopy(value)
                elif section == "Parameters" and target[key].get("Type") == value.get("Type"):
                    continue  # the same input declared by two templates (e.g. StageName)
                elif target[key] != value:
                    raise TemplateError(f"{section}.{key} is defined differently by two templates")
    return {k: v for k, v in merged.items() if v != {}}


def _bind_value(value: Json, name: str, expression: Json) -> Json:
    if isinstance(value, list):
        return [_bind_value(v, name, expression) for v in value]
    if not isinstance(value, dict):
        return value
    if value == {"Ref": name}:
        return copy.deepcopy(expression)
    if "Fn::Sub" in value and len(value) == 1:
        sub = value["Fn::Sub"]
        text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], dict(sub[1]))
        if "${" + name + "}" in text and name not in variables:
            variables[name] = copy.deepcopy(expression)
        variables = {k: _bind_value(v, name, expression) for k, v in variables.items()}
        return {"Fn::Sub": [text, variables] if variables else text}
    return {k: _bind_value(v, name, expression) for k, v in value.items()}


def bind(template: dict[str, Json], bindings: dict[str, Json]) -> dict[str, Json]:
    """Replace parameters by expressions (e.g. RestApiId by Chalice's RestAPI) and drop them."""
    result = copy.deepcopy(template)
    for name, expression in bindings.items():
        if name not in result.get("Parameters", {}):
            continue
        del result["Parameters"][name]
        for section in ("Conditions", "Rules", "Resources", "Outputs"):
            if section in result:
                result[section] = _bind_value(result[section], name, expression)
    return result


def set_defaults(template: dict[str, Json], values: dict[str, str]) -> dict[str, Json]:
    for name, parameter in template.get("Parameters", {}).items():
        if name in values:
            value: Json = values[name]
            if parameter.get("Type") == "Number":
                value = float(value) if "." in value else int(value)  # comparable with AllowedValues
            parameter["Default"] = value
    return template


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def script_hashes(index_html: Path) -> str:
    """CSP sources (" 'sha256-...'") for each inline script, so script-src needs no 'unsafe-inline'."""
    if not index_html.exists():
        return ""
    parser = _InlineScripts()
    parser.feed(index_html.read_text(encoding="utf-8"))
    digests = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in parser.scripts]
    return "".join(f" 'sha256-{d}'" for d in digests)


def gateway_responses(stage: Stage) -> dict[str, dict[str, Json]]:
    """API Gateway's own errors in the API's error shape, with CORS headers for the console.

    Returned as PutGatewayResponse arguments: responseParameters, responseTemplates, statusCode.
    """
    spec = load(stage.infra_dir / "gateway-responses.json")["responses"]
    headers = {
        "Access-Control-Allow-Origin": stage.console_origin,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        "Vary": "Origin",
        "X-Content-Type-Options": "nosniff",
    }
    result: dict[str, dict[str, Json]] = {}
    for response_type, entry in spec.items():
        # $context.error.messageString is API Gateway's message, already quoted and escaped.
        message = json.dumps(entry["message"]) if entry["message"] else "$context.error.messageString"
        code = json.dumps(entry["code"])
        # An error's own headers (Retry-After) come from the spec; header values are quoted literals.
        all_headers = {**headers, **entry.get("headers", {})}
        item: dict[str, Json] = {
            "responseParameters": {f"gatewayresponse.header.{k}": f"'{v}'" for k, v in all_headers.items()},
            "responseTemplates": {"application/json": f'{{"error":{{"code":{code},"message":{message}}}}}'},
        }
        if entry.get("status"):
            item["statusCode"] = str(entry["status"])
        result[response_type] = item
    return result


def _sam_gateway_responses(stage: Stage) -> dict[str, Json]:
    prefix = "gatewayresponse.header."
    sam: dict[str, Json] = {}
    for response_type, item in gateway_responses(stage).items():
        entry: dict[str, Json] = {
            "ResponseParameters": {
                "Headers": {k.removeprefix(prefix): v for k, v in item["responseParameters"].items()}
            },
            "ResponseTemplates": item["responseTemplates"],
        }
        if "statusCode" in item:
            entry["StatusCode"] = item["statusCode"]
        sam[response_type] = entry
    return sam


def _targets(
    stage: Stage, template: dict[str, Json], topic: Json, api_stage: Json, functions: list[tuple[str, Json]],
    release_alias: str = "",
) -> monitoring.Targets:
    tables: list[monitoring.Table] = []
    machines: list[tuple[str, Json]] = []
    queues: list[tuple[str, Json]] = []
    for key, resource in template.get("Resources", {}).items():
        kind = resource.get("Type")
        if kind == "AWS::DynamoDB::Table":
            indexes = tuple(i["IndexName"] for i in resource["Properties"].get("GlobalSecondaryIndexes", []))
            tables.append(monitoring.Table(key, {"Ref": key}, indexes))  # Ref of a table is its name
        elif kind in ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"):
            machines.append((key, {"Ref": key}))  # Ref of a state machine is its ARN
        elif kind == "AWS::SQS::Queue":
            queues.append((key, {"Fn::GetAtt": [key, "QueueName"]}))
    return monitoring.Targets(
        prefix=stage.prefix,
        topic=topic,
        api_name=stage.app_name,
        api_stage=api_stage,
        functions=functions,
        tables=tables,
        state_machines=machines,
        dead_letter_queues=queues,
        metrics_namespace=stage.environment.get("POWERTOOLS_METRICS_NAMESPACE", "CustomerIds"),
        release_alias=release_alias,
    )


def parameter_values(stage: Stage, hashes: str) -> dict[str, str]:
    return {
        **stage.settings,
        "StageName": stage.name,
        "ApiStageName": stage.api_gateway_stage,
        "ScriptHashes": hashes,
    }


def build_infra(stage: Stage, functions: list[LambdaFunction]) -> dict[str, Json]:
    """deploy.sh's first stack: data, people, workflow, alarms (by the names chalice deploy will give)."""
    names = (*SUPPORTING_TEMPLATES, IDENTITY_TEMPLATE, ALARMS_TEMPLATE)
    sources = [load(p) for p in template_paths(stage, names)]
    description = f"{stage.prefix} supporting resources: data, people, workflow, alarms (deploy.sh)"
    template = merge(sources, description)
    targets = _targets(
        stage,
        template,
        {"Ref": "AlarmTopic"},
        stage.api_gateway_stage,
        [(f.logical_id, f.function_name) for f in functions],
    )
    template["Resources"].update(monitoring.monitoring(targets))
    return set_defaults(template, parameter_values(stage, ""))


def _on_failure(stage: Stage, handler: str) -> dict[str, Json]:
    queue = dead_letter_queue_name(stage.prefix, handler)
    arn = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + queue
    return {
        "MaximumRetryAttempts": ASYNC_RETRIES,
        "MaximumEventAgeInSeconds": MAX_EVENT_AGE_SECONDS,
        "DestinationConfig": {"OnFailure": {
            "Destination": {"Fn::Sub": arn},
        }},
    }


def _event_handlers(functions: list[LambdaFunction]) -> list[tuple[str, LambdaFunction]]:
    """(handler name, function) for each function EventBridge invokes asynchronously."""
    return [(h, f) for f in functions for h in EVENT_HANDLERS if f.function_name.endswith(f"-{h}")]


def build_edge(stage: Stage, hashes: str, functions: list[LambdaFunction]) -> dict[str, Json]:
    """deploy.sh's last stack: API key and usage plan, access logs, console bucket and CDN, and the
    event handlers' on-failure destinations (their functions exist only after chalice deploy)."""
    sources = [load(p) for p in template_paths(stage, EDGE_TEMPLATES)]
    template = merge(sources, f"{stage.prefix} API access and console hosting (deploy.sh)")
    for handler, function in _event_handlers(functions):
        template["Resources"][f"{function.logical_id}InvokeConfig"] = {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {"FunctionName": function.function_name, "Qualifier": "$LATEST",
                           **_on_failure(stage, handler)},
        }
    return set_defaults(template, parameter_values(stage, hashes))


def build_package_merge(stage: Stage, functions: list[LambdaFunction], hashes: str) -> dict[str, Json]:
    """The --merge-template for `chalice package`: everything of the stage in one stack."""
    names = (*SUPPORTING_TEMPLATES, IDENTITY_TEMPLATE, ALARMS_TEMPLATE, *EDGE_TEMPLATES)
    template = merge(
        [load(p) for p in template_paths(stage, names)],
        f"{stage.prefix}: Chalice API and Lambdas with every supporting resource (one stack)",
    )
    targets = _targets(
        stage,
        template,
        {"Ref": "AlarmTopic"},
        PACKAGE_BINDINGS["ApiStageName"],
        [(f.logical_id, {"Ref": f.logical_id}) for f in functions],
        release_alias=canary.ALIAS,  # the single stack releases through CodeDeploy (canary.py)
    )
    template["Resources"].update(monitoring.monitoring(targets))
    template = bind(template, PACKAGE_BINDINGS)
    # Deep-merged by Chalice into its own RestAPI: SAM writes GatewayResponses into the Swagger
    # body, so every SAM deployment carries them; chalice package sets no TracingEnabled itself.
    template["Resources"][CHALICE_API] = {
        "Properties": {
            "TracingEnabled": stage.xray,
            "GatewayResponses": _sam_gateway_responses(stage),
            "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": [ACCESS_LOG_GROUP, "Arn"]},
                                 "Format": ACCESS_LOG_FORMAT},
        },
        # The stage can log only once the account names API Gateway's CloudWatch role.
        "DependsOn": ["ApiGatewayAccount"],
    }
    for handler, function in _event_handlers(functions):
        on_failure = _on_failure(stage, handler)
        on_failure["DestinationConfig"]["OnFailure"]["Type"] = "SQS"  # SAM wants the kind named
        template["Resources"][function.logical_id] = {"Properties": {"EventInvokeConfig": on_failure}}
    if stage.log_retention_set:
        # chalice 1.34 names the API handler's log group after ${ApiHandler}, a resource it has just
        # renamed to APIHandler: CloudFormation would reject the unresolved reference.
        template["Resources"]["ApiHandlerLogGroup"] = {
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${APIHandler}"}}
        }
    return set_defaults(template, parameter_values(stage, hashes))


def write(path: Path, template: dict[str, Json]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    return path
