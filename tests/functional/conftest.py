"""The app through chalice.test.Client against in-process moto, provisioned from backend/infra."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from backend.local.emulator import read_json_templates_as_json, share_cognito_signing_key
from backend.local.gateway import authorize_like_api_gateway
from backend.local.user_pool import provision
from chalicelib import wiring
from chalicelib.identity.roles import ROLES
from tests.clients import clients
from tests.conftest import API_KEY, STACK_RUNNING
from tests.local_stage import local_stage_project

ROOT = Path(__file__).resolve().parents[2]

# Every chalice.test.Client here runs the API's authorizer as API Gateway does, not as chalice local.
authorize_like_api_gateway()


PASSWORD = "Functional-Test-1"
NO_ROLE = "nobody"  # a user in no group: signed in, may call nothing


@dataclass(frozen=True)
class People:
    """A user pool in the in-process emulator with one user per role (each named after it), and the
    app set up to verify their tokens against the keys the emulator publishes."""

    tokens: dict[str, str]  # role (or NO_ROLE) -> a real access token from the emulator's InitiateAuth
    user_pool_id: str
    client_id: str


def emulator_jwks(_url: str, _timeout: float) -> bytes:
    """The key set the emulator serves at /<pool id>/.well-known/jwks.json, read where moto keeps it."""
    resource = files("moto.cognitoidp") / "resources" / "jwks-public.json.gz"
    return gzip.decompress(resource.read_bytes())


def sign_in(user_pool_id: str, client_id: str, username: str, password: str = PASSWORD) -> str:
    idp: Any = clients().client("cognito-idp")
    found = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password})
    token: str = found["AuthenticationResult"]["AccessToken"]
    return token


class Api:
    """A thin wrapper so tests read like HTTP: api.put("/customers/x") -> (status, json, headers)."""

    def __init__(self, client: Client, key: str | None = API_KEY, token: str | None = None) -> None:
        self._client = client
        self._key = key
        self._token = token

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                raw: str | None = None) -> tuple[int, Any, dict[str, str]]:
        sent = {"content-type": "application/json", **(headers or {})}
        if self._key is not None:
            sent.setdefault("x-api-key", self._key)
        if self._token is not None:
            sent.setdefault("authorization", f"Bearer {self._token}")
        payload = raw if raw is not None else (json.dumps(body) if body is not None else "")
        response = self._client.http.request(method, path, headers=sent, body=payload.encode())
        text = response.body.decode() if response.body else ""
        return response.status_code, json.loads(text) if text else None, dict(response.headers)

    def get(self, path: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.request("GET", path, **kw)

    def put(self, path: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.request("PUT", path, **kw)

    def post(self, path: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.request("DELETE", path, **kw)


@pytest.fixture(autouse=True)
def _no_local_stack_running(request: pytest.FixtureRequest) -> None:
    """moto's in-process backends are the running stack's too: `mock_aws` would wipe its tables, and its
    glue would act on this test's submissions. The root conftest.py runs the stack's tests last; this
    catches an order it did not choose (a plugin that shuffles tests)."""
    if request.config.stash.get(STACK_RUNNING, False):
        pytest.fail("functional tests cannot run once the session's local stack is up (it shares moto's "
                    "in-process state): run them before tests/integration, or in their own pytest run",
                    pytrace=False)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOCAL_API_KEY", API_KEY)
    read_json_templates_as_json()
    with mock_aws():
        # Through the root's clients, which the test's code then uses: one botocore session per
        # test, not two (building one is tens of ms of CPU, times every functional test).
        cloudformation = clients().client("cloudformation")
        for template in ("data.json",):
            cloudformation.create_stack(
                StackName=template.split(".")[0],
                TemplateBody=(ROOT / "backend" / "infra" / template).read_text(),
            )
        yield


@pytest.fixture
def stage_variables() -> dict[str, str]:
    """Local-stage variables (.chalice/config.json) a module changes for its tests, by overriding
    this fixture: chalice's test client applies the stage's variables over the environment."""
    return {}


@pytest.fixture
def chalice_client(aws: None, stage_variables: dict[str, str],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    from app import app

    project = (local_stage_project(tmp_path_factory.mktemp("project"), **stage_variables)
               if stage_variables else ROOT)
    with Client(app, stage_name="local", project_dir=str(project)) as client:
        yield client


@pytest.fixture
def api(chalice_client: Client) -> Api:
    return Api(chalice_client)


@pytest.fixture
def anonymous(chalice_client: Client) -> Api:
    return Api(chalice_client, key=None)


@pytest.fixture
def people(aws: None, monkeypatch: pytest.MonkeyPatch) -> People:
    share_cognito_signing_key()  # moto reads its one key afresh for each pool otherwise
    idp: Any = clients().client("cognito-idp")
    made = provision(idp, PASSWORD)  # make dev's pool, client, groups and users, in-process
    pool, client = made.pool_id, made.client_id
    idp.admin_create_user(UserPoolId=pool, Username=NO_ROLE, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username=NO_ROLE, Password=PASSWORD, Permanent=True)
    monkeypatch.setenv("COGNITO_USER_POOL_ID", pool)
    monkeypatch.setenv("COGNITO_CLIENT_ID", client)
    wiring.install(wiring.Services(fetch_jwks=emulator_jwks))
    return People({role: sign_in(pool, client, role) for role in (*ROLES, NO_ROLE)}, pool, client)


@pytest.fixture
def as_role(chalice_client: Client, people: People) -> dict[str, Api]:
    """A signed-in person per role, sending only their token."""
    return {role: Api(chalice_client, key=None, token=token) for role, token in people.tokens.items()}
