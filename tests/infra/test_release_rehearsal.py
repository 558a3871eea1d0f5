"""The deploy job's steps (backend/deploy/release.py) rehearsed against the emulator, as far as moto goes.

Rehearsed for real: the artifact upload (the Lambda zip by its hash, the template's CodeUri pointed at
it), a CloudFormation change set from a TemplateURL that publishes a Lambda version from that zip,
an alias moved between versions with a canary weight (what CodeDeploy does), and the console's
release: upload to a new prefix, API check before the switch, the switch as a one-parameter stack
update, CloudFront invalidation, history, rollback, pruning.

Not rehearsable here (docs/releasing.md): the SAM transform (test_sam_transform.py runs AWS's
translator offline instead) and CodeDeploy (moto has neither; its CloudFormation has no
AWS::Lambda::Alias either), CloudFront serving from the switched origin path, and the smoke test
against a deployed API (make smoke runs against the local stack instead).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from backend.deploy import aws as steps
from backend.deploy import release
from tests.infra.conftest import Built
from tests.infra.test_deploy_rehearsal import fake_build, make_distribution

REGION = "eu-west-1"


def unique(name: str) -> str:
    """The emulator lives for the whole session: every test names its own resources."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def bucket(name: str) -> str:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return name


# --- artifacts, versions, alias -------------------------------------------------------------------


def test_artifacts_are_uploaded_once_and_the_template_points_at_them(
    aws: dict[str, str], built: dict[str, Built]
) -> None:
    # GIVEN the package the build job made for prod, and the stage's artifact bucket
    package = built["prod"].work_dir / "package"
    artifacts = bucket(unique("customer-ids-prod-artifacts"))
    # WHEN the deploy job uploads it
    url = release.upload_artifacts(boto3.client("s3"), artifacts, package, "prod", "abc123", REGION)
    # THEN the zip is stored under its hash, and every function of the template names that object
    digest = hashlib.sha256((package / "deployment.zip").read_bytes()).hexdigest()
    assert url == f"https://{artifacts}.s3.{REGION}.amazonaws.com/prod/templates/abc123.json"
    template = json.loads(boto3.client("s3").get_object(Bucket=artifacts, Key="prod/templates/abc123.json")
                          ["Body"].read())
    code = {r["Properties"]["CodeUri"] for r in template["Resources"].values()
            if r["Type"] == "AWS::Serverless::Function" and "CodeUri" in r["Properties"]}
    assert code == {f"s3://{artifacts}/prod/code/{digest}.zip"}
    head = boto3.client("s3").head_object(Bucket=artifacts, Key=f"prod/code/{digest}.zip")
    assert head["ContentLength"] == (package / "deployment.zip").stat().st_size


def _function_stack(role: str, artifacts: str, key: str) -> dict[str, Any]:
    """The function as SAM expands it. Its AWS::Lambda::Version and ::Alias are published by the
    test through Lambda's API: moto's CloudFormation has no Alias, and creates a new Version before
    it updates the function's code (so the version would hold the old code)."""
    return {"Resources": {"ApiHandler": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.11", "Handler": "app.app", "Role": role,
        "Code": {"S3Bucket": artifacts, "S3Key": key}}}}}


