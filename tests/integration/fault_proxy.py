"""A TCP proxy between the API and the emulator that misbehaves on command, like a real network.

Modes, switched at any time and applied to connections already open (botocore keeps them alive):
- pass:   bytes flow both ways.
- hang:   bytes are held in both directions (the peer accepts and never answers); switching back
          to pass delivers what was held, late, the way a frozen process (SIGSTOP, SIGCONT) does.
- reset:  every connection is closed with a TCP reset, and new ones are reset at once.
- lose(n, operation): the answers to the next n requests for `operation` (e.g. "PutItem") are
          dropped after the emulator carried them out, and their connection reset: the caller
          sees its connection die mid-answer although its write landed. (An answer that never
          comes at all is `hang`: the same "maybe done" to the caller, after its read timeout.)
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from backend.local.unique import free_port
from tests.local_stage import local_stage_project

if TYPE_CHECKING:
    from backend.local.devstack import DevStack

ROOT = Path(__file__).resolve().parents[2]

_CHUNK = 65536


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.mode = "pass"
        self._losses: dict[bytes, int] = {}  # operation -> answers still to lose
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="fault-proxy", daemon=True).start()

    # -- commands --------------------------------------------------------------------------
    def set(self, mode: str) -> None:
        assert mode in {"pass", "hang", "reset"}, mode
        self.mode = mode
        if mode == "reset":
            with self._lock:
                for sock in list(self._sockets):
                    _reset(sock)

    def lose(self, answers: int, operation: str) -> None:
        with self._lock:
            target = f"x-amz-target: dynamodb_20120810.{operation}".lower().encode()
            self._losses[target] = self._losses.get(target, 0) + answers

    def close(self) -> None:
        self._closed = True
        self.mode = "pass"
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                _reset(sock)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "reset":
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self._upstream)
            except OSError:
                _reset(client)
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets.update((client, upstream))
            lose_next = [False]
            for args in ((client, upstream, False, lose_next), (upstream, client, True, lose_next)):
                threading.Thread(target=self._pump, args=args, daemon=True).start()

    def _owes_loss(self, request: bytes) -> bool:
        """Is the answer to this request (its first chunk) one to lose?"""
        head = request[:4096].lower()
        with self._lock:
            for target, left in self._losses.items():
                if left > 0 and target in head:
                    self._losses[target] = left - 1
                    return True
        return False

    def _pump(self, source: socket.socket, target: socket.socket, answers: bool,
              lose_next: list[bool]) -> None:
        """Copy one direction. HTTP/1.1 without pipelining: an answer follows its request, so
        `lose_next` (shared by the two directions of a connection) carries the verdict across."""
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                while self.mode == "hang" and not self._closed:
                    time.sleep(0.01)
                if self.mode == "reset":
                    break
                if not answers and data[:8].isupper():  # a request line starts ("POST / ...")
                    lose_next[0] = self._owes_loss(data)
                elif answers and data.startswith(b"HTTP/") and lose_next[0]:
                    _reset(target)  # the answer dropped whole, the caller's connection with it
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                _close(sock)
            with self._lock:
                self._sockets.difference_update((source, target))


def _reset(sock: socket.socket) -> None:
    """Abort the connection now, with a TCP reset. `close` alone does nothing while the other
    direction's pump is blocked reading this socket (the kernel keeps it open until that read
    returns): shutting down the reading side wakes it and sends nothing. (Shutting down the writing
    side would send a FIN, which ends an answer cut short as if it were whole: botocore does not
    check Content-Length, and a DynamoDB Query answered `{}` made the app raise KeyError.)"""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


@contextlib.contextmanager
def app_behind_proxy(stack: DevStack, request_budget_seconds: float | None = None,
                     through: Literal["aws", "cognito"] = "aws") -> Iterator[tuple[str, FaultProxy]]:
    """A second `chalice local` of the app on the stack's data, key and user pool (allowing the
    console's origin), whose AWS traffic (`through="aws"`) or whose fetches of the pool's keys
    (`"cognito"`, the JWKS) go through a FaultProxy: (its URL, the proxy). It starts with no key
    of the pool cached.

    `request_budget_seconds` replaces the stage's REQUEST_BUDGET_SECONDS, for tests whose point is
    not the budget: a 503 then comes sooner. Whatever the network did, the app must not have raised
    past its error boundary or log a crash: a traceback in its output fails the run, and shows it."""
    port = free_port()
    with FaultProxy(stack.emulator_port) as proxy, tempfile.TemporaryDirectory() as scratch, \
            (Path(scratch) / "api.log").open("w+b") as output:
        project = ROOT
        if request_budget_seconds is not None:
            project = local_stage_project(Path(scratch), REQUEST_BUDGET_SECONDS=str(request_budget_seconds))
        behind = {"AWS_ENDPOINT_URL": proxy.url} if through == "aws" else {}
        env = {**os.environ, **stack.aws_env(), **behind,
               **stack.identity_env(proxy.url if through == "cognito" else None),
               "LOCAL_API_KEY": stack.api_key, "WEB_PORT": str(stack.web_port), "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend.local.gateway", "--stage", "local", "--host", "127.0.0.1",
             "--port", str(port), "--no-autoreload"],
            cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, proc)
            yield url, proxy
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        output.seek(0)
        _assert_no_traceback(output.read().decode(errors="replace"))


def _assert_no_traceback(output: str) -> None:
    start = output.find("Traceback")
    assert start < 0, f"the API behind the fault proxy logged a traceback:\n{output[start:][:6000]}"


def _wait_for_health(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the API behind the fault proxy exited"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the API behind the fault proxy did not start")
