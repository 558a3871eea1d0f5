"""The whole system on one machine, no AWS account and no Docker: `make dev` runs this.

- the AWS emulator (moto server, in this process) on EMULATOR_PORT (5000);
- the tables, provisioned into it from the same CloudFormation template production deploys;
- its Cognito user pool, with the console's app client, the groups viewer/operator/admin and a
  user of each name in its group, password LOCAL_USER_PASSWORD (backend/local/user_pool.py);
- the workflow's glue (backend/local/glue.py): it registers the state machine, and runs what the
  emulator cannot: EventBridge -> our Chalice event handlers, and the `@app.schedule` functions;
- the console (Vite dev server) on WEB_PORT (5173), pointed at the API with the local key;
- last, once everything above answers: `chalice local --stage local` on API_PORT (8000). So the
  first `/health` 200 means a submission sent now completes.

A port in use stops it before it starts anything. If a process it started dies, it stops the rest
and exits 1, saying which; Ctrl-C or SIGTERM stop everything and exit 0. Tests use `DevStack` too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

from backend.local.botocore_sessions import share_model_files_across_sessions
from backend.local.gc_tuning import collect_garbage_less_often
from chalicelib.config import DEFAULT_LOCAL_API_KEY, DEFAULT_LOCAL_PEOPLE_API_KEY

if TYPE_CHECKING:  # stubs: dev-only, for mypy
    from botocore.client import BaseClient
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_stepfunctions import SFNClient
    from mypy_boto3_sts import STSClient

    from backend.local.journal import Journal
    from backend.local.user_pool import LocalUserPool

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "backend" / "infra"
FRONTEND = ROOT / "frontend"
REGION = "us-east-1"
SAMPLE_IDS = ["acme-001", "acme-002", "globex_17", "initech-42", "umbrella-7"]
# make dev's users' password (LOCAL_USER_PASSWORD): it meets AWS's default password policy, and has
# no `!` or `$`, which bash would expand inside the banner's curl line.
DEFAULT_USER_PASSWORD = "Local-users-pass-1"
LOCAL_DATA_DIR = ".local-data"  # under ROOT, gitignored: the items `make dev` keeps between runs
STARTUP_SECONDS = 90  # per piece; a cold first start on a busy 2-core machine takes ~10 s

# (stack name, template file, parameters): the templates deploy.sh deploys, in the same order.
STACKS: list[tuple[str, str, dict[str, str]]] = [
    ("customer-ids-local-data", "data.json", {}),
]


class StartupError(Exception):
    """A piece of the stack could not start; the message says which and what to do."""


class PortInUseError(StartupError):
    pass


def _env_port(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise StartupError(f"{name}={value} is not a port number (1-65535)")
    return int(value)


def _bindable(port: int) -> bool:
    """Whether we could listen on 127.0.0.1:port. Binding, never connecting: whatever holds the
    port is not disturbed. SO_REUSEADDR as the servers use it, so a port left in TIME_WAIT by the
    previous run counts as free."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port_near(port: int) -> int:
    return next((p for p in range(port + 1, min(port + 200, 65536)) if _bindable(p)), port + 1)


def check_ports(ports: dict[str, int]) -> None:
    """Fail fast, naming the variable to change, before anything starts (or talks to a port)."""
    by_port: dict[int, str] = {}
    for variable, port in ports.items():
        if port in by_port:
            raise PortInUseError(f"{by_port[port]} and {variable} are both {port}: give each its own port")
        by_port[port] = variable
        if not _bindable(port):
            raise PortInUseError(
                f"port {port} ({variable}) is already in use by another program. Stop it, or choose "
                f"another port: make dev {variable}={_free_port_near(port)}"
            )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if not with a 2xx
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class _Stopping(Exception):
    """Ctrl-C or SIGTERM: the user's wish, not a failure."""


