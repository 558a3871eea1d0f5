"""The templates each deploy path produces: cfn-lint clean, and the critical properties present.

GIVEN deploy.sh --dry-run has built both stages (conftest `built`), WHEN we read what it wrote,
THEN the security- and data-critical properties the issue names are there in the one-stack package,
and in deploy.sh's stacks where they live.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from backend.deploy import lint, monitoring
from tests.infra.conftest import ROOT, Built

INFRA = ROOT / "backend" / "infra"
# Routes anyone may call without a credential: health, the API description, sign-in's settings, and
# the catch-all whose only answer is the JSON 404. OPTIONS (CORS preflight) is public on every path
# by design of CORS.
PUBLIC_PATHS = {"/health", "/openapi.json", "/auth/config", "/{proxy+}"}
STANDALONE_TEMPLATES = sorted(
    p for p in INFRA.glob("*.json") if p.name not in ("stages.json", "gateway-responses.json")
)
HAS_WORKFLOW = (INFRA / "workflow.json").exists()
MACHINE_KEY, PEOPLE_KEY = "ConsoleApiKey", "PeopleUsageKey"  # backend/infra/api.json


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == kind}


def one(template: dict[str, Any], kind: str) -> dict[str, Any]:
    found = list(resources_of(template, kind).values())
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


# --- cfn-lint on every template that is produced -------------------------------------------------


@pytest.mark.parametrize("path", STANDALONE_TEMPLATES, ids=lambda p: p.name)
def test_each_versioned_template_is_lint_clean_on_its_own(path: Path) -> None:
    assert lint.lint(path) == []


@pytest.mark.parametrize("name", ["package/sam.json", "templates/infra.json", "templates/edge.json"])
def test_each_built_template_is_lint_clean(stage_built: Built, name: str) -> None:
    # The build lints what it writes and stops at the first problem (backend/deploy/__main__.py):
    # its own report that it linted this template, clean, is the proof; linting again costs seconds.
    linted = [line for line in stage_built.output.splitlines() if line.startswith("cfn-lint clean:")]
    assert any(str(stage_built.work_dir / name) in line for line in linted), linted
    assert "nothing was deployed" in stage_built.output


def test_every_template_in_infra_is_deployed_by_some_path() -> None:
    from backend.deploy import templates

    known = {
        *templates.SUPPORTING_TEMPLATES,
        templates.IDENTITY_TEMPLATE,
        templates.ALARMS_TEMPLATE,
        *templates.EDGE_TEMPLATES,
        *templates.PIPELINE_TEMPLATES,
        *templates.DATA_FILES,
    }
    assert {p.name for p in INFRA.glob("*.json")} <= known, (
        "add the new template to backend/deploy/templates.py"
    )


# --- API: key on every non-public method, usage plan on the stage, gateway responses --------------


def test_api_key_is_required_on_every_non_public_method(stage_built: Built) -> None:
    body = stage_built.template("package")["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["securityDefinitions"]["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    open_methods = [
        f"{method.upper()} {path}"
        for path, methods in body["paths"].items()
        for method, operation in methods.items()
        if method != "options"
        and path not in PUBLIC_PATHS
        and {"api_key": []} not in operation.get("security", [])
    ]
    assert open_methods == []
    assert "/customers" in body["paths"], "the packaged API has the customer routes"


def test_usage_plan_with_throttle_and_quota_is_bound_to_the_api_stage(stage_built: Built) -> None:
    template = stage_built.template("package")
    plan = one(template, "AWS::ApiGateway::UsagePlan")["Properties"]
    # RestAPI.Stage is SAM's reference to the stage it generates; it also orders the plan after it.
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}]
    assert set(plan["Throttle"]) == {"RateLimit", "BurstLimit"}
    assert set(plan["Quota"]) == {"Limit", "Period"}
    # Both keys, the machines' and the people usage key, are in the stage's plan
    links = [r["Properties"] for r in resources_of(template, "AWS::ApiGateway::UsagePlanKey").values()]
    keys = resources_of(template, "AWS::ApiGateway::ApiKey")
    assert set(keys) == {MACHINE_KEY, PEOPLE_KEY}
    assert sorted(links, key=json.dumps) == sorted(
        ({"KeyId": {"Ref": k}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "UsagePlan"}} for k in keys),
        key=json.dumps)
    params = template["Parameters"]
    assert int(params["ApiThrottleRateLimit"]["Default"]) > 0 and int(params["ApiQuotaLimit"]["Default"]) > 0


def test_api_key_value_is_never_in_a_template_or_output(stage_built: Built) -> None:
    for name in ("package", "edge"):
        template = stage_built.template(name)
        keys = resources_of(template, "AWS::ApiGateway::ApiKey")
        machines = keys[MACHINE_KEY]["Properties"]
        assert "Value" not in machines, "let API Gateway generate the value; it must not sit in a template"
        # The machines' key keeps the name it always had: replacing it would break every client
        assert machines["Name"] == {"Fn::Sub": "customer-ids-${StageName}-console"}
        assert all(k["Properties"]["Enabled"] is True for k in keys.values())
        assert not [
            o for o in template["Outputs"].values() if "GetAtt" in json.dumps(o) and "ApiKey" in json.dumps(o)
        ]


def test_the_people_usage_key_is_made_from_the_stack_and_handed_to_the_authorizer(stage_built: Built) -> None:
    for name in ("package", "edge"):
        template = stage_built.template(name)
        people = template["Resources"][PEOPLE_KEY]["Properties"]
        # Its value is no literal: the stack ID's UUID digits, unique to the stack and stable across updates
        from_stack = {"Fn::Join": ["", {"Fn::Split": ["-", {"Fn::Select": [
            2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]}]}
        assert people["Value"] == from_stack
        # AND the authorizer finds that value under the stage's IDENTITY_PARAMETERS
        parameter = template["Resources"]["PeopleApiKeyParameter"]["Properties"]
        assert parameter == {**parameter, "Type": "String", "Value": from_stack,
                             "Name": {"Fn::Sub": "/customer-ids/${StageName}/identity/people-api-key"}}


def _rendered(template_text: str) -> dict[str, Any]:
    """A response template as a client would see it, API Gateway's message filled in."""
    data: dict[str, Any] = json.loads(template_text.replace("$context.error.messageString", '"Forbidden"'))
    return data


