"""Stage configuration: keys Chalice really reads, least-privilege policies that match the code.

GIVEN .chalice/config.json, the policy files and backend/infra/stages.json, THEN each deployable
stage is consistent with itself, with what the installed Chalice reads (through its own Config, as
`chalice package` does), and with the AWS calls the Lambda code makes.
"""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest
from chalice.config import Config

from tests.infra.conftest import ROOT, STAGES

# IAM prefix of each service the Lambda code may call, keyed by botocore's service name.
SERVICES = {"dynamodb": "dynamodb", "ssm": "ssm", "events": "events", "stepfunctions": "states"}
NO_WILDCARD_RESOURCE = ("dynamodb", "events", "states")
API_GATEWAY_TIMEOUT = 29  # seconds API Gateway waits for the Lambda


def config() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return data


def stage_settings(stage: str) -> dict[str, str]:
    data: dict[str, dict[str, str]] = json.loads((ROOT / "backend" / "infra" / "stages.json").read_text())
    return data[stage]


def policy(stage: str) -> list[dict[str, Any]]:
    """Every statement of every function's policy in the stage."""
    statements: list[dict[str, Any]] = []
    for function in config()["stages"][stage]["lambda_functions"].values():
        statements += json.loads((ROOT / ".chalice" / function["iam_policy_file"]).read_text())["Statement"]
    for statement in statements:
        for field in ("Action", "Resource"):
            if isinstance(statement[field], str):
                statement[field] = [statement[field]]
    return statements


def granted(stage: str) -> dict[str, set[str]]:
    """IAM action -> the resources it is allowed on."""
    result: dict[str, set[str]] = {}
    for statement in policy(stage):
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            result.setdefault(action, set()).update(statement["Resource"])
    return result


# A config key -> the chalice.config.Config property that reads it, where the names differ.
PROPERTY_OF = {"xray": "xray_enabled", "version": "config_file_version"}
MERGED = {"environment_variables", "tags"}  # Chalice merges these across levels; the rest, most specific wins


def chalice_reads(stage: str, function: str) -> Config:
    """The values Chalice gives the packager for one function of one stage: its CLI's own config
    object, read from .chalice/config.json and scoped as `chalice package` scopes it."""
    from chalice.cli.factory import CLIFactory

    stage_config: Config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=stage)
    return stage_config.scope(stage, function)


def settings_by_level(stage: str, function: str) -> list[dict[str, Any]]:
    """The keys the project sets for this function, least specific first: top, stage, function."""
    data = config()
    top = {k: v for k, v in data.items() if k not in ("stages", "lambda_functions")}
    in_stage = {k: v for k, v in data["stages"][stage].items() if k != "lambda_functions"}
    return [top, in_stage, data["stages"][stage].get("lambda_functions", {}).get(function, {})]


def every_stage_and_function() -> list[tuple[str, str]]:
    from backend.deploy import policies

    return [(stage, function) for stage in config()["stages"] for function in policies.FUNCTIONS]


@pytest.mark.parametrize(("stage", "function"), every_stage_and_function())
def test_every_key_we_set_is_what_chalice_reads_for_that_function(stage: str, function: str) -> None:
    # GIVEN the function's settings as Chalice's Config resolves them for `chalice package`
    resolved = chalice_reads(stage, function)
    # THEN each key set at any level is one Chalice reads, and it reads it where we set it: a key
    # Chalice looks up only at the top level would come back without our stage's value
    expected: dict[str, Any] = {}
    for level in settings_by_level(stage, function):
        for key, value in level.items():
            expected[key] = {**expected.get(key, {}), **value} if key in MERGED else value
    for key, value in expected.items():
        name = PROPERTY_OF.get(key, key)
        assert hasattr(resolved, name), f"Chalice has no setting {key!r} ({stage}, {function})"
        read = getattr(resolved, name)
        if key in MERGED:  # Chalice adds its own tag
            assert value.items() <= read.items(), f"{stage}, {function}: {key} read as {read}"
        else:
            assert read == value, f"{stage}, {function}: Chalice reads {key} = {read!r}, not {value!r}"


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_has_its_own_policy_file(stage: str) -> None:
    from backend.deploy import policies
    from backend.deploy.stage import lambda_functions, load_stage

    functions = config()["stages"][stage]["lambda_functions"]
    packaged = {f.logical_id for f in lambda_functions(load_stage(stage))}
    assert len(packaged) == len(policies.FUNCTIONS) == len(functions)
    for name in policies.FUNCTIONS:
        assert functions[name]["iam_policy_file"] == policies.policy_file(stage, name)


@pytest.mark.parametrize("stage", STAGES)
def test_dead_letter_queues_are_named_after_the_stage_s_functions(stage: str) -> None:
    from backend.deploy.stage import load_stage

    loaded = load_stage(stage)
    assert loaded.settings["FunctionNamePrefix"] == loaded.prefix, "backend/infra/stages.json"


def test_the_api_answers_within_its_budget_in_every_stage() -> None:
    for stage, values in config()["stages"].items():
        api = values["lambda_functions"]["api_handler"]
        assert api["environment_variables"]["REQUEST_BUDGET_SECONDS"] == "4", stage


@pytest.mark.parametrize("stage", STAGES)
def test_deployable_stage_sets_what_production_needs(stage: str) -> None:
    values = config()["stages"][stage]
    assert values["xray"] is True
    assert values["autogen_policy"] is False
    assert "iam_policy_file" not in values, "one policy per function, not one for the stage"
    assert values["log_retention_in_days"] > 0
    assert 128 <= values["lambda_memory_size"] <= 10240
    api = values["lambda_functions"]["api_handler"]
    assert api["lambda_timeout"] == 10 < API_GATEWAY_TIMEOUT, "API Gateway gives up after 29 s"
    assert api["environment_variables"]["REQUEST_BUDGET_SECONDS"] == "4"
    assert values["tags"]["stage"] == stage
    # `xray` makes Lambda and API Gateway trace; the SDK patches our DynamoDB calls only when told.
    assert values["environment_variables"]["TRACING_ENABLED"] == "true"