class _StopSignals:
    """Ctrl-C and SIGTERM raise _Stopping in the main thread, once: a second signal (make forwards
    SIGTERM to us after the process group got one) must not interrupt the shutdown the first one
    started. Deferred while a child is being created, so none escapes being recorded and stopped.
    (Blocking the signals instead would leave them blocked in the child, which inherits the mask.)"""

    def __init__(self) -> None:
        self._deferring = False
        self._pending = False

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    @staticmethod
    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        self.ignore()
        if self._deferring:
            self._pending = True
            return
        raise _Stopping

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            if self._pending:
                self._pending = False
                raise _Stopping


_stop_signals = _StopSignals()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a child and everything it started (vite spawns esbuild): its whole process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything of its group that outlived it


def exit_with_parent(on_orphaned: Callable[[], None] | None = None) -> None:
    """In a child of DevStack: stop when DevStack is gone (even killed with SIGKILL), so no child
    outlives it holding a port. `on_orphaned` is called once; by default the process exits."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        if on_orphaned is None:
            os._exit(0)
        on_orphaned()

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _Emulator:
    """moto's server in a thread of this process; the port is bound here, before the thread starts,
    so a taken port is an immediate error (moto's ThreadedMotoServer would wait forever).

    It is served by waitress, not by werkzeug's development server as moto's own is: werkzeug closes
    the connection after every answer, so every call from the API, the glue and the workflow paid
    for a new connection and a new thread (a fifth of an emulator call's CPU on both sides).
    waitress keeps connections open (HTTP/1.1 keep-alive) and answers from a pool of threads.
    DynamoDB calls skip moto's Flask app (backend/local/dynamodb_route.py)."""

    def __init__(self, port: int) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from waitress.server import create_server

        from backend.local.dynamodb_route import dynamodb_route

        # A call that waits for a free thread is expected under load, not worth a warning each time.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        app = dynamodb_route(DomainDispatcherApplication(create_backend_app))  # DynamoDB without Flask
        self._sockets: dict[int, Any] = {}  # waitress's: the listener and each connection, by descriptor
        try:
            self._server = create_server(
                app, map=self._sockets, host="127.0.0.1", port=port,
                # Enough for the API's threads, the glue and the workflow's tasks at once; a call
                # that finds them all busy queues (the emulator serialises item operations anyway).
                threads=32,
                # Every SDK client keeps a pool of open connections: idle ones must not count
                # against a limit, nor against select()'s 1,024 descriptors.
                connection_limit=10_000, asyncore_use_poll=True,
                channel_timeout=3600,  # an idle kept connection stays open through a long pause
                ident=None,  # no Server header
            )
        except OSError as error:
            raise PortInUseError(f"port {port} (EMULATOR_PORT) cannot be used: {error.strerror}. "
                                 f"Choose another: make dev EMULATOR_PORT={_free_port_near(port)}") from error
        self._thread = threading.Thread(target=self._server.run, name="emulator", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        from waitress.wasyncore import close_all

        close_all(self._sockets)  # the serving loop ends when it has no socket left
        self._server.task_dispatcher.shutdown()
        self._thread.join(timeout=10)


class DevStack:
    def __init__(
        self,
        api_port: int = 8000,
        emulator_port: int = 5000,
        web_port: int = 5173,
        web: bool = True,
        api_key: str | None = None,
        quiet: bool = False,
        api_aws_endpoint_url: str | None = None,
        schedule_seconds: float | None = None,
        data_dir: Path | None = None,
        fresh: bool = False,
        api_cognito_endpoint_url: str | None = None,
    ) -> None:
        """`api_aws_endpoint_url`: where the API process sends its AWS calls instead of the
        emulator (a fault-injecting proxy in front of it); everything else uses the emulator.
        `schedule_seconds`: the `@app.schedule` functions' local period (LOCAL_SCHEDULE_SECONDS).
        `data_dir`: where the emulator's items are kept between runs (backend/local/journal.py);
        None keeps them in memory only. `fresh`: forget what is kept there first.
        `api_cognito_endpoint_url`: where the API fetches the pool's JWKS instead of the emulator
        (a fault-injecting proxy)."""
        self.api_port, self.emulator_port, self.web_port = api_port, emulator_port, web_port
        self.web = web
        self.api_key = api_key or os.environ.get("LOCAL_API_KEY") or DEFAULT_LOCAL_API_KEY
        self.api_key_name = os.environ.get("API_KEY_NAME") or DEFAULT_LOCAL_API_KEY  # its name in createdBy
        # The local usage plan's key for people: the authorizer hands it to the local gateway for a
        # signed-in person's request; nobody presents it.
        self.people_api_key = os.environ.get("PEOPLE_API_KEY") or DEFAULT_LOCAL_PEOPLE_API_KEY
        self.user_password = os.environ.get("LOCAL_USER_PASSWORD") or DEFAULT_USER_PASSWORD
        self.user_pool: LocalUserPool | None = None  # made at start
        self.quiet = quiet
        self.api_url = f"http://127.0.0.1:{api_port}"
        self.emulator_url = f"http://127.0.0.1:{emulator_port}"
        self.web_url = f"http://127.0.0.1:{web_port}"
        self.api_aws_endpoint_url = api_aws_endpoint_url
        self.api_cognito_endpoint_url = api_cognito_endpoint_url
        self.schedule_seconds = schedule_seconds
        self._emulator: _Emulator | None = None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}  # name -> child, in start order
        self._logs: dict[str, Path] = {}  # name -> its output, when quiet
        self._scratch = Path(tempfile.mkdtemp(prefix="devstack-"))  # the glue's start/ready files
        self._web_started = False
        self._clients: dict[str, BaseClient] = {}
        self.data_dir, self.fresh = data_dir, fresh
        self._journal: Journal | None = None
        self.restored = 0  # items put back from data_dir at start

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

    def identity_env(self, cognito_endpoint_url: str | None = None) -> dict[str, str]:
        """What the API needs to know people and keys (the settings of issue 17's contract).
        `cognito_endpoint_url`: the emulator's by default (where the JWKS is fetched from)."""
        if self.user_pool is None:
            raise StartupError("the user pool is made when the stack starts")
        return {
            "COGNITO_USER_POOL_ID": self.user_pool.pool_id,
            "COGNITO_CLIENT_ID": self.user_pool.client_id,
            "COGNITO_ENDPOINT": f"{cognito_endpoint_url or self.emulator_url}/",
            "PEOPLE_API_KEY": self.people_api_key,
            "API_KEY_NAME": self.api_key_name,
        }

    def start(self) -> DevStack:
        """Everything, the API last: when it answers, the rest is ready for what it accepts."""
        ports = {"API_PORT": self.api_port, "EMULATOR_PORT": self.emulator_port}
        if self.web:
            ports["WEB_PORT"] = self.web_port
        check_ports(ports)
        if self.fresh and self.data_dir is not None:
            forget_local_data(self.data_dir)
        try:
            self._start_emulator()
            # The glue and the console load meanwhile: the glue imports, then waits for the
            # resources; the console needs only the API's URL.
            workflow_ready = self._spawn_workflow()
            if self.web:
                self._spawn_web()
            self._provision()
            self._keep_local_data()
            (workflow_ready.parent / "provisioned").touch()  # the glue imports first, then waits
            self._provision_people()  # while the glue and the console load
            self._wait_until(workflow_ready.exists, "workflow glue", "its rules and pollers")
            if self.web:
                self._wait_until(lambda: _answers(self.web_url), "console", self.web_url)
            self._start_api()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            _stop(self.processes.pop(name))
        for log in self._logs.values():
            log.unlink(missing_ok=True)
        self._logs.clear()
        shutil.rmtree(self._scratch, ignore_errors=True)
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def __enter__(self) -> DevStack:
        return self.start()

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def wait_for_a_death(self, interval: float = 0.2) -> str:
        """Block while everything runs; then say what stopped."""
        while True:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    return f"the {name} exited unexpectedly (status {proc.returncode})"
            if self._emulator is not None and not self._emulator.alive():
                return "the emulator stopped unexpectedly"
            time.sleep(interval)

    # -- the pieces ------------------------------------------------------------------------
    def _start_emulator(self) -> None:
        from backend.local import emulator

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per call otherwise
        emulator.prepare(self.emulator_port)  # see backend/local/emulator.py: each fix is measured
        self._emulator = _Emulator(self.emulator_port)
        config = json.dumps({"stepfunctions": {"execute_state_machine": True},
                             "lambda": {"use_docker": False}}).encode()
        urllib.request.urlopen(
            urllib.request.Request(f"{self.emulator_url}/moto-api/config", data=config, method="POST")
        ).close()

    @overload
    def client(self, service: Literal["cloudformation"]) -> CloudFormationClient: ...
    @overload
    def client(self, service: Literal["cognito-idp"]) -> Any: ...  # no stubs in the dev env for it
    @overload
    def client(self, service: Literal["dynamodb"]) -> DynamoDBClient: ...
    @overload
    def client(self, service: Literal["events"]) -> EventBridgeClient: ...
    @overload
    def client(self, service: Literal["sqs"]) -> SQSClient: ...
    @overload
    def client(self, service: Literal["ssm"]) -> SSMClient: ...
    @overload
    def client(self, service: Literal["stepfunctions"]) -> SFNClient: ...
    @overload
    def client(self, service: Literal["sts"]) -> STSClient: ...
    @overload
    def client(self, service: str) -> BaseClient: ...
    def client(self, service: str) -> BaseClient:
        """One client per service, kept: creating one costs tens of ms of this process's CPU,
        which is also the emulator's."""
        from chalicelib.aws import new_session

        if service not in self._clients:
            self._clients[service] = new_session().create_client(
                service, region_name=REGION, endpoint_url=self.emulator_url,
                aws_access_key_id="local", aws_secret_access_key="local",
            )
        return self._clients[service]

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
                raise StartupError(f"stack {name} from {template} ended {status}")

    def _provision_people(self) -> None:
        from backend.local.user_pool import UserPoolError, provision

        try:
            self.user_pool = provision(self.client("cognito-idp"), self.user_password)
        except UserPoolError as error:
            raise StartupError(str(error)) from error

    def _keep_local_data(self) -> None:
        """Put back what the last run kept, then keep every item write (before anything writes)."""
        if self.data_dir is None:
            return
        from backend.local.journal import Journal

        self._journal = Journal(self.data_dir)
        self.restored = self._journal.restore()
        self._journal.record_every_write()

    def _spawn(self, name: str, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        """Quiet, a child writes to a log file of its own, quoted if it fails to start."""
        log = None
        if self.quiet:
            handle, path = tempfile.mkstemp(prefix=f"devstack-{name.replace(' ', '-')}-", suffix=".log")
            log = os.fdopen(handle, "wb")
            self._logs[name] = Path(path)
        with _stop_signals.deferred():
            # Its own session: Ctrl-C reaches only us, and we stop each child's whole group.
            self.processes[name] = subprocess.Popen(
                args, cwd=cwd, env={**os.environ, **env}, stdout=log,
                stderr=subprocess.STDOUT if log else None, start_new_session=True)
        if log is not None:
            log.close()

    def _output_of(self, name: str) -> str:
        log = self._logs.get(name)
        if log is None:
            return "its output is above"
        tail = log.read_text(errors="replace").splitlines()[-15:]
        return "its last output:\n" + "\n".join(f"    {line}" for line in tail)

    def _wait_until(self, ready: Callable[[], bool], name: str, what: str) -> None:
        proc = self.processes[name]
        deadline = time.monotonic() + STARTUP_SECONDS
        while not ready():
            if proc.poll() is not None:
                raise StartupError(f"the {name} exited with status {proc.returncode} while starting; "
                                   f"{self._output_of(name)}")
            if time.monotonic() > deadline:
                raise StartupError(f"the {name} did not get ready ({what}) within {STARTUP_SECONDS} s")
            time.sleep(0.05)

    def _start_api(self) -> None:
        env = {**self.aws_env(), **self.identity_env(self.api_cognito_endpoint_url),
               "LOCAL_API_KEY": self.api_key, "WEB_PORT": str(self.web_port), "PYTHONUNBUFFERED": "1"}
        if self.api_aws_endpoint_url:
            env["AWS_ENDPOINT_URL"] = self.api_aws_endpoint_url
        self._spawn("API", [sys.executable, "-m", "backend.local.gateway", "--stage", "local", "--host",
                            "127.0.0.1", "--port", str(self.api_port), "--no-autoreload"],
                    cwd=ROOT, env=env)
        self._wait_until(lambda: _answers(f"{self.api_url}/health"), "API", f"{self.api_url}/health")

    def _spawn_workflow(self) -> Path:
        """Starts the glue; returns the file it creates once its rules, pollers and schedules run."""
        self._scratch.mkdir(exist_ok=True)
        ready = self._scratch / "workflow-ready"
        env = {**self.aws_env(), "PYTHONUNBUFFERED": "1"}
        if self.schedule_seconds is not None:
            env["LOCAL_SCHEDULE_SECONDS"] = str(self.schedule_seconds)
        self._spawn("workflow glue", [sys.executable, "-m", "backend.local.glue", "--stage", "local",
                                      "--ready-file", str(ready), "--start-when",
                                      str(ready.parent / "provisioned")], cwd=ROOT, env=env)
        return ready

    def _spawn_web(self, built: bool = False) -> None:
        vite = FRONTEND / "node_modules" / ".bin" / "vite"
        if not vite.exists():
            raise StartupError("the console is not installed: run `make dev` (it installs it with pnpm)")
        self._web_started = True
        env = {"VITE_API_BASE_URL": self.api_url}
        listen = ["--host", "127.0.0.1", "--port", str(self.web_port), "--strictPort"]
        if not built:
            self._spawn("console", [str(vite), *listen, "--clearScreen", "false"], cwd=FRONTEND, env=env)
            return
        out = self._scratch / "console"
        build = subprocess.run(
            [str(vite), "build", "--outDir", str(out), "--emptyOutDir", "--logLevel", "error"],
            cwd=FRONTEND, env={**os.environ, **env}, capture_output=True, text=True, check=False)
        if build.returncode != 0:
            raise StartupError(f"the console did not build:\n{build.stdout}{build.stderr}")
        self._spawn("console", [str(vite), "preview", "--outDir", str(out), *listen], cwd=FRONTEND, env=env)

    def start_web(self, built: bool = False) -> None:
        """The console on a stack started without it. `built`: the production build, as it ships
        (`vite build`, served by `vite preview`), instead of Vite's dev server: the browser tests
        drive what users get, and the browser has less to do (one bundle, React's production
        build, no dev-only double renders)."""
        if self._web_started:
            return
        check_ports({"WEB_PORT": self.web_port})
        self._spawn_web(built)
        self._wait_until(lambda: _answers(self.web_url), "console", self.web_url)

    def seed(self, ids: list[str]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.api_url}/customers/batch", data=json.dumps({"ids": ids}).encode(),
            headers={"content-type": "application/json", "x-api-key": self.api_key}, method="POST",
        )
        with urllib.request.urlopen(request) as response:
            result: dict[str, Any] = json.load(response)
            return result


def forget_local_data(data_dir: Path) -> None:
    """What FRESH=1 does: the kept items go (the directory stays, with anything else in it)."""
    from backend.local.journal import DATABASE

    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"{DATABASE}{suffix}").unlink(missing_ok=True)


def _banner(stack: DevStack) -> str:
    key = stack.api_key
    lines = [
        "",
        "Customer IDs is running locally (no AWS account involved).",
        f"  API       {stack.api_url}",
        f"  API key   {key}",
        f"  Emulator  {stack.emulator_url}   (AWS_ENDPOINT_URL for the AWS CLI or SDKs)",
    ]
    if stack.web:
        lines.append(f"  Console   {stack.web_url}")
    if stack.data_dir is not None:
        lines.append(f"  Data      {stack.data_dir} ({stack.restored:,} items kept from the last run; "
                     "make dev FRESH=1 starts clean)")
    lines += [
        _people_line(stack),
        "",
        "Try it (the first line signs in as operator, then lists IDs with the access token):",
        f"  {_sign_in_line(stack)}",
        f"  curl -i -X PUT -H 'x-api-key: {key}' {stack.api_url}/customers/cust-001",
        f"  curl -i -H 'x-api-key: {key}' -H 'content-type: application/json' "
        f"-d '{{\"id\": \"cust-002\"}}' {stack.api_url}/workflow/submit",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def _people_line(stack: DevStack) -> str:
    users = ", ".join(stack.user_pool.users) if stack.user_pool else ""
    password = (f"password {DEFAULT_USER_PASSWORD}" if stack.user_password == DEFAULT_USER_PASSWORD
                else "password: your LOCAL_USER_PASSWORD, which the curl line reads from your shell")
    return f"  People    {users}: each in the group of its name; {password}"


def _sign_in_line(stack: DevStack) -> str:
    if stack.user_pool is None:
        raise StartupError("the user pool is made when the stack starts")
    shown = stack.user_password if stack.user_password == DEFAULT_USER_PASSWORD else None
    return sign_in_line(stack.emulator_url, stack.user_pool.client_id, stack.api_url, "operator", shown)


def sign_in_line(emulator_url: str, client_id: str, api_url: str, username: str, password: str | None) -> str:
    """One bash line: sign `username` in with the emulator's Cognito (InitiateAuth, as the console
    does), then list IDs with the access token. `password` None: read from the shell's
    LOCAL_USER_PASSWORD (a password of one's own is not printed)."""
    # None: out of the single quotes around the JSON, into the shell's variable, and back.
    literal = password if password is not None else "'\"$LOCAL_USER_PASSWORD\"'"
    auth = (f'{{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"{client_id}",'
            f'"AuthParameters":{{"USERNAME":"{username}","PASSWORD":"{literal}"}}}}')
    read_token = ("python3 -c 'import json,sys; "
                  "print(json.load(sys.stdin)[\"AuthenticationResult\"][\"AccessToken\"])'")
    return (f"TOKEN=$(curl -sf {emulator_url}/ -H 'content-type: application/x-amz-json-1.1' "
            f"-H 'x-amz-target: AWSCognitoIdentityProviderService.InitiateAuth' -d '{auth}' | {read_token}) "
            f"&& curl -i -H \"Authorization: Bearer $TOKEN\" {api_url}/customers")


def _serve(stack: DevStack, seed: bool) -> str:
    """Start, greet, and run until a process dies; return what died."""
    stack.start()
    if seed:
        outcome = stack.seed(SAMPLE_IDS)
        print(f"Seeded {len(outcome['created'])} sample IDs.")
    print(_banner(stack), flush=True)
    return stack.wait_for_a_death()


def _run(args: argparse.Namespace) -> int:
    # Each request's and event's CloudWatch metrics, as an EMF blob after its log line: nothing
    # reads them locally, and they halve what a reader can see. POWERTOOLS_METRICS_DISABLED=false
    # shows them.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    stack = DevStack(
        api_port=_env_port("API_PORT", 8000),
        emulator_port=_env_port("EMULATOR_PORT", 5000),
        web_port=_env_port("WEB_PORT", 5173),
        web=not args.no_web and (FRONTEND / "package.json").exists(),
        data_dir=Path(os.environ.get("LOCAL_DATA_DIR") or ROOT / LOCAL_DATA_DIR),
        fresh=args.fresh or os.environ.get("FRESH") == "1",
    )
    reason: str | None = None
    try:
        reason = _serve(stack, seed=args.seed or os.environ.get("SEED") == "1")
    except _Stopping:
        pass
    finally:
        _stop_signals.ignore()
        stack.stop()
    if reason is None:
        print("\nStopped; every port is free again.", flush=True)
        return 0
    print(f"\nmake dev: {reason}; stopped everything else.", file=sys.stderr, flush=True)
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="load a few sample IDs")
    parser.add_argument("--no-web", action="store_true", help="API and emulator only")
    parser.add_argument("--fresh", action="store_true", help="forget the local data kept from earlier runs")
    args = parser.parse_args()
    collect_garbage_less_often()
    share_model_files_across_sessions()  # moto builds sessions of its own
    _stop_signals.install()
    try:
        sys.exit(_run(args))
    except StartupError as error:
        print(f"make dev: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