def test_a_release_publishes_a_version_and_the_alias_shifts_to_it(aws: dict[str, str]) -> None:
    # GIVEN a stack deployed from an uploaded template (TemplateURL, change set), live alias on version 1
    s3, cfn, lam = boto3.client("s3"), boto3.client("cloudformation"), boto3.client("lambda")
    artifacts, stack = bucket(unique("artifacts")), unique("customer-ids-dev")
    iam = boto3.client("iam")
    role = iam.create_role(RoleName=unique("api"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]

    def deploy(code: bytes, version_id: str) -> tuple[str, str]:
        """(function name, newest version) after a change-set deploy of the uploaded template.
        Read from Lambda: moto's executed change sets report no stack outputs."""
        s3.put_object(Bucket=artifacts, Key=f"{version_id}.zip", Body=code)
        template = _function_stack(role, artifacts, f"{version_id}.zip")
        s3.put_object(Bucket=artifacts, Key=f"{version_id}.json", Body=json.dumps(template).encode())
        url = f"https://{artifacts}.s3.{REGION}.amazonaws.com/{version_id}.json"
        steps.deploy_stack(cfn, stack, template, {}, {"stage": "dev"}, template_url=url)
        (function,) = [f["FunctionName"] for f in lam.list_functions()["Functions"]
                       if stack in f["FunctionName"]]
        published = lam.publish_version(FunctionName=function)
        assert published["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
        return function, published["Version"]

    function, first = deploy(b"PK-first", "A")
    lam.create_alias(FunctionName=function, Name="live", FunctionVersion=first)
    # WHEN the next release publishes a new version and traffic shifts as a canary, then fully
    _, second = deploy(b"PK-second", "B")
    assert second != first
    lam.update_alias(FunctionName=function, Name="live", FunctionVersion=first,
                     RoutingConfig={"AdditionalVersionWeights": {second: 0.1}})
    canary = lam.get_alias(FunctionName=function, Name="live")
    lam.update_alias(FunctionName=function, Name="live", FunctionVersion=second,
                     RoutingConfig={"AdditionalVersionWeights": {}})
    # THEN the canary sent 10% to the new version, and the alias ends on it, serving the new code
    assert canary["RoutingConfig"]["AdditionalVersionWeights"] == {second: 0.1}
    assert lam.get_alias(FunctionName=function, Name="live")["FunctionVersion"] == second


# --- the console's release ------------------------------------------------------------------------

# Stands in for spa.json: moto's CloudFormation can create no distribution (and does not re-evaluate
# a resource on a parameter-only update), so the rehearsal reads the switched parameter itself, the
# one value spa.json turns into the distribution's origin path.
CONSOLE_STACK: dict[str, Any] = {
    "Parameters": {"ConsoleRelease": {"Type": "String", "Default": ""}},
    "Resources": {"Marker": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/rehearsal/console-stack", "Type": "String", "Value": "spa.json stand-in"}}},
}


@pytest.fixture
def console(aws: dict[str, str]) -> release.ConsoleRelease:
    spa, stack = bucket(unique("customer-ids-dev-spabucket")), unique("customer-ids-dev")
    cfn = boto3.client("cloudformation")
    template = json.loads(json.dumps(CONSOLE_STACK))
    template["Resources"]["Marker"]["Properties"]["Name"] = f"/rehearsal/{stack}"
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    distribution = make_distribution(boto3.client("cloudfront"), spa)
    history = release.History(boto3.client("ssm"), f"/{stack}/console-releases")
    return release.ConsoleRelease(boto3.client("s3"), cfn, boto3.client("cloudfront"), history, stack, spa,
                                  distribution)


def origin_path(console: release.ConsoleRelease) -> str:
    """The origin path spa.json gives CloudFront for the stack's ConsoleRelease."""
    live = release.live_console(console.cfn, console.stack)
    return f"/releases/{live}" if live else "/"


def keys(console: release.ConsoleRelease) -> set[str]:
    listed = console.s3.list_objects_v2(Bucket=console.bucket).get("Contents", [])
    return {o["Key"] for o in listed}


def test_a_console_release_is_uploaded_checked_then_switched(
    console: release.ConsoleRelease, tmp_path: Path
) -> None:
    # GIVEN a console build, and an API check that records what CloudFront served when it ran
    seen: list[str] = []
    build = fake_build(tmp_path / "dist")
    # WHEN it is released
    def served() -> None:
        seen.append(origin_path(console))

    console.publish(build, "r1", served, served)
    # THEN the API was checked before the switch, the console after it, the files sit under their prefix
    assert seen == ["/", "/releases/r1"]
    assert keys(console) == {f"releases/r1/{k}" for k in ("index.html", "assets/index-BCPsuVgc.js",
                                                          "assets/index-A6Cgl7dG.css", "robots.txt")}
    head = console.s3.head_object(Bucket=console.bucket, Key="releases/r1/assets/index-BCPsuVgc.js")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert console.history.read() == ["r1"]
    invalidations = console.cloudfront.list_invalidations(DistributionId=console.distribution_id)
    assert invalidations["InvalidationList"]["Quantity"] == 1


def test_a_failing_api_check_switches_nothing(console: release.ConsoleRelease, tmp_path: Path) -> None:
    console.publish(fake_build(tmp_path / "one"), "r1", lambda: None, lambda: None)

    def broken() -> None:
        raise RuntimeError("smoke failed")

    with pytest.raises(RuntimeError):
        console.publish(fake_build(tmp_path / "two"), "r2", broken, lambda: None)
    assert origin_path(console) == "/releases/r1" and console.history.read() == ["r1"]


def test_a_failing_console_check_puts_the_previous_release_back(
    console: release.ConsoleRelease, tmp_path: Path
) -> None:
    console.publish(fake_build(tmp_path / "one"), "r1", lambda: None, lambda: None)

    def broken() -> None:
        raise RuntimeError("headers missing")

    with pytest.raises(RuntimeError):
        console.publish(fake_build(tmp_path / "two"), "r2", lambda: None, broken)
    assert origin_path(console) == "/releases/r1" and console.history.read() == ["r1"]


def test_rollback_serves_the_previous_release_in_one_step(
    console: release.ConsoleRelease, tmp_path: Path
) -> None:
    for name in ("r1", "r2"):
        console.publish(fake_build(tmp_path / name), name, lambda: None, lambda: None)
    assert console.rollback() == ("r2", "r1")
    assert origin_path(console) == "/releases/r1" and console.history.read() == ["r1"]
    with pytest.raises(release.ReleaseError, match="nothing to roll back to"):
        console.rollback()


def test_only_the_last_releases_are_kept(console: release.ConsoleRelease, tmp_path: Path) -> None:
    names = [f"r{i}" for i in range(release.KEEP_RELEASES + 2)]
    for name in names:
        console.publish(fake_build(tmp_path / name), name, lambda: None, lambda: None)
    kept = {k.split("/")[1] for k in keys(console)}
    assert kept == set(names[-release.KEEP_RELEASES:])
    assert console.history.read() == names[-release.KEEP_RELEASES:]


def test_a_build_made_once_gets_each_stages_api_url(tmp_path: Path) -> None:
    # GIVEN a build with the placeholder (as build-console makes it)
    build = fake_build(tmp_path / "dist")
    js = build / "assets" / "index-BCPsuVgc.js"
    js.write_text(f'const base="{release.API_URL_PLACEHOLDER}";')
    # WHEN a stage binds it  THEN its copy names that stage's API, the build itself is unchanged
    api = "https://abc.execute-api.eu-west-1.amazonaws.com/api/"
    dev = release.bind_api_url(build, api, tmp_path / "dev")
    assert (dev / "assets" / "index-BCPsuVgc.js").read_text() == (
        'const base="https://abc.execute-api.eu-west-1.amazonaws.com/api";')
    assert release.has_placeholder(build) and not release.has_placeholder(dev)
    with pytest.raises(release.ReleaseError):
        release.bind_api_url(dev, "https://x.invalid", tmp_path / "again")
