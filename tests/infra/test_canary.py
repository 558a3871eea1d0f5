"""The canary in the packaged template (backend/deploy/canary.py), pinned on what deploy.sh --dry-run built.

If a Chalice upgrade changes the shape the rewrite expects (the integration URI, the permission,
the function's logical ID), the build fails and so do these tests, loudly.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from backend.deploy import canary, monitoring
from backend.deploy.stage import load_stage
from tests.infra.conftest import Built

Template = dict[str, Any]


def functions(template: Template) -> dict[str, Template]:
    return {k: v["Properties"] for k, v in template["Resources"].items()
            if v["Type"] == "AWS::Serverless::Function" and k != canary.HOOK}


def test_every_function_shifts_traffic_through_the_alias(stage_built: Built) -> None:
    # GIVEN the packaged template of a stage
    template = stage_built.template("package")
    expected = "Canary10Percent5Minutes" if stage_built.stage == "prod" else "AllAtOnce"
    # THEN the API handler, its authorizer and every event handler publish an alias and deploy
    # through CodeDeploy
    found = functions(template)
    assert {"APIHandler", "Authorize", "StartWorkflow", "RecordWorkflowEnd",
            "ReconcileSubmissions"} <= set(found)
    for name, properties in found.items():
        assert properties["AutoPublishAlias"] == canary.ALIAS, name
        preference = properties["DeploymentPreference"]
        assert preference["Type"] == expected, name
        # (the authorizer's errors are its 401 refusals: a wrong password must not roll a release back)
        own_errors = {"Ref": f"{name}NewVersionErrorsAlarm"} in preference["Alarms"]
        assert own_errors is (name not in monitoring.ANSWERS_BY_RAISING), name
        for alarm in ("Api5xxAlarm", "ApiLatencyP99Alarm", "StateMachineFailuresAlarm"):
            assert {"Ref": alarm} in preference["Alarms"], (name, alarm)
    assert found["APIHandler"]["DeploymentPreference"]["Hooks"] == {"PreTraffic": {"Ref": canary.HOOK}}


def test_api_gateway_invokes_the_alias_not_the_function(stage_built: Built) -> None:
    template = stage_built.template("package")
    # THEN no integration points at the unversioned function, each points at the alias
    text = json.dumps(template)
    assert "${APIHandler.Arn}" not in text
    uris = [integration["uri"] for integration in _integrations(template)]
    assert uris, "no Lambda integration found"
    alias_uri = {"Fn::Sub": [canary.ALIAS_URI, {"ApiAlias": {"Ref": "APIHandler.Alias"}}]}
    assert all(uri == alias_uri for uri in uris)
    # AND API Gateway may invoke the alias (a permission on the function alone would not let it)
    permission = template["Resources"][canary.API_PERMISSION]["Properties"]
    assert permission["FunctionName"] == {"Ref": "APIHandler.Alias"}


def test_api_gateway_invokes_the_authorizer_s_alias_not_the_function(stage_built: Built) -> None:
    template = stage_built.template("package")
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    # THEN the authorizer's URI is its alias, and so is what its invoke permission names
    assert "${Authorize.Arn}" not in json.dumps(body)
    authorizer = body["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]
    assert authorizer["authorizerUri"] == {
        "Fn::Sub": [canary.AUTHORIZER_ALIAS_URI, {"AuthorizerAlias": {"Ref": "Authorize.Alias"}}]}
    permission = template["Resources"]["AuthorizeInvokePermission"]["Properties"]
    assert permission["FunctionName"] == {"Ref": "Authorize.Alias"}


def test_event_sources_follow_the_alias_and_the_workflow_calls_no_function(stage_built: Built) -> None:
    template = stage_built.template("package")
    # THEN every event source is a SAM event of its function (SAM points those at the alias) ...
    for name in ("StartWorkflow", "RecordWorkflowEnd", "ReconcileSubmissions"):
        events = functions(template)[name]["Events"]
        assert {e["Type"] for e in events.values()} <= {"CloudWatchEvent", "EventBridgeRule", "Schedule"}
    # ... no rule of our own targets a function by its unversioned ARN ...
    rules = [v for v in template["Resources"].values() if v["Type"] == "AWS::Events::Rule"]
    assert all("Lambda" not in json.dumps(r) for r in rules)
    # ... and the state machine calls DynamoDB only, never Lambda
    machine = json.dumps(template["Resources"]["StateMachine"]["Properties"])
    assert "arn:aws:states:::lambda" not in machine and "lambda:invoke" not in machine.lower()


def test_the_pre_traffic_hook_tests_the_new_version(stage_built: Built) -> None:
    hook = stage_built.template("package")["Resources"][canary.HOOK]["Properties"]
    assert hook["InlineCode"] == canary.HOOK_SOURCE.read_text(encoding="utf-8")
    assert hook["Environment"]["Variables"]["NEW_VERSION"] == {"Ref": "APIHandler.Version"}
    assert hook["FunctionName"].startswith("CodeDeployHook_")
    assert "DeploymentPreference" not in hook


def test_every_rollback_alarm_exists_and_is_on_the_dashboard(stage_built: Built) -> None:
    template = stage_built.template("package")
    named = {ref["Ref"] for p in functions(template).values() for ref in p["DeploymentPreference"]["Alarms"]}
    alarms = {k for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"}
    assert named <= alarms, f"named by the canary but not in the template: {sorted(named - alarms)}"
    variables = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][1]
    on_dashboard = {v["Fn::GetAtt"][0] for v in variables.values() if "Fn::GetAtt" in v}
    assert named <= on_dashboard, f"not on the dashboard: {sorted(named - on_dashboard)}"


def test_new_version_alarm_watches_only_the_released_version(stage_built: Built) -> None:
    alarm = stage_built.template("package")["Resources"]["APIHandlerNewVersionErrorsAlarm"]["Properties"]
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions["ExecutedVersion"] == {"Fn::GetAtt": ["APIHandler.Version", "Version"]}
    assert dimensions["Resource"] == {"Fn::Sub": ["${Name}:live", {"Name": {"Ref": "APIHandler"}}]}


def as_chalice_wrote_it(built: Built) -> Template:
    """The packaged template with the alias rewrites undone: Chalice's own shape."""
    template = copy.deepcopy(built.template("package"))
    for integration in _integrations(template):
        integration["uri"] = {"Fn::Sub": canary.CHALICE_URI}
    template["Resources"][canary.API_PERMISSION]["Properties"]["FunctionName"] = {"Ref": "APIHandler"}
    chalice_uri = canary.CHALICE_AUTHORIZER_URI.format(function="Authorize")
    _authorizer(template)["authorizerUri"] = {"Fn::Sub": chalice_uri}
    template["Resources"]["AuthorizeInvokePermission"]["Properties"]["FunctionName"] = {
        "Fn::GetAtt": ["Authorize", "Arn"]}
    return template


