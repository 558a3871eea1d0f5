"""The whole system on one machine, no AWS account and no Docker: `make dev` runs this.

- the AWS emulator (moto server, in this process) on EMULATOR_PORT (5000);
- every resource, provisioned into it from the same CloudFormation templates production deploys;
- `chalice local --stage local` on API_PORT (8000), talking to the emulator;
- the workflow's event glue (backend/workflow_local.py): EventBridge -> our Chalice event handlers,
  and Step Functions' status-change events, which the emulator cannot deliver itself;
- the console (Vite dev server) on WEB_PORT (5173), pointed at that API with the local key.

Ctrl-C or SIGTERM stops every process it started and frees the ports. Tests use `DevStack` too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "backend" / "infra"
FRONTEND = ROOT / "frontend"
REGION = "us-east-1"
SAMPLE_IDS = ["acme-001", "acme-002", "globex_17", "initech-42", "umbrella-7"]

# (stack name, template file, parameters): the templates deploy.sh deploys, in the same order.
STACKS: list[tuple[str, str, dict[str, str]]] = [
    ("customer-ids-local-data", "data.json", {}),
]


def _env_port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _wait_for(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a child and everything it started (vite spawns esbuild)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class DevStack:
    def __init__(
        self,
        api_port: int = 8000,
        emulator_port: int = 5000,
        web_port: int = 5173,
        web: bool = True,
        api_key: str | None = None,
        quiet: bool = False,
    ) -> None:
        self.api_port, self.emulator_port, self.web_port = api_port, emulator_port, web_port
        self.web = web
        self.api_key = api_key or os.environ.get("LOCAL_API_KEY") or "local-dev-key"
        self.quiet = quiet
        self.api_url = f"http://127.0.0.1:{api_port}"
        self.emulator_url = f"http://127.0.0.1:{emulator_port}"
        self.web_url = f"http://127.0.0.1:{web_port}"
        self._server: Any = None
        self._children: list[subprocess.Popen[bytes]] = []
        self._web_started = False

    # -- environment shared by every child: the emulator instead of AWS --------------------
    def aws_env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.emulator_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "MOTO_PORT": str(self.emulator_port),  # Step Functions calls back to this port
        }

    def start(self) -> DevStack:
        try:
            self._start_emulator()
            self._provision()
            self._start_api()
            self._start_workflow()
            if self.web:
                self.start_web()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in reversed(self._children):
            _stop(proc)
        self._children.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> DevStack:
        return self.start()

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # -- the pieces ------------------------------------------------------------------------
    def _start_emulator(self) -> None:
        from moto.server import ThreadedMotoServer

        from backend import emulator

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per call otherwise
        emulator.prepare(self.emulator_port)  # see backend/emulator.py: each fix is measured
        self._server = ThreadedMotoServer(
            ip_address="127.0.0.1", port=self.emulator_port, verbose=False
        )
        self._server.start()
        _wait_for(f"{self.emulator_url}/moto-api/", timeout=20)
        config = json.dumps({"stepfunctions": {"execute_state_machine": True},
                             "lambda": {"use_docker": False}}).encode()
        urllib.request.urlopen(
            urllib.request.Request(f"{self.emulator_url}/moto-api/config", data=config, method="POST")
        ).close()

    def client(self, service: str) -> Any:
        import botocore.session

        return botocore.session.get_session().create_client(
            service, region_name=REGION, endpoint_url=self.emulator_url,
            aws_access_key_id="local", aws_secret_access_key="local",
        )

    def _provision(self) -> None:
        cloudformation = self.client("cloudformation")
        for name, template, parameters in STACKS:
            cloudformation.create_stack(
                StackName=name,
                TemplateBody=(INFRA / template).read_text(),
                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            )
            status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
            if status != "CREATE_COMPLETE":
                raise RuntimeError(f"stack {name} from {template} ended {status}")

    def _spawn(self, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        output = subprocess.DEVNULL if self.quiet else None
        proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **env}, stdout=output,
                                stderr=output, start_new_session=True)
        self._children.append(proc)
        return proc

    def _start_api(self) -> None:
        env = {**self.aws_env(), "LOCAL_API_KEY": self.api_key, "WEB_PORT": str(self.web_port),
               "PYTHONUNBUFFERED": "1"}
        proc = self._spawn(
            [sys.executable, "-m", "backend.chalice_local", "--stage", "local", "--host",
             "127.0.0.1", "--port", str(self.api_port), "--no-autoreload"],
            cwd=ROOT, env=env,
        )
        _wait_for(f"{self.api_url}/health", timeout=60, proc=proc)

    def _start_workflow(self) -> None:
        with tempfile.TemporaryDirectory(prefix="devstack-") as scratch:
            ready = Path(scratch) / "workflow-ready"
            proc = self._spawn(
                [sys.executable, "-m", "backend.workflow_local", "--stage", "local",
                 "--ready-file", str(ready)],
                cwd=ROOT, env={**self.aws_env(), "PYTHONUNBUFFERED": "1"},
            )
            deadline = time.monotonic() + 60
            while not ready.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the workflow's event glue did not start (backend/workflow_local.py)")
                time.sleep(0.05)

    def start_web(self) -> None:
        """The console; also callable later on a running stack (the browser tests do)."""
        if self._web_started:
            return
        self._web_started = True
        vite = FRONTEND / "node_modules" / ".bin" / "vite"
        if not vite.exists():
            raise RuntimeError("the console is not installed: run `make dev` (it runs npm ci)")
        env = {"VITE_API_BASE_URL": self.api_url, "VITE_API_KEY": self.api_key}
        proc = self._spawn([str(vite), "--host", "127.0.0.1", "--port", str(self.web_port),
                            "--strictPort"], cwd=FRONTEND, env=env)
        _wait_for(self.web_url, timeout=60, proc=proc)

    def seed(self, ids: list[str]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.api_url}/customers/batch", data=json.dumps({"ids": ids}).encode(),
            headers={"content-type": "application/json", "x-api-key": self.api_key}, method="POST",
        )
        with urllib.request.urlopen(request) as response:
            result: dict[str, Any] = json.load(response)
            return result


def _banner(stack: DevStack) -> str:
    lines = [
        "",
        "Customer IDs is running locally (no AWS account involved).",
        f"  API       {stack.api_url}",
        f"  API key   {stack.api_key}",
        f"  Emulator  {stack.emulator_url}",
    ]
    if stack.web:
        lines.append(f"  Console   {stack.web_url}")
    lines += [
        "",
        "Try it:",
        f"  curl -i -X PUT -H 'x-api-key: {stack.api_key}' {stack.api_url}/customers/cust-001",
        f"  curl -i -H 'x-api-key: {stack.api_key}' -H 'content-type: application/json' "
        f"-d '{{\"id\": \"cust-002\"}}' {stack.api_url}/workflow/submit",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="load a few sample IDs")
    parser.add_argument("--no-web", action="store_true", help="API and emulator only")
    args = parser.parse_args()
    stack = DevStack(
        api_port=_env_port("API_PORT", 8000),
        emulator_port=_env_port("EMULATOR_PORT", 5000),
        web_port=_env_port("WEB_PORT", 5173),
        web=not args.no_web and (FRONTEND / "package.json").exists(),
    )

    def shut_down(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, shut_down)
    with stack:
        if args.seed or os.environ.get("SEED") == "1":
            outcome = stack.seed(SAMPLE_IDS)
            print(f"Seeded {len(outcome['created'])} sample IDs.")
        print(_banner(stack), flush=True)
        try:
            while all(child.poll() is None for child in stack._children):
                time.sleep(0.5)
            print("a local service stopped unexpectedly; shutting down", file=sys.stderr)
            raise SystemExit(1)
        except KeyboardInterrupt:
            print("\nStopping…")


if __name__ == "__main__":
    main()