def test_the_local_stage_never_traces() -> None:
    assert "TRACING_ENABLED" not in config()["stages"]["local"].get("environment_variables", {})


def stage_tables(stage: str) -> dict[str, tuple[str, ...]]:
    """Name -> index names of every table the stage's supporting templates create."""
    from backend.deploy import templates
    from backend.deploy.stage import load_stage

    loaded = load_stage(stage)
    tables: dict[str, tuple[str, ...]] = {}
    for path in templates.template_paths(loaded, templates.SUPPORTING_TEMPLATES):
        template = templates.load(path)
        for resource in template["Resources"].values():
            if resource["Type"] != "AWS::DynamoDB::Table":
                continue
            parameter = resource["Properties"]["TableName"]["Ref"]
            name = loaded.settings.get(parameter) or template["Parameters"][parameter]["Default"]
            indexes = tuple(i["IndexName"] for i in resource["Properties"].get("GlobalSecondaryIndexes", []))
            tables[name] = indexes
    return tables


@pytest.mark.parametrize("stage", STAGES)
def test_every_table_the_stage_creates_is_the_one_its_lambda_is_told(stage: str) -> None:
    from backend.deploy.stage import load_stage

    environment = load_stage(stage).environment
    told = {v for k, v in environment.items() if k.endswith("_TABLE")}
    untold = set(stage_tables(stage)) - told
    assert untold == set(), (
        f"stage {stage} creates {sorted(untold)} but no *_TABLE variable of .chalice/config.json names it"
    )


@pytest.mark.parametrize("stage", STAGES)
def test_the_state_machine_the_stage_creates_is_the_one_its_lambda_starts(stage: str) -> None:
    from backend.deploy import templates
    from backend.deploy.stage import load_stage

    loaded = load_stage(stage)
    for path in templates.template_paths(loaded, templates.SUPPORTING_TEMPLATES):
        template = templates.load(path)
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                parameter = resource["Properties"]["StateMachineName"]["Ref"]
                name = loaded.settings.get(parameter) or template["Parameters"][parameter]["Default"]
                assert name == loaded.environment["WORKFLOW_NAME"]


@pytest.mark.parametrize("stage", STAGES)
def test_policy_has_no_wildcard_resource_or_action_for_data_events_or_workflows(stage: str) -> None:
    for action, resources in granted(stage).items():
        service, name = action.split(":")
        assert "*" not in name, f"{action}: name each action"
        if service in NO_WILDCARD_RESOURCE:
            # One state machine's executions are named by the machine's name and then `*`.
            assert all(r != "*" and (not r.endswith(":*") or ":execution:" in r) for r in resources), action


@pytest.mark.parametrize("stage", STAGES)
def test_policy_names_only_this_stages_resources(stage: str) -> None:
    from backend.deploy.stage import load_stage

    loaded = load_stage(stage)
    tables = dict(stage_tables(stage))
    # and every table a *_TABLE variable names (the idempotency table is written by Powertools).
    tables.update({v: tables.get(v, ()) for k, v in loaded.environment.items() if k.endswith("_TABLE")})
    allowed_tables = {
        f"arn:aws:dynamodb:*:*:table/{name}{suffix}"
        for name, indexes in tables.items()
        for suffix in ["", *(f"/index/{i}" for i in indexes)]
    }
    resources = {a: rs for a, rs in granted(stage).items()}
    assert {r for a, rs in resources.items() if a.startswith("dynamodb:") for r in rs} <= allowed_tables
    secret = f"arn:aws:ssm:*:*:parameter{loaded.cursor_secret_parameter}"
    assert resources["ssm:GetParameter"] == {secret}
    logs = {r for a, rs in resources.items() if a.startswith("logs:") for r in rs}
    assert all(r.startswith(f"arn:aws:logs:*:*:log-group:/aws/lambda/{loaded.prefix}") for r in logs)
    machine = loaded.environment.get("WORKFLOW_NAME", "customers-workflow")
    assert resources["states:StartExecution"] == {f"arn:aws:states:*:*:stateMachine:{machine}"}
    assert resources["states:DescribeExecution"] == {f"arn:aws:states:*:*:execution:{machine}:*"}
    assert all(r.startswith(f"arn:aws:sqs:*:*:{loaded.prefix}-") for r in resources["sqs:SendMessage"])


def _operations_called() -> dict[str, set[str]]:
    """IAM actions the Lambda code calls, found by botocore method names in app.py and chalicelib/."""
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    by_method: dict[str, set[str]] = {}
    for service, prefix in SERVICES.items():
        for operation in session.get_service_model(service).operation_names:
            by_method.setdefault(xform_name(operation), set()).add(f"{prefix}:{operation}")
    called: dict[str, set[str]] = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in by_method
            ):
                for action in by_method[node.func.attr]:
                    called.setdefault(action, set()).add(f"{path.relative_to(ROOT)}:{node.lineno}")
    return called


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_every_aws_call_the_code_makes(stage: str) -> None:
    missing = {a: sorted(where) for a, where in _operations_called().items() if a not in granted(stage)}
    assert missing == {}, f"add these actions to .chalice/policy-{stage}.json (resource-scoped)"


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_no_data_action_the_code_does_not_make(stage: str) -> None:
    unused = {a for a in granted(stage) if a.split(":")[0] in NO_WILDCARD_RESOURCE} - set(
        _operations_called()
    )
    assert unused == set(), "least privilege: drop what the code no longer calls"