def test_gateway_responses_carry_cors_and_the_error_shape(stage_built: Built) -> None:
    api = stage_built.template("package")["Resources"]["RestAPI"]["Properties"]
    responses = api["GatewayResponses"]
    origin = "https://console.example.com" if stage_built.stage == "prod" else "http://127.0.0.1:5173"
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "INVALID_API_KEY", "THROTTLED", "QUOTA_EXCEEDED"} <= set(responses)
    for response_type, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["Access-Control-Allow-Origin"] == f"'{origin}'", response_type
        assert headers["Vary"] == "'Origin'"
        assert "x-api-key" in headers["Access-Control-Allow-Headers"]
        body = _rendered(response["ResponseTemplates"]["application/json"])
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, response_type
        assert re.fullmatch(r"[a-z_]+", body["error"]["code"]), response_type
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    assert (
        _rendered(responses["INVALID_API_KEY"]["ResponseTemplates"]["application/json"])["error"]["code"]
        == "forbidden"
    )
    throttled = responses["THROTTLED"]
    throttled_body = _rendered(throttled["ResponseTemplates"]["application/json"])
    assert throttled_body["error"]["code"] == "too_many_requests"
    assert throttled["ResponseParameters"]["Headers"]["Retry-After"] == "'1'"


def test_tracing_is_on_for_the_api_stage_and_every_function(stage_built: Built) -> None:
    template = stage_built.template("package")
    assert template["Resources"]["RestAPI"]["Properties"]["TracingEnabled"] is True
    functions = resources_of(template, "AWS::Serverless::Function")
    assert functions and all(f["Properties"]["Tracing"] == "Active" for f in functions.values())


