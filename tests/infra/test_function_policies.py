"""Each Lambda function's own IAM policy allows exactly the AWS calls that function makes.

GIVEN every function of the app run through its code paths against the emulator (the API's
routes, the authorizer, both event handlers, the reconciler), WHEN botocore's
`before-parameter-build` hook records each call with the function that made it, THEN, for both
deployable stages, every call is allowed by that function's .chalice/policy-<stage>-<function>.json
(the stage's names in place of the local ones), and every data action a policy grants is one its
function was seen to make, save the few made on its behalf by a library or by Lambda itself
(listed below, with the reason).
"""

from __future__ import annotations

import fnmatch
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client
from moto import mock_aws

from backend.deploy import policies
from backend.deploy.stage import load_stage
from backend.local.gateway import authorize_like_api_gateway
from backend.local.lambda_events import LambdaContext
from backend.local.unique import fresh_id
from tests.conftest import API_KEY
from tests.infra.conftest import ROOT, STAGES

REGION, ACCOUNT = "us-east-1", "123456789012"
LOCAL = {
    "CUSTOMERS_TABLE": "customer_ids",
    "SUBMISSIONS_TABLE": "customer_id_submissions",
    "IDEMPOTENCY_TABLE": "customer_id_idempotency",
    "WORKFLOW_NAME": "customers-workflow",
    "CURSOR_SECRET_PARAMETER": "/customer-ids/local/cursor-secret",
    "IDENTITY_PARAMETERS": "/customer-ids/local/identity/",
}
# Given directly to the local stage; read from IDENTITY_PARAMETERS in AWS, as here.
IDENTITY_GIVEN_DIRECTLY = ("COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "PEOPLE_API_KEY")
DATA_SERVICES = ("dynamodb", "events", "states", "ssm", "sqs")
# Granted but not called by our code, so the recorder cannot see them.
NOT_OUR_CALLS = {
    "IdempotencyTable": "Powertools' idempotency utility calls DynamoDB through its own boto3 client",
    "OnFailureDestination": "Lambda itself sends a failed asynchronous event to the DLQ with this role",
}
Call = tuple[str, str, tuple[tuple[str, str], ...]]  # IAM action, resource ARN, condition keys (sorted)

# The API's routes behind their authorizer, as API Gateway runs it (tests/functional/conftest.py too).
authorize_like_api_gateway()


def _table_arn(name: str, index: str | None = None) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}" + (f"/index/{index}" if index else "")


