"""The packaged template with the canary, expanded offline by AWS's SAM translator (.venv-checkov):
what CloudFormation's transform makes of canary.py's rewrite, checked on its output."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from backend.deploy import canary
from backend.deploy.checkov import VENV
from tests.infra.conftest import ROOT, Built

SCRIPT = ROOT / "backend" / "deploy" / "sam_transform.py"
EVENT_HANDLERS = ("StartWorkflow", "RecordWorkflowEnd", "ReconcileSubmissions")
API_FUNCTIONS = ("APIHandler", "Authorize")  # API Gateway invokes both: the handler and its authorizer


@pytest.fixture(scope="module")
def expanded(built: dict[str, Built], tmp_path_factory: pytest.TempPathFactory,
             checkov_installed: None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for stage, build in built.items():
        target = tmp_path_factory.mktemp("sam") / f"{stage}.json"
        source = build.work_dir / "package" / "sam.json"
        run = subprocess.run([str(VENV / "bin" / "python"), str(SCRIPT), str(source), str(target)],
                             capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        out[stage] = json.loads(target.read_text())["Resources"]
    return out


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def alias(function: str) -> dict[str, str]:
    return {"Ref": f"{function}Alias{canary.ALIAS}"}


def test_sam_makes_a_live_alias_and_a_deployment_group_per_function(
    expanded: dict[str, dict[str, Any]]
) -> None:
    for stage, resources in expanded.items():
        aliases = of_type(resources, "AWS::Lambda::Alias")
        assert set(aliases) == {f"{f}Alias{canary.ALIAS}" for f in (*API_FUNCTIONS, *EVENT_HANDLERS)}, stage
        groups = of_type(resources, "AWS::CodeDeploy::DeploymentGroup")
        expected = "Canary10Percent5Minutes" if stage == "prod" else "AllAtOnce"
        for name, group in groups.items():
            properties = group["Properties"]
            config = properties["DeploymentConfigName"]["Fn::Sub"][1]["ConfigName"]
            assert config == expected, name
            assert properties["AutoRollbackConfiguration"]["Enabled"] is True
            assert "DEPLOYMENT_STOP_ON_ALARM" in properties["AutoRollbackConfiguration"]["Events"]
            alarms = [a["Name"]["Ref"] for a in properties["AlarmConfiguration"]["Alarms"]]
            function = name.removesuffix("DeploymentGroup")
            assert alarms == canary.rollback_alarms(function)


def test_api_gateway_and_every_event_source_invoke_the_alias(expanded: dict[str, dict[str, Any]]) -> None:
    for resources in expanded.values():
        body = json.dumps(resources["RestAPI"]["Properties"]["Body"])
        assert "${APIHandler.Arn}" not in body and '"Fn::GetAtt": ["APIHandler", "Arn"]' not in body
        assert json.dumps({"ApiAlias": alias("APIHandler")}) in body
        permissions = of_type(resources, "AWS::Lambda::Permission")
        assert all(p["Properties"]["FunctionName"] in [alias(f) for f in (*API_FUNCTIONS, *EVENT_HANDLERS)]
                   for p in permissions.values()), "a permission on an unversioned function"
        assert "${Authorize.Arn}" not in body and json.dumps({"AuthorizerAlias": alias("Authorize")}) in body
        for name, rule in of_type(resources, "AWS::Events::Rule").items():
            targets = [t["Arn"] for t in rule["Properties"].get("Targets", []) if "Lambda" in t["Id"]]
            assert all(t in [alias(f) for f in EVENT_HANDLERS] for t in targets), name


def test_the_api_sam_makes_keeps_the_edge_design(expanded: dict[str, dict[str, Any]]) -> None:
    # GIVEN the REST API the transform makes (its Body is what API Gateway imports)
    for resources in expanded.values():
        body = resources["RestAPI"]["Properties"]["Body"]
        # THEN the REQUEST authorizer, uncached with no identity source, and the key source survive
        authorizer = body["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]
        assert authorizer["type"] == "request" and authorizer["authorizerResultTtlInSeconds"] == 0
        assert "identitySource" not in authorizer
        assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"


def test_the_hook_and_the_new_version_alarm_name_the_published_version(
    expanded: dict[str, dict[str, Any]]
) -> None:
    for resources in expanded.values():
        versions = of_type(resources, "AWS::Lambda::Version")
        (version,) = [k for k in versions if k.startswith("APIHandlerVersion")]
        hook = resources[canary.HOOK]["Properties"]
        assert hook["Environment"]["Variables"]["NEW_VERSION"] == {"Ref": version}
        dimensions = {d["Name"]: d["Value"] for d in
                      resources["APIHandlerNewVersionErrorsAlarm"]["Properties"]["Dimensions"]}
        assert dimensions["ExecutedVersion"] == {"Fn::GetAtt": [version, "Version"]}
        group = resources["APIHandlerDeploymentGroup"]["Properties"]
        assert group["DeploymentStyle"] == {"DeploymentOption": "WITH_TRAFFIC_CONTROL",
                                            "DeploymentType": "BLUE_GREEN"}
        update = resources[f"APIHandlerAlias{canary.ALIAS}"]["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
        assert update["BeforeAllowTrafficHook"] == {"Ref": canary.HOOK}
