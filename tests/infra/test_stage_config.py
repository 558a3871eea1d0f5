"""Stage configuration: keys Chalice really reads, least-privilege policies that match the code.

GIVEN .chalice/config.json, the policy files and backend/infra/stages.json, THEN each deployable
stage is consistent with itself, with what the installed Chalice honours, and with the AWS calls
the Lambda code makes.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

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


@cache
def chalice_keys() -> dict[str, bool]:
    """Config keys the installed Chalice reads, from its source: key -> may vary per stage."""
    import chalice.config

    tree = ast.parse(Path(chalice.config.__file__).read_text())
    keys: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            first = node.args[0]
            if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
                continue
            if node.func.attr == "_chain_merge":
                keys[first.value] = True
            elif node.func.attr == "_chain_lookup":
                per_stage = any(
                    k.arg == "varies_per_chalice_stage"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is True
                    for k in node.keywords
                )
                keys[first.value] = keys.get(first.value, False) or per_stage
    return keys


def test_chalice_source_scan_finds_the_keys_we_rely_on() -> None:
    assert {
        "xray",
        "iam_policy_file",
        "autogen_policy",
        "log_retention_in_days",
        "lambda_memory_size",
        "lambda_timeout",
        "tags",
        "environment_variables",
    } <= {k for k, per_stage in chalice_keys().items() if per_stage}


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


def test_every_config_key_is_one_chalice_honours_where_it_is_set() -> None:
    data = config()
    top_level_only = {"version", "app_name", "stages", "lambda_functions"}
    unknown_top = set(data) - set(chalice_keys()) - top_level_only
    assert unknown_top == set()
    for stage, values in data["stages"].items():
        ignored = {k for k in values if not chalice_keys().get(k) and k != "lambda_functions"}
        assert ignored == set(), f"stage {stage}: Chalice 1.34 ignores these keys in a stage"
        for function, settings in values.get("lambda_functions", {}).items():
            ignored = {k for k in settings if not chalice_keys().get(k)}
            assert ignored == set(), f"stage {stage}, {function}: Chalice ignores these keys"


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