def test_api_handler_log_group_names_the_renamed_handler(stage_built: Built) -> None:
    group = stage_built.template("package")["Resources"]["ApiHandlerLogGroup"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${APIHandler}"}
    assert group["RetentionInDays"] in (14, 90)


# --- people: the user pool ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["package", "infra"])
def test_people_are_invited_into_a_protected_retained_pool(stage_built: Built, name: str) -> None:
    template = stage_built.template(name)
    pool = one(template, "AWS::Cognito::UserPool")
    props = pool["Properties"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True, "no self sign-up"
    assert props["DeletionProtection"] == "ACTIVE"
    assert pool["DeletionPolicy"] == pool["UpdateReplacePolicy"] == "Retain", "people are stage data"
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] is True for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers",
                                            "RequireSymbols"))
    groups = {g["Properties"]["GroupName"]: g["Properties"]
              for g in resources_of(template, "AWS::Cognito::UserPoolGroup").values()}
    assert set(groups) == {"viewer", "operator", "admin"}
    assert all(g["UserPoolId"] == {"Ref": "UserPool"} for g in groups.values())


@pytest.mark.parametrize("name", ["package", "infra"])
def test_the_console_client_is_public_with_password_and_refresh_only(stage_built: Built, name: str) -> None:
    client = one(stage_built.template(name), "AWS::Cognito::UserPoolClient")["Properties"]
    assert client["GenerateSecret"] is False, "a browser cannot keep a secret"
    assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    assert client["EnableTokenRevocation"] is True, "GlobalSignOut revokes the refresh token"
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    units = client["TokenValidityUnits"]
    assert (client["AccessTokenValidity"], units["AccessToken"]) == (60, "minutes")
    assert (client["RefreshTokenValidity"], units["RefreshToken"]) == (12, "hours")


@pytest.mark.parametrize("name", ["package", "infra"])
def test_the_pool_and_client_are_where_the_stage_reads_them(stage_built: Built, name: str) -> None:
    from backend.deploy.stage import load_stage

    template = stage_built.template(name)
    prefix = load_stage(stage_built.stage).identity_parameters
    assert prefix == f"/customer-ids/{stage_built.stage}/identity/"
    parameters = {p["Properties"]["Name"]["Fn::Sub"]: p["Properties"]
                  for p in resources_of(template, "AWS::SSM::Parameter").values()}
    pattern = "/customer-ids/${StageName}/identity/"
    assert parameters[f"{pattern}user-pool-id"]["Value"] == {"Ref": "UserPool"}
    assert parameters[f"{pattern}client-id"]["Value"] == {"Ref": "ConsoleClient"}
    assert all(p["Type"] == "String" for p in parameters.values())
    assert template["Parameters"]["StageName"]["Default"] == stage_built.stage


def test_the_stage_names_the_machines_key_as_the_template_does() -> None:
    from backend.deploy.stage import load_stage

    for stage in ("dev", "prod"):
        assert load_stage(stage).environment["API_KEY_NAME"] == f"customer-ids-{stage}-console"


# --- data: on-demand, PITR, encryption, deletion protection, Retain ------------------------------


@pytest.mark.parametrize("name", ["package", "infra"])
def test_every_table_is_on_demand_recoverable_encrypted_and_retained(stage_built: Built, name: str) -> None:
    tables = resources_of(stage_built.template(name), "AWS::DynamoDB::Table")
    assert {"CustomersTable"} <= set(tables)
    problems = []
    for key, table in tables.items():
        props = table["Properties"]
        wanted = {
            "BillingMode PAY_PER_REQUEST": props.get("BillingMode") == "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled true": (
                props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True
            ),
            "SSESpecification.SSEEnabled true": props.get("SSESpecification", {}).get("SSEEnabled") is True,
            "DeletionProtectionEnabled true": props.get("DeletionProtectionEnabled") is True,
            "DeletionPolicy Retain": table.get("DeletionPolicy") == "Retain",
            "UpdateReplacePolicy Retain": table.get("UpdateReplacePolicy") == "Retain",
        }
        problems += [f"{key} lacks {w}" for w, ok in wanted.items() if not ok]
    assert problems == [], "backend/infra/data.json"


def test_table_names_are_the_stage_ones(stage_built: Built) -> None:
    params = stage_built.template("package")["Parameters"]
    assert (
        params["CustomersTableName"]["Default"]
        == {"dev": "customer_ids_dev", "prod": "customer_ids"}[stage_built.stage]
    )


# --- console hosting: private bucket, OAC, HTTPS, SPA fallback, headers ---------------------------