def iam_calls(service: str, operation: str, params: dict[str, Any]) -> list[Call]:
    """The IAM actions and resources one botocore call is authorised against."""
    if service == "dynamodb":
        if operation == "BatchGetItem":
            return [(f"dynamodb:{operation}", _table_arn(t), ()) for t in params["RequestItems"]]
        return [(f"dynamodb:{operation}", _table_arn(params["TableName"], params.get("IndexName")), ())]
    if service == "eventbridge":
        return [(f"events:{operation}",
                 f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{e.get('EventBusName', 'default')}",
                 (("events:source", e["Source"]),)) for e in params["Entries"]]
    if service == "ssm":
        names = params["Names"] if operation == "GetParameters" else [params["Name"]]
        return [(f"ssm:{operation}", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}", ()) for name in names]
    if service == "sfn":
        arn = params.get("stateMachineArn") or params["executionArn"]
        return [(f"states:{operation}", arn, ())]
    raise AssertionError(f"no IAM mapping for {service}.{operation}: add one")


@dataclass
class Recorder:
    """Every AWS call our code makes through chalicelib.aws's session, by the function making it."""

    function: str | None = None
    calls: dict[str, set[Call]] = field(default_factory=dict)

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        assert self.function is not None, f"an AWS call outside any function: {model.name}"
        service = model.service_model.service_id.hyphenize()
        for action, resource, condition in iam_calls(service, model.name, params):
            self.calls.setdefault(self.function, set()).add((action, resource, condition))

    @contextmanager
    def running(self, function: str) -> Iterator[None]:
        from chalicelib import wiring

        wiring.reset()  # each function is a container of its own: none knows what another learnt
        # botocore calls a handler with keyword arguments, `params` and `model` among them.
        wiring.services().clients.session().register("before-parameter-build", self)  # type: ignore[arg-type]
        self.function = function
        try:
            yield
        finally:
            self.function = None


def _event(source: str, detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "source": source, "detail-type": detail_type,
            "account": ACCOUNT, "region": REGION, "time": "2026-11-25T09:00:00Z", "resources": [],
            "detail": detail}


def _wait_for_end(sfn: Any, machine: str, name: str) -> dict[str, Any]:
    arn = machine.replace(":stateMachine:", ":execution:") + f":{name}"
    deadline = time.monotonic() + 30
    while True:
        found: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        if found["status"] != "RUNNING" or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _project_reading_the_cursor_secret_from_ssm(tmp: Path) -> Path:
    """The app's Chalice config, but its local stage reads the cursor secret and the identity
    parameters from SSM as deployed stages do, and reconciles at once (chalice.test.Client sets the
    stage's variables on every request, so these win over the test process's environment)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    local = config["stages"]["local"]["environment_variables"]
    del local["CURSOR_SECRET"]
    for name in IDENTITY_GIVEN_DIRECTLY:
        local.pop(name, None)
    local["CURSOR_SECRET_PARAMETER"] = LOCAL["CURSOR_SECRET_PARAMETER"]
    local["IDENTITY_PARAMETERS"] = LOCAL["IDENTITY_PARAMETERS"]
    local["RECONCILE_AFTER_SECONDS"] = "0"  # the reconciler takes up every unfinished submission
    (tmp / ".chalice").mkdir()
    (tmp / ".chalice" / "config.json").write_text(json.dumps(config))
    return tmp


def _exercise(recorder: Recorder, project: Path) -> None:
    """Every function through every path that calls AWS."""
    import boto3

    from app import app
    from backend.local.emulator import status_change_event
    from chalicelib.workflow import handlers
    from workflow.definition import load

    admin = boto3.session.Session(region_name=REGION)
    admin.client("cloudformation").create_stack(
        StackName="data", TemplateBody=(ROOT / "backend" / "infra" / "data.json").read_text())
    admin.client("ssm").put_parameter(
        Name=LOCAL["CURSOR_SECRET_PARAMETER"], Value="secret", Type="SecureString")
    # As backend/infra/identity.json and api.json make them
    for name, value in (("user-pool-id", "eu-west-1_local"), ("client-id", "localclient"),
                        ("people-api-key", "local-people-usage-key")):
        admin.client("ssm").put_parameter(Name=LOCAL["IDENTITY_PARAMETERS"] + name, Value=value,
                                          Type="String")
    sfn = admin.client("stepfunctions")
    # A machine that cannot record its end (no such submissions table): every end is left to the
    # status handler and the reconciler, so their paths run too.
    machine: str = sfn.create_state_machine(
        name=LOCAL["WORKFLOW_NAME"], roleArn=f"arn:aws:iam::{ACCOUNT}:role/x",
        definition=load({"CustomersTableName": LOCAL["CUSTOMERS_TABLE"], "SubmissionsTableName": "nope"}),
    )["stateMachineArn"]
    # Lambda's longest timeout: the context serves every event this test sends.
    context = LambdaContext("customer-ids-local-x", region=REGION, account=ACCOUNT, timeout_ms=900_000)

    with Client(app, stage_name="local", project_dir=str(project)) as chalice_client, \
            recorder.running("api_handler"):
        def call(method: str, path: str, body: Any = None, expect: int = 299) -> Any:
            response = chalice_client.http.request(
                method, path, body=json.dumps(body).encode() if body is not None else b"",
                headers={"x-api-key": API_KEY, "content-type": "application/json"})
            assert response.status_code <= expect, response.body
            return json.loads(response.body) if response.body else None

        call("GET", "/auth/config")
        _list_two_pages(call)
        cid = fresh_id()
        call("PUT", f"/customers/{cid}")
        call("GET", f"/customers/{cid}")
        call("POST", "/customers/batch", {"ids": [fresh_id(), cid]})
        call("DELETE", f"/customers/{cid}")
        # IDs in shards no one listed yet: their starters list them (customers' shard directory)
        lost = call("POST", "/workflow/submit", {"id": fresh_id("lost")})["submissionId"]
        started = call("POST", "/workflow/submit", {"id": fresh_id("started")})["submissionId"]
        call("GET", f"/workflow/submissions/{started}")
        call("GET", "/workflow/submissions?limit=5")
        refused = _submit_unpublished(call)

    def detail(sid: str) -> dict[str, Any]:
        found = json.loads(chalice_client.http.request(
            "GET", f"/workflow/submissions/{sid}", headers={"x-api-key": API_KEY}).body)
        return {"submissionId": sid, "id": found["id"], "submittedAt": found["submittedAt"]}

    with recorder.running("authorize"):
        _authorize_a_machine(context)

    # Read through the API (its authorizer reads the identity parameters) before the handler runs
    with recorder.running("api_handler"):
        submitted = [_event("customers.api", "CustomerIdSubmitted", detail(s)) for s in (started, refused)]
    with recorder.running("start_workflow"):
        for event in submitted:
            handlers.start_workflow(event, context)
        # EventBridge delivers at least once: a redelivered start reads the submission it finds RUNNING
        handlers.start_workflow(submitted[0], context)
    _wait_for_end(sfn, machine, started)

    with recorder.running("reconcile_submissions"):
        handlers.reconcile_submissions(_event("aws.events", "Scheduled Event", {}), context)
    execution = _wait_for_end(sfn, machine, lost)

    entry = status_change_event(execution, execution["status"])
    with recorder.running("record_workflow_end"):
        ended = _event(entry["Source"], entry["DetailType"], json.loads(entry["Detail"]))
        handlers.record_workflow_end(ended, context)


def _authorize_a_machine(context: LambdaContext) -> None:
    """The authorizer as API Gateway runs it for a machine's key (REQUEST event, no token): it
    reads the identity parameters to refuse the people usage key as an x-api-key."""
    from chalicelib.identity.authorizer import authorize

    method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:api1234/api/GET/customers"
    event = {"type": "REQUEST", "methodArn": method_arn, "resource": "/customers", "path": "/customers",
             "httpMethod": "GET", "headers": {"x-api-key": API_KEY},
             "multiValueHeaders": {"x-api-key": [API_KEY]}, "requestContext": {"resourcePath": "/customers"}}
    answer = authorize(event, context)
    assert answer["usageIdentifierKey"] == API_KEY, answer


def _list_two_pages(call: Any) -> None:
    for _ in range(2):
        call("PUT", f"/customers/{fresh_id()}")
    page = call("GET", "/customers?limit=1")
    call("GET", f"/customers?limit=1&cursor={quote(page['nextCursor'])}")


def _submit_unpublished(call: Any) -> str:
    """A submission whose event the bus refuses: accepted all the same, left PENDING for the
    reconciler (an outbox), so the API makes no further call for it."""
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders

    from tests.clients import clients

    def refuse(**_: Any) -> tuple[Any, dict[str, Any]]:
        return AWSResponse("https://events/", 400, HTTPHeaders(), None), {
            "Error": {"Code": "AccessDeniedException", "Message": "no"}, "ResponseMetadata": {}}

    undo = clients().on_every_attempt("events", "before-call.eventbridge.PutEvents", refuse)
    try:
        response = call("POST", "/workflow/submit", {"id": fresh_id()})
    finally:
        undo()
    submission_id: str = response["submissionId"]
    assert call("GET", f"/workflow/submissions/{submission_id}")["status"] == "PENDING"
    return submission_id


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[Call]]:
    mp = pytest.MonkeyPatch()
    try:
        for key, value in LOCAL.items():
            mp.setenv(key, value)
        for key in IDENTITY_GIVEN_DIRECTLY:
            mp.delenv(key, raising=False)
        mp.setenv("LOCAL_API_KEY", API_KEY)
        mp.delenv("CURSOR_SECRET", raising=False)  # tests/conftest.py sets one for other tests
        mp.setenv("RECONCILE_AFTER_SECONDS", "0")
        from chalicelib import wiring

        wiring.reset()
        recorder = Recorder()
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            _exercise(recorder, _project_reading_the_cursor_secret_from_ssm(tmp_path_factory.mktemp("app")))
        wiring.reset()
        return recorder.calls
    finally:
        mp.undo()


def _for_stage(call: Call, stage: str) -> Call:
    environment = load_stage(stage).environment
    action, resource, condition = call
    for variable, local in LOCAL.items():
        if local in resource:
            resource = resource.replace(local, environment[variable])
    return action, resource, condition


def _statements(stage: str, function: str) -> list[dict[str, Any]]:
    path = ROOT / ".chalice" / policies.policy_file(stage, function)
    statements: list[dict[str, Any]] = json.loads(path.read_text())["Statement"]
    for statement in statements:
        for key in ("Action", "Resource"):
            if isinstance(statement[key], str):
                statement[key] = [statement[key]]
    return statements


def _allows(statement: dict[str, Any], call: Call) -> bool:
    action, resource, condition = call
    wanted = statement.get("Condition", {}).get("StringEquals", {})
    return (
        statement["Effect"] == "Allow"
        and action in statement["Action"]
        and any(fnmatch.fnmatchcase(resource, pattern) for pattern in statement["Resource"])
        and all(dict(condition).get(k) == v for k, v in wanted.items())
    )


def test_every_function_was_exercised(recorded: dict[str, set[Call]]) -> None:
    assert set(recorded) == set(policies.FUNCTIONS)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("function", policies.FUNCTIONS)
def test_each_call_a_function_makes_is_allowed_by_its_own_policy(
    recorded: dict[str, set[Call]], stage: str, function: str
) -> None:
    statements = _statements(stage, function)
    denied = sorted(c for c in (_for_stage(c, stage) for c in recorded[function])
                    if not any(_allows(s, c) for s in statements))
    assert denied == [], f"add to backend/deploy/policies.py for {function}, then regenerate"


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("function", policies.FUNCTIONS)
def test_a_function_s_policy_grants_no_data_action_it_does_not_make(
    recorded: dict[str, set[Call]], stage: str, function: str
) -> None:
    made = [_for_stage(c, stage) for c in recorded[function]]
    unused = [
        (statement["Sid"], action)
        for statement in _statements(stage, function)
        if statement["Sid"] not in NOT_OUR_CALLS
        for action in statement["Action"]
        if action.split(":")[0] in DATA_SERVICES
        and not any(_allows({**statement, "Action": [action]}, c) for c in made)
    ]
    assert unused == [], f"least privilege: {function} never makes these calls"


def test_the_api_cannot_start_executions_and_the_handlers_cannot_delete_customers() -> None:
    for stage in STAGES:
        granted = {f: {a for s in _statements(stage, f) for a in s["Action"]} for f in policies.FUNCTIONS}
        assert not granted["api_handler"] & {"states:StartExecution", "states:DescribeExecution"}
        for function in (*policies.EVENT_HANDLERS, policies.RECONCILER):
            assert not granted[function] & {"dynamodb:DeleteItem", "dynamodb:PutItem", "events:PutEvents"}


def test_the_policy_files_are_current() -> None:
    assert policies.stale() == [], "run: make generate"