def _authorizer(template: Template) -> Template:
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizer: Template = body["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]
    return authorizer


def _integrations(template: Template) -> list[Template]:
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    return [op["x-amazon-apigateway-integration"] for ops in body["paths"].values() for op in ops.values()
            if op.get("x-amazon-apigateway-integration", {}).get("type") == "aws_proxy"]


def test_the_rewrite_accepts_chalices_shape(built: dict[str, Built]) -> None:
    rewritten = canary.add_canary(as_chalice_wrote_it(built["dev"]), load_stage("dev"))
    permission = rewritten["Resources"][canary.API_PERMISSION]["Properties"]
    assert permission["FunctionName"] == {"Ref": "APIHandler.Alias"}
    assert rewritten["Resources"]["AuthorizeInvokePermission"]["Properties"]["FunctionName"] == {
        "Ref": "Authorize.Alias"}


@pytest.mark.parametrize("change", ["uri", "permission", "function", "authorizer uri",
                                    "authorizer permission"])
def test_a_chalice_shape_change_fails_loudly(built: dict[str, Built], change: str) -> None:
    # GIVEN the template as chalice package writes it
    template = as_chalice_wrote_it(built["dev"])
    # WHEN Chalice writes something else
    if change == "uri":
        for integration in _integrations(template):
            integration["uri"] = {"Fn::GetAtt": ["APIHandler", "Arn"]}
    elif change == "permission":
        template["Resources"][canary.API_PERMISSION]["Properties"]["FunctionName"] = {
            "Fn::GetAtt": ["APIHandler", "Arn"]}
    elif change == "authorizer uri":
        _authorizer(template)["authorizerUri"] = {"Fn::GetAtt": ["Authorize", "Arn"]}
    elif change == "authorizer permission":
        permission = template["Resources"]["AuthorizeInvokePermission"]["Properties"]
        permission["FunctionName"] = {"Ref": "Authorize"}
    else:
        template["Resources"]["ApiHandler"] = template["Resources"].pop("APIHandler")
    # THEN the rewrite refuses, naming what changed
    with pytest.raises(canary.TemplateError):
        canary.add_canary(template, load_stage("dev"))
