"""Fixtures for the deployment tests: built templates (via deploy.sh --dry-run) and the emulator."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend.deploy import bundle, checkov
from backend.deploy.bundle import BUILD_LOCK
from backend.local.unique import free_port

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
FAKE_CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any AWS credentials, profile or endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull
    )
    env.update(extra)
    return env


@dataclass(frozen=True)
class Built:
    stage: str
    work_dir: Path
    output: str
    # Chalice's cached bundle as named when the build ended: Chalice names it by hashing the code,
    # chalicelib's __pycache__ included, which other tests' processes may write to afterwards.
    chalice_cache: Path

    def template(self, name: str) -> dict[str, Any]:
        path = self.work_dir / ("package/sam.json" if name == "package" else f"templates/{name}.json")
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data


def _dry_run_all(work: Path) -> dict[str, str]:
    env = clean_env(
        DEPLOY_WORK_DIR=str(work), CONSOLE_CERTIFICATE_ARN=FAKE_CERTIFICATE, PYTHON=sys.executable
    )
    outputs: dict[str, str] = {}
    for stage in STAGES:
        run = subprocess.run(
            [str(ROOT / "deploy.sh"), "--stage", stage, "--dry-run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0, f"deploy.sh --stage {stage} --dry-run failed:\n{run.stdout}"
        outputs[stage] = run.stdout
    return outputs


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Both stages built by `deploy.sh --stage S --dry-run`, once per test run (about 25 s).

    One at a time, under a machine-wide lock: chalice package writes its cached deployment zip in
    .chalice/deployments/ without a temporary name, so two concurrent runs could leave a truncated
    zip there that a later real deploy would reuse. Under pytest-xdist the workers share one build.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    work = (base.parent / f"deploy-{run_id}") if run_id else base / "deploy"
    with BUILD_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = work / "outputs.json"
        if not done.exists():
            work.mkdir(parents=True, exist_ok=True)
            outputs = _dry_run_all(work)
            done.write_text(json.dumps({"outputs": outputs, "cache": str(bundle.chalice_cache(ROOT))}))
        found: dict[str, Any] = json.loads(done.read_text())
    cache = Path(found["cache"])
    return {stage: Built(stage, work / stage, found["outputs"][stage], cache) for stage in STAGES}


@pytest.fixture(scope="session")
def checkov_installed() -> None:
    """checkov's own environment (.venv-checkov: it pins another boto3), created or found current.
    Here rather than before the test run, so it installs while the other tests run; under a lock,
    should two processes of one run ask at once."""
    with (checkov.VENV.parent / ".venv-checkov.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        checkov.install()


@pytest.fixture(params=STAGES)
def stage_built(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


@pytest.fixture(scope="session")
def emulator() -> Iterator[dict[str, str]]:
    """A moto server on a free port; yields the environment that points boto3 at it."""
    from moto.server import ThreadedMotoServer

    from backend.local.emulator import read_json_templates_as_json

    read_json_templates_as_json()  # the deploy path's stacks and change sets, as the local stack's
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield clean_env(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="eu-west-1",
        )
    finally:
        server.stop()


@pytest.fixture
def aws(emulator: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """boto3 in this process talks to the emulator (and nothing else) for the test's duration."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in emulator.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    return emulator
