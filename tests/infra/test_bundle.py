"""What ships: the bundle deploy.sh builds holds the pinned SDK, pruned of service models no client
loads, and still imports and answers on its own, as Lambda loads it (backend/deploy/bundle.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import pytest

from backend.deploy import bundle
from backend.deploy.lambda_probe import context_attributes
from backend.local.lambda_events import LambdaContext, rest_request
from chalicelib.workflow.events import SUBMITTED_PATTERN
from tests.infra.conftest import ROOT, Built

SDK = ("boto3", "botocore", "s3transfer")
SHIPPED_MODULES = ["app", "chalicelib", "chalice", "boto3", "botocore", "s3transfer", "aws_xray_sdk",
                   "aws_lambda_powertools", "pydantic", "pydantic_core"]


def names(built: Built) -> list[str]:
    with zipfile.ZipFile(built.work_dir / "package" / "deployment.zip") as archive:
        return archive.namelist()


def models_shipped(entries: list[str], root: str) -> set[str]:
    return {name[len(root):].split("/")[0] for name in entries if name.startswith(root) and
            name.count("/") > root.count("/")}


@pytest.mark.parametrize(("entry", "dropped"), [
    ("botocore/data/s3/2006-03-01/service-2.json.gz", True),
    ("boto3/data/ec2/2016-11-15/resources-1.json", True),
    ("botocore/data/dynamodb/2012-08-10/service-2.json.gz", False),
    ("boto3/data/dynamodb/2012-08-10/resources-1.json", False),
    ("botocore/data/endpoints.json", False),
    ("botocore/data/sdk-default-configuration.json", False),
    ("botocore/client.py", False),
    ("chalicelib/aws.py", False),
])
def test_only_models_of_services_no_client_loads_are_dropped(entry: str, dropped: bool) -> None:
    assert bundle.never_loaded(entry) is dropped


def test_finishing_drops_unloaded_models_adds_bytecode_and_is_reproducible(tmp_path: Path) -> None:
    # GIVEN a zip like Chalice's: two services' models, a module, and a file that is not Python 3
    built = tmp_path / "deployment.zip"
    with zipfile.ZipFile(built, "w") as archive:
        archive.writestr("botocore/data/s3/2006-03-01/service-2.json.gz", b"s3")
        archive.writestr("botocore/data/dynamodb/2012-08-10/service-2.json.gz", b"ddb")
        archive.writestr("botocore/data/endpoints.json", b"{}")
        archive.writestr("pkg/mod.py", "ANSWER = 42\n")
        archive.writestr("pkg/py2.py", "print 'old'\n")
    # WHEN it is finished, and finished again
    assert bundle.finish(built) == 1
    first = built.read_bytes()
    assert bundle.finish(built) == 0
    # THEN only the unloaded model went, the module has bytecode, and nothing changed the second time
    with zipfile.ZipFile(built) as archive:
        assert sorted(archive.namelist()) == sorted([
            "botocore/data/dynamodb/2012-08-10/service-2.json.gz", "botocore/data/endpoints.json",
            "pkg/mod.py", cached_name("pkg/mod.py"), "pkg/py2.py"])
    assert built.read_bytes() == first


def test_every_client_the_lambda_code_creates_keeps_its_model() -> None:
    # GIVEN every service the shipped code builds a client for (aws.client / raw_client)
    source = "\n".join(p.read_text() for p in (ROOT / "chalicelib").rglob("*.py"))
    called = set(re.findall(r"\bclient\(\s*[\"']([a-z0-9-]+)[\"']", source))
    # THEN the bundle keeps each one's model
    assert {"dynamodb", "events", "stepfunctions", "ssm"} <= called
    assert called <= bundle.KEPT_SERVICES


def test_the_built_bundle_ships_exactly_the_kept_models_and_every_shared_data_file(
    stage_built: Built,
) -> None:
    entries = names(stage_built)
    assert models_shipped(entries, "botocore/data/") == bundle.KEPT_SERVICES
    assert models_shipped(entries, "boto3/data/") == {"dynamodb"}
    for shared in ("endpoints.json", "partitions.json", "sdk-default-configuration.json", "_retry.json"):
        assert f"botocore/data/{shared}" in entries


def test_chalice_deploy_reuses_the_finished_bundle(built: dict[str, Built]) -> None:
    # GIVEN deploy.sh's package step has run: `chalice deploy` of the same code reuses Chalice's cache
    # THEN that cache holds what the package step shipped, not the unfinished zip
    with zipfile.ZipFile(built["prod"].chalice_cache) as archive:
        assert sorted(archive.namelist()) == sorted(names(built["prod"]))


def test_the_built_bundle_ships_the_sdk_versions_the_tests_ran_with(stage_built: Built) -> None:
    entries = names(stage_built)
    for package in SDK:
        expected = f"{package}-{version(package)}.dist-info/METADATA"
        assert expected in entries, f"{package}: the bundle does not ship the tested {version(package)}"
    pinned = (ROOT / "requirements.txt").read_text()
    assert all(f"\n{package}=={version(package)}\n" in pinned for package in SDK)


def test_the_built_bundle_ships_unchecked_bytecode_for_every_module_this_python_can_load(
    stage_built: Built,
) -> None:
    # GIVEN the bundle's modules and their .pyc files
    with zipfile.ZipFile(stage_built.work_dir / "package" / "deployment.zip") as archive:
        entries = set(archive.namelist())
        modules = sorted(name for name in entries if name.endswith(".py"))
        missing = [name for name in modules if cached_name(name) not in entries]
        headers = {name: archive.read(cached_name(name))[:8] for name in modules[::25] if name not in missing}
    # THEN every module has one, built by this interpreter (the functions' runtime: chalice packages
    # for it), which Python loads without checking the source
    assert not missing
    assert headers
    for name, header in headers.items():
        assert header[:4] == importlib.util.MAGIC_NUMBER, name
        assert int.from_bytes(header[4:8], "little") == 0b01, f"{name}: not an unchecked-hash .pyc"


def cached_name(module: str) -> str:
    return importlib.util.cache_from_source(module)


@pytest.fixture
def unpacked(built: dict[str, Built], tmp_path: Path) -> Path:
    return bundle.unpack(built["prod"].work_dir / "package" / "deployment.zip", tmp_path / "task")


def isolated_python(unpacked: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """-S: none of this interpreter's site-packages, so only the bundle (and the stdlib) can answer."""
    return subprocess.run([sys.executable, "-S", *args], cwd=unpacked, env=env | {
        "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, text=True, timeout=120, check=False)


def test_the_unpacked_bundle_builds_a_client_for_every_kept_service_and_no_other(
    unpacked: Path, aws: dict[str, str]
) -> None:
    script = ("import sys; sys.path[0] = sys.argv[1]\n"
              "import botocore.session, botocore.exceptions\n"
              "session = botocore.session.get_session()\n"
              "for service in sys.argv[2:]:\n"
              "    session.create_client(service, region_name='eu-west-1')\n"
              "try:\n"
              "    session.create_client('s3', region_name='eu-west-1')\n"
              "except botocore.exceptions.UnknownServiceError:\n"
              "    print('s3 pruned')\n")
    result = isolated_python(unpacked, "-c", script, str(unpacked), *sorted(bundle.KEPT_SERVICES), env=aws)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "s3 pruned"


# Names of its own: the emulator is shared by the session's deploy tests.
TABLES = {"CustomersTableName": "bundle_customers", "SubmissionsTableName": "bundle_submissions",
          "IdempotencyTableName": "bundle_idempotency"}
CURSOR_PARAMETER = "/customer-ids/bundle-test/cursor-secret"


def lambda_env(aws: dict[str, str], unpacked: Path) -> dict[str, str]:
    """The prod stage's function environment (tracing on), pointed at the emulator. Without the
    CURSOR_SECRET the tests set: the secret comes from SSM, as in AWS."""
    return {k: v for k, v in aws.items() if k != "CURSOR_SECRET"} | {
        "CUSTOMERS_TABLE": TABLES["CustomersTableName"], "SUBMISSIONS_TABLE": TABLES["SubmissionsTableName"],
        "IDEMPOTENCY_TABLE": TABLES["IdempotencyTableName"], "CURSOR_SECRET_PARAMETER": CURSOR_PARAMETER,
        "APP_STAGE": "prod", "TRACING_ENABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "customer-ids", "POWERTOOLS_METRICS_NAMESPACE": "CustomerIds",
        "LAMBDA_TASK_ROOT": str(unpacked), "AWS_LAMBDA_FUNCTION_NAME": "customer-ids-prod",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",  # no daemon: the segments' UDP is dropped
        "_X_AMZN_TRACE_ID": "Root=1-6743a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
    }


def queue_of_submitted_events() -> str:
    """An SQS queue that the default bus's rule for submitted IDs delivers to (moto delivers to SQS)."""
    sqs, bus = boto3.client("sqs"), boto3.client("events")
    queue = sqs.create_queue(QueueName="bundle-submitted")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus.put_rule(Name="bundle-submitted", EventPattern=json.dumps(SUBMITTED_PATTERN))
    bus.put_targets(Rule="bundle-submitted", Targets=[{"Id": "queue", "Arn": arn}])
    return str(queue)


def test_the_unpacked_bundle_answers_every_kind_of_request_from_its_own_packages(
    unpacked: Path, aws: dict[str, str], tmp_path: Path
) -> None:
    # GIVEN the prod stage's tables and cursor secret in the emulator
    boto3.client("cloudformation").create_stack(
        StackName="bundle-data", TemplateBody=(ROOT / "backend" / "infra" / "data.json").read_text(),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in TABLES.items()])
    boto3.client("ssm").put_parameter(Name=CURSOR_PARAMETER, Value="s" * 48, Type="SecureString")
    announced = queue_of_submitted_events()
    # WHEN a fresh interpreter without site-packages runs a write, a read, a keyed batch (Powertools'
    # idempotency layer: boto3), a list (the secret from SSM) and a submission (EventBridge)
    batch = rest_request("POST", "/customers/batch", "/customers/batch", body=json.dumps({"ids": ["b-001"]}))
    batch["headers"]["Idempotency-Key"] = "bundle-test-key"
    events = [
        rest_request("PUT", "/customers/{id}", "/customers/p-001", {"id": "p-001"}),
        rest_request("GET", "/customers/{id}", "/customers/p-001", {"id": "p-001"}),
        batch,
        rest_request("GET", "/customers", "/customers", query={"limit": "1"}),
        rest_request("POST", "/workflow/submit", "/workflow/submit", body=json.dumps({"id": "w-001"})),
    ]
    context = context_attributes(LambdaContext())
    job, result_file = tmp_path / "job.json", tmp_path / "result.json"
    job.write_text(json.dumps({"events": events, "context": context, "modules": SHIPPED_MODULES}))
    run = isolated_python(unpacked, str(bundle.PROBE), str(unpacked), str(job), str(result_file),
                          env=lambda_env(aws, unpacked))

    # THEN each answers as it does in the tests, and every package came from the bundle
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text())
    statuses = [answer["statusCode"] for answer in result["answers"]]
    assert statuses == [201, 200, 200, 200, 202], result["answers"]
    assert json.loads(result["answers"][2]["body"])["created"] == ["b-001"]
    assert json.loads(result["answers"][3]["body"])["nextCursor"]  # signed with the secret from SSM
    messages = boto3.client("sqs").receive_message(QueueUrl=announced, WaitTimeSeconds=5).get("Messages", [])
    assert len(messages) == 1, "the submission was not announced on the bus"
    (message,) = messages
    assert json.loads(message["Body"])["detail"]["id"] == "w-001"  # the submission was put on the bus
    for module, origin in result["origins"].items():
        assert origin and Path(origin).is_relative_to(unpacked), f"{module} loaded from {origin}"


