"""deploy.sh's steps rehearsed against the local emulator (moto), and its early failures.

What moto can host is rehearsed for real: the console upload (test_release_rehearsal.py: the release), the
cursor secret, the Chalice state hand-over, the gateway responses and a CloudFormation deploy
(data.json). What it cannot (SAM, CloudWatch alarms, API keys in CloudFormation) is covered by
test_templates.py; backend/deploy/DEPLOY.md lists what only a real account can show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from backend.deploy import aws as steps
from backend.deploy import release, spa, templates
from backend.deploy.__main__ import main as deploy_main
from backend.deploy.stage import load_stage
from tests.infra.conftest import FAKE_CERTIFICATE, ROOT, clean_env

HASHED_JS = "assets/index-BCPsuVgc.js"
HASHED_CSS = "assets/index-A6Cgl7dG.css"


def fake_build(directory: Path) -> Path:
    """A Vite-like dist/: index.html, hashed assets, and one unhashed public file."""
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/index-BCPsuVgc.js"></script>'
    )
    (directory / HASHED_JS).write_text("console.log('new')")
    (directory / HASHED_CSS).write_text("body{}")
    (directory / "robots.txt").write_text("User-agent: *\n")
    return directory


def make_distribution(cloudfront: Any, bucket: str) -> str:
    config = {
        "CallerReference": bucket,
        "Comment": "rehearsal",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "console-bucket",
                    "DomainName": f"{bucket}.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "console-bucket",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }
    distribution_id: str = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    return distribution_id


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


# --- the SPA publish step -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("index.html", spa.REVALIDATE),
        (HASHED_JS, spa.IMMUTABLE),
        (HASHED_CSS, spa.IMMUTABLE),
        ("assets/logo-3f2a9c1d.svg", spa.IMMUTABLE),
        ("robots.txt", spa.REVALIDATE),
        ("assets/readme.txt", spa.REVALIDATE),
    ],
)
def test_cache_control_is_immutable_only_for_hashed_assets(key: str, expected: str) -> None:
    assert spa.cache_control(key) == expected


class RecordingS3:
    """The emulator's S3 client, remembering the order of uploads (a spy, not a mock)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.put_keys: list[str] = []

    def put_object(self, **kwargs: Any) -> Any:
        self.put_keys.append(kwargs["Key"])
        return self._client.put_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_console_upload_puts_hashed_assets_first_and_index_html_last(
    aws: dict[str, str], tmp_path: Path
) -> None:
    # GIVEN a console bucket  WHEN a build is uploaded as a new release
    s3 = RecordingS3(boto3.client("s3"))
    s3.create_bucket(Bucket="console-order", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    release.upload_console(s3, "console-order", fake_build(tmp_path), "r7")  # type: ignore[arg-type]
    # THEN a visitor never gets an index.html whose assets are not there yet, and each file has its headers
    assert s3.put_keys[-1] == "releases/r7/index.html"
    assert set(s3.put_keys[:2]) == {f"releases/r7/{HASHED_JS}", f"releases/r7/{HASHED_CSS}"}
    expected = {
        "index.html": ("no-cache", "text/html; charset=utf-8"),
        HASHED_JS: ("public, max-age=31536000, immutable", "text/javascript; charset=utf-8"),
        HASHED_CSS: ("public, max-age=31536000, immutable", "text/css; charset=utf-8"),
        "robots.txt": ("no-cache", "text/plain; charset=utf-8"),
    }
    for key, (control, kind) in expected.items():
        head = s3.head_object(Bucket="console-order", Key=f"releases/r7/{key}")
        assert (head["CacheControl"], head["ContentType"]) == (control, kind), key


def test_console_upload_refuses_a_build_without_index_html(aws: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    with pytest.raises(spa.PublishError, match=r"no index\.html"):
        release.upload_console(boto3.client("s3"), "any", tmp_path, "r1")


# --- the other AWS steps ------------------------------------------------------------------------


def test_cursor_secret_is_created_once_as_secure_string_and_never_printed(aws: dict[str, str]) -> None:
    name = load_stage("prod").cursor_secret_parameter
    command = [sys.executable, "-m", "backend.deploy", "ensure-secret", "--stage", "prod"]

    first, second = run(command, aws), run(command, aws)

    parameter = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString" and len(parameter["Value"]) >= 48
    assert "created" in first.stdout and "exists" in second.stdout
    assert parameter["Value"] not in first.stdout + first.stderr + second.stdout + second.stderr


def test_chalice_state_round_trips_through_ssm(aws: dict[str, str], tmp_path: Path) -> None:
    ssm = boto3.client("ssm")
    deployed = tmp_path / "a" / "prod.json"
    deployed.parent.mkdir()
    state = {
        "resources": [
            {
                "resource_type": "rest_api",
                "rest_api_id": "abc123",
                "rest_api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/api/",
            }
        ]
    }
    deployed.write_text(json.dumps(state))
    restored = tmp_path / "b" / "prod.json"

    assert steps.pull_chalice_state(ssm, "/customer-ids/test/chalice-deployed", restored) is False
    steps.push_chalice_state(ssm, "/customer-ids/test/chalice-deployed", deployed)
    assert steps.pull_chalice_state(ssm, "/customer-ids/test/chalice-deployed", restored) is True

    assert steps.chalice_deployed(restored) == {
        "rest_api_id": "abc123",
        "rest_api_url": state["resources"][0]["rest_api_url"],
    }


def test_gateway_responses_are_put_and_the_stage_redeployed(aws: dict[str, str]) -> None:
    apigw = boto3.client("apigateway")
    api = apigw.create_rest_api(name="customer-ids")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    stage = load_stage("prod")

    steps.apply_gateway_responses(apigw, api, "api", templates.gateway_responses(stage), xray=True)

    found = {r["responseType"]: r for r in apigw.get_gateway_responses(restApiId=api)["items"]}
    assert found["DEFAULT_4XX"]["responseParameters"][
        "gatewayresponse.header.Access-Control-Allow-Origin"
    ] == ("'https://console.example.com'")
    assert found["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert apigw.get_stage(restApiId=api, stageName="api")["deploymentId"]


def test_stack_step_creates_then_finds_nothing_to_change(
    aws: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # moto's CloudFormation hosts plain CFN such as data.json (not SAM, alarms or API keys).
    cfn = boto3.client("cloudformation")
    template = templates.set_defaults(
        templates.load(ROOT / "backend" / "infra" / "data.json"),
        {"CustomersTableName": "rehearsal_customers"},
    )

    steps.deploy_stack(cfn, "customer-ids-rehearsal-data", template, {}, {"stage": "rehearsal"})
    steps.deploy_stack(cfn, "customer-ids-rehearsal-data", template, {}, {"stage": "rehearsal"})

    printed = capsys.readouterr().out
    assert "customer-ids-rehearsal-data: Add CustomersTable AWS::DynamoDB::Table" in printed
    assert "customer-ids-rehearsal-data: no changes" in printed
    stack = cfn.describe_stacks(StackName="customer-ids-rehearsal-data")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    # (moto leaves Outputs empty after a change set; real CloudFormation fills them.)
    table = boto3.client("dynamodb").describe_table(TableName="rehearsal_customers")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_invite_creates_the_first_admin_once(aws: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the prod pool with its groups (moto's CloudFormation has no Cognito: made by API here),
    # its ID where identity.json puts it
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="customer-ids-prod")["UserPool"]["Id"]
    for group in ("viewer", "operator", "admin"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    boto3.client("ssm").put_parameter(Name="/customer-ids/prod/identity/user-pool-id", Value=pool,
                                      Type="String", Overwrite=True)
    invite = ["invite", "--stage", "prod", "--email", "ada@example.com"]  # python -m backend.deploy ...

    # WHEN the documented command runs, twice
    assert deploy_main(invite) == 0
    first = capsys.readouterr().out
    assert deploy_main(invite) == 0
    second = capsys.readouterr().out

    # THEN ada exists once, with her email to receive Cognito's temporary password, in the admin group
    assert "invited ada <ada@example.com> to prod as admin" in first
    assert "ada already has an account in prod" in second
    user = cognito.admin_get_user(UserPoolId=pool, Username="ada")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD", "the console meets the new-password challenge"
    assert {"Name": "email", "Value": "ada@example.com"} in user["UserAttributes"]
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="ada")["Groups"]
    assert [g["GroupName"] for g in groups] == ["admin"]


def test_invite_says_what_to_deploy_first(aws: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy_main(["invite", "--stage", "dev", "--email", "a@b.c"]) == 1
    error = capsys.readouterr().err
    assert "/customer-ids/dev/identity/user-pool-id is missing: deploy the stage first" in error


def test_check_step_accepts_working_credentials(aws: dict[str, str]) -> None:
    result = run([sys.executable, "-m", "backend.deploy", "check", "--stage", "dev"], aws)
    assert result.returncode == 0, result.stderr
    assert "account 123456789012, region eu-west-1" in result.stdout


# --- deploy.sh fails early and clearly ----------------------------------------------------------


def deploy_sh(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run([str(ROOT / "deploy.sh"), *args], clean_env(PYTHON=sys.executable, **extra))


def test_deploy_sh_refuses_a_stage_that_is_not_deployable() -> None:
    result = deploy_sh("--stage", "local", "--dry-run")
    assert result.returncode == 1
    assert "stage 'local' is not deployable" in result.stderr


def test_deploy_sh_refuses_an_unknown_stage() -> None:
    result = deploy_sh("--stage", "staging", "--dry-run")
    assert result.returncode == 1 and "not in .chalice/config.json" in result.stderr


def test_deploy_sh_stops_before_any_aws_call_without_credentials() -> None:
    result = deploy_sh(
        "--stage", "prod", AWS_DEFAULT_REGION="eu-west-1", CONSOLE_CERTIFICATE_ARN=FAKE_CERTIFICATE
    )
    assert result.returncode == 1
    assert "no usable AWS credentials" in result.stderr
    assert "Building" not in result.stdout


def test_deploy_sh_stops_when_prod_console_has_no_certificate() -> None:
    result = deploy_sh("--stage", "prod", "--dry-run")
    assert result.returncode == 1 and "CONSOLE_CERTIFICATE_ARN" in result.stderr


def test_deploy_sh_rejects_unknown_arguments() -> None:
    result = deploy_sh("--stagee", "prod")
    assert result.returncode == 2 and "unknown argument --stagee" in result.stderr