@pytest.mark.parametrize("name", ["package", "edge"])
def test_console_bucket_is_private_and_read_only_by_its_distribution(stage_built: Built, name: str) -> None:
    template = stage_built.template(name)
    buckets = resources_of(template, "AWS::S3::Bucket")
    assert set(buckets) == {"SpaBucket", "SpaLogBucket"}
    bucket_key, bucket = "SpaBucket", buckets["SpaBucket"]
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in props and "AccessControl" not in props
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    statements = one(template, "AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1 and allows[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allows[0]["Action"] == "s3:GetObject"
    (distribution_key,) = resources_of(template, "AWS::CloudFront::Distribution")
    source = allows[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(f":distribution/${{{distribution_key}}}")
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
    assert bucket_key in json.dumps(allows[0]["Resource"])


@pytest.mark.parametrize("name", ["package", "edge"])
def test_distribution_uses_oac_https_spa_fallback_and_compression(stage_built: Built, name: str) -> None:
    template = stage_built.template(name)
    config = one(template, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]
    ((oac_key, oac),) = resources_of(template, "AWS::CloudFront::OriginAccessControl").items()
    assert oac["Properties"]["OriginAccessControlConfig"] | {"Name": None, "Description": None} == {
        "Name": None,
        "Description": None,
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_key, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}, "OAC, not a legacy OAI"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["Compress"] is True
    assert config["DefaultRootObject"] == "index.html"
    fallback = {
        (e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"]) for e in config["CustomErrorResponses"]
    }
    assert fallback == {(403, 200, "/index.html"), (404, 200, "/index.html")}
    (policy_key,) = resources_of(template, "AWS::CloudFront::ResponseHeadersPolicy")
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_key}


def _csp(template: dict[str, Any]) -> Any:
    policy = one(template, "AWS::CloudFront::ResponseHeadersPolicy")["Properties"][
        "ResponseHeadersPolicyConfig"
    ]
    return policy["SecurityHeadersConfig"]


def test_response_headers_policy_sets_hsts_csp_nosniff_and_frame_deny(stage_built: Built) -> None:
    headers = _csp(stage_built.template("package"))
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    csp_text, variables = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    # In the one-stack package the API origin is Chalice's RestAPI, bound by the build.
    assert "connect-src 'self' ${ApiOrigin}" in csp_text
    # The console signs people in with direct calls to Cognito's regional endpoint.
    assert "connect-src 'self' ${ApiOrigin} https://cognito-idp.${AWS::Region}.amazonaws.com;" in csp_text
    assert variables["ApiOrigin"] == {
        "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert "frame-ancestors 'none'" in csp_text and "object-src 'none'" in csp_text
    assert "unsafe-inline" not in csp_text and "unsafe-eval" not in csp_text


def test_csp_allows_the_consoles_inline_script_by_hash(stage_built: Built) -> None:
    from backend.deploy.templates import script_hashes

    hashes = script_hashes(ROOT / "frontend" / "index.html")
    template = stage_built.template("package")
    assert template["Parameters"]["ScriptHashes"]["Default"] == hashes
    assert (
        "script-src 'self'${ScriptHashes};"
        in _csp(template)["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"][0]
    )


def test_prod_console_is_served_on_its_domain_with_a_certificate(built: dict[str, Built]) -> None:
    params = built["prod"].template("package")["Parameters"]
    assert params["ConsoleDomainName"]["Default"] == "console.example.com"
    assert params["ConsoleCertificateArn"]["Default"].startswith("arn:aws:acm:us-east-1:")


# --- monitoring --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["package", "infra"])
def test_alarms_watch_api_functions_tables_and_workflows_and_notify_the_topic(
    stage_built: Built, name: str
) -> None:
    template = stage_built.template(name)
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    metrics = {
        json.dumps(a["Properties"].get("MetricName") or a["Properties"]["Metrics"]) for a in alarms.values()
    }
    joined = " ".join(metrics)
    for metric in ("5XXError", "Errors", "Throttles", "ReadThrottleEvents", "WriteThrottleEvents"):
        assert metric in joined, metric
    functions = chalice_functions(stage_built.template("package"))
    assert "Authorize" in functions
    for key in functions:
        # The authorizer's errors are its 401s (monitoring.ANSWERS_BY_RAISING): no alarm on those
        assert (f"{key}ErrorsAlarm" in alarms) is (key not in monitoring.ANSWERS_BY_RAISING), key
        assert f"{key}ThrottlesAlarm" in alarms
    for key in resources_of(template, "AWS::DynamoDB::Table"):
        assert f"{key}ThrottlesAlarm" in alarms
    for key in resources_of(template, "AWS::StepFunctions::StateMachine"):
        assert f"{key}FailuresAlarm" in alarms and "ExecutionsFailed" in joined
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
    one(template, "AWS::SNS::Topic")
    dashboard = one(template, "AWS::CloudWatch::Dashboard")["Properties"]
    body, variables = dashboard["DashboardBody"]["Fn::Sub"]
    assert json.loads(body)["widgets"], "the dashboard body is JSON once substituted"
    assert set(re.findall(r"\$\{(V\d+)\}", body)) == set(variables)


def test_deploy_sh_alarms_name_the_functions_chalice_deploy_creates(built: dict[str, Built]) -> None:
    alarms = resources_of(built["prod"].template("infra"), "AWS::CloudWatch::Alarm")
    dims = alarms["APIHandlerErrorsAlarm"]["Properties"]["Dimensions"]
    assert dims == [{"Name": "FunctionName", "Value": "customer-ids-prod"}]


def test_functions_the_build_expects_are_the_ones_chalice_packages(stage_built: Built) -> None:
    # Every function has a throttles alarm (not every one an errors alarm: the authorizer's are 401s)
    expected = {
        k.removesuffix("ThrottlesAlarm")
        for k, alarm in resources_of(stage_built.template("package"), "AWS::CloudWatch::Alarm").items()
        if alarm["Properties"].get("Namespace") == "AWS/Lambda"
        and alarm["Properties"].get("MetricName") == "Throttles"
    }
    assert expected == set(chalice_functions(stage_built.template("package")))


def chalice_functions(template: dict[str, Any]) -> dict[str, Any]:
    """The functions Chalice packages: not the canary's pre-traffic hook, which canary.py adds."""
    from backend.deploy import canary

    functions = resources_of(template, "AWS::Serverless::Function")
    return {k: v for k, v in functions.items() if k != canary.HOOK}


# --- least privilege in what Chalice packages -----------------------------------------------------


def test_lambda_role_has_no_wildcard_resource_for_data_events_or_workflows(stage_built: Built) -> None:
    for key, role in resources_of(stage_built.template("package"), "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                resources = (
                    statement["Resource"]
                    if isinstance(statement["Resource"], list)
                    else [statement["Resource"]]
                )
                if any(a.split(":")[0] in ("dynamodb", "events", "states") for a in actions):
                    assert "*" not in resources, f"{key}: {statement.get('Sid')}"


# --- workflow (from backend/infra/workflow.json, once it exists) ----------------------------------


@pytest.mark.skipif(
    not HAS_WORKFLOW, reason="backend/infra/workflow.json is not written yet (workflow issue)"
)
def test_workflow_state_machine_logs_traces_and_is_triggered_by_a_rule(stage_built: Built) -> None:
    template = stage_built.template("package")
    machines = resources_of(template, "AWS::StepFunctions::StateMachine")
    params = template["Parameters"]
    names = [m["Properties"]["StateMachineName"] for m in machines.values()]
    resolved = [params[n["Ref"]]["Default"] if isinstance(n, dict) else n for n in names]
    assert resolved == [{"dev": "customers-workflow-dev", "prod": "customers-workflow"}[stage_built.stage]]
    for key, machine in machines.items():
        props = machine["Properties"]
        assert props["TracingConfiguration"]["Enabled"] is True, key
        logging = props["LoggingConfiguration"]
        assert logging["Level"] in ("ALL", "ERROR", "FATAL") and logging["Destinations"], key
    # The rule that starts it is Chalice's: an on_cw_event handler (a SAM CloudWatchEvent event).
    events = [
        e
        for f in resources_of(template, "AWS::Serverless::Function").values()
        for e in f["Properties"].get("Events", {}).values()
        if e["Type"] in ("CloudWatchEvent", "EventBridgeRule")
    ]
    assert events or resources_of(template, "AWS::Events::Rule"), "an EventBridge rule drives the workflow"


# --- workflow recovery: dead letters, alarms, dashboard; access logs -------------------------------


def _function_key(handler: str) -> str:
    """The logical ID `chalice package` gives a handler's function (start_workflow: StartWorkflow)."""
    return "".join(part.title() for part in handler.split("_"))


@pytest.mark.parametrize("handler", ["start_workflow", "record_workflow_end"])
def test_each_event_handler_sends_what_fails_past_its_retries_to_its_own_alarmed_queue(
    stage_built: Built, handler: str
) -> None:
    prefix = f"customer-ids-{stage_built.stage}"
    queue_name = f"{prefix}-{handler}-dlq"
    for name in ("package", "infra"):
        queues = resources_of(stage_built.template(name), "AWS::SQS::Queue")
        (key,) = [k for k, q in queues.items() if handler.replace("_", "").lower() in k.lower()]
        props = queues[key]["Properties"]
        params = stage_built.template(name)["Parameters"]
        assert props["QueueName"]["Fn::Sub"] == f"${{FunctionNamePrefix}}-{handler}-dlq"
        assert params["FunctionNamePrefix"]["Default"] == prefix
        assert props["SqsManagedSseEnabled"] is True
        alarm = resources_of(stage_built.template(name), "AWS::CloudWatch::Alarm")[f"{key}DepthAlarm"]
        assert alarm["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        dimension = {"Name": "QueueName", "Value": {"Fn::GetAtt": [key, "QueueName"]}}
        assert alarm["Properties"]["Dimensions"] == [dimension]
    package = stage_built.template("package")
    function = package["Resources"][_function_key(handler)]["Properties"]
    config = function["EventInvokeConfig"]
    assert config["MaximumRetryAttempts"] == 2
    destination = config["DestinationConfig"]["OnFailure"]
    assert destination["Type"] == "SQS" and destination["Destination"]["Fn::Sub"].endswith(f":{queue_name}")
    edge = resources_of(stage_built.template("edge"), "AWS::Lambda::EventInvokeConfig")
    names = [c["Properties"]["FunctionName"] for c in edge.values()]
    assert f"{prefix}-{handler}" in names


def test_the_reconciler_runs_every_minute_and_its_figures_are_alarmed_and_on_the_dashboard(
    stage_built: Built
) -> None:
    template = stage_built.template("package")
    function = template["Resources"][_function_key("reconcile_submissions")]["Properties"]
    (event,) = function["Events"].values()
    assert event["Properties"]["Schedule"] == "rate(1 minute)"
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    stranded = alarms["StrandedSubmissionAlarm"]["Properties"]
    assert stranded["MetricName"] == "OldestUnfinishedSubmissionAge" and stranded["Statistic"] == "Maximum"
    body = one(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"][0]
    for metric in ("SubmissionsRedriven", "SubmissionsResolved", "OldestUnfinishedSubmissionAge",
                   "ApproximateNumberOfMessagesVisible"):
        assert metric in body, metric


def test_api_access_logs_are_json_and_name_rejected_and_throttled_calls(stage_built: Built) -> None:
    from backend.deploy.templates import ACCESS_LOG_FORMAT

    api = stage_built.template("package")["Resources"]["RestAPI"]
    setting = api["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])  # JSON once API Gateway fills in the $context values
    assert {"requestId", "status", "apiKeyId", "errorType", "ip"} <= set(fields)
    assert setting["Format"] == ACCESS_LOG_FORMAT
    assert api["DependsOn"] == ["ApiGatewayAccount"]
    edge = stage_built.template("edge")
    group = edge["Resources"]["ApiAccessLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionInDays"}
    assert edge["Parameters"]["LogRetentionInDays"]["Default"] in (14, 90)


@pytest.mark.parametrize("name", ["package", "edge"])
def test_cloudfront_writes_standard_logs_to_a_private_expiring_bucket(stage_built: Built, name: str) -> None:
    template = stage_built.template(name)
    config = one(template, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]
    assert config["Logging"]["Bucket"] == {"Fn::GetAtt": ["SpaLogBucket", "RegionalDomainName"]}
    logs = template["Resources"]["SpaLogBucket"]["Properties"]
    assert all(logs["PublicAccessBlockConfiguration"].values())
    assert logs["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] > 0