IDENTITY_PARAMETERS = "/customer-ids/bundle-test/identity/"


def test_the_unpacked_bundle_s_authorizer_admits_a_machine_and_refuses_the_rest(
    unpacked: Path, aws: dict[str, str], tmp_path: Path
) -> None:
    # GIVEN the stage's identity parameters, as identity.json and api.json write them
    ssm = boto3.client("ssm")
    for name, value in (("user-pool-id", "eu-west-1_bundle"), ("client-id", "bundleclient"),
                        ("people-api-key", "0123456789abcdef0123456789abcdef")):
        ssm.put_parameter(Name=IDENTITY_PARAMETERS + name, Value=value, Type="String", Overwrite=True)
    method_arn = "arn:aws:execute-api:eu-west-1:123456789012:api1234/api/GET/customers"

    def request(headers: dict[str, str]) -> dict[str, Any]:
        return {"type": "REQUEST", "methodArn": method_arn, "resource": "/customers", "path": "/customers",
                "httpMethod": "GET", "headers": headers,
                "multiValueHeaders": {k: [v] for k, v in headers.items()},
                "requestContext": {"resourcePath": "/customers", "httpMethod": "GET", "stage": "api"}}

    # WHEN a fresh interpreter without site-packages runs the authorizer's handler (as Chalice sets
    # it) on a machine's key, the people usage key sent as x-api-key, nothing, and a malformed token
    events = [request({"x-api-key": "machine-key-0123456789"}),
              request({"x-api-key": "0123456789abcdef0123456789abcdef"}),
              request({}), request({"Authorization": "Bearer not.a.jwt"})]
    job, result_file = tmp_path / "job.json", tmp_path / "result.json"
    job.write_text(json.dumps({"events": events, "handler": "chalicelib.identity.authorizer.authorize",
                               "context": context_attributes(LambdaContext()),
                               "modules": ["jwt", "chalicelib"]}))
    env = lambda_env(aws, unpacked) | {"IDENTITY_PARAMETERS": IDENTITY_PARAMETERS,
                                       "API_KEY_NAME": "customer-ids-prod-console",
                                       "AWS_LAMBDA_FUNCTION_NAME": "customer-ids-prod-authorize"}
    run = isolated_python(unpacked, str(bundle.PROBE), str(unpacked), str(job), str(result_file), env=env)

    # THEN the machine passes with its key as the usage key, the people key is denied (API Gateway's
    # 403), the others are API Gateway's 401, and the token library came from the bundle
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text())
    machine, people_key, nothing, malformed = result["answers"]
    assert machine["usageIdentifierKey"] == "machine-key-0123456789"
    assert machine["context"] == {"kind": "key", "name": "customer-ids-prod-console", "role": "admin"}
    assert people_key["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert nothing == malformed == {"raised": "Exception: Unauthorized"}
    for module, origin in result["origins"].items():
        assert origin and Path(origin).is_relative_to(unpacked), f"{module} loaded from {origin}"
