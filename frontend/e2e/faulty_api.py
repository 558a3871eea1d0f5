"""The API's real failure answers for browser tests: a second `chalice local` of the app, allowing the
console's origin, whose AWS traffic goes through the integration tests' fault proxy
(tests/integration/fault_proxy.py) to the session's emulator: same data, same key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backend.devstack import DevStack
from tests.conftest import free_port
from tests.integration.fault_proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FaultyApi:
    url: str
    proxy: FaultProxy


def _wait_for_health(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the faulty API exited"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the faulty API did not start")


@contextmanager
def running_faulty_api(stack: DevStack) -> Iterator[FaultyApi]:
    port = free_port()
    with FaultProxy(stack.emulator_port) as proxy:
        env = {**os.environ, **stack.aws_env(), "AWS_ENDPOINT_URL": proxy.url, "LOCAL_API_KEY": stack.api_key,
               "WEB_PORT": str(stack.web_port), "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend.chalice_local", "--stage", "local", "--host", "127.0.0.1",
             "--port", str(port), "--no-autoreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, proc)
            yield FaultyApi(url, proxy)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
