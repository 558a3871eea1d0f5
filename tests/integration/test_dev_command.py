"""`make dev`'s entry point as a user runs it: banner, a curl line that works, a clean stop."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _port_is_free(port: int) -> bool:
    """Nothing listens there any more, so `make dev` can start again at once."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_dev_prints_a_working_curl_line_and_sigterm_frees_every_port() -> None:
    api_port, emulator_port = free_port(), free_port()
    env = {**os.environ, "API_PORT": str(api_port), "EMULATOR_PORT": str(emulator_port),
           "LOCAL_API_KEY": "dev-test-key", "SEED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "backend.devstack", "--no-web"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        banner: list[str] = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            banner.append(line)
            if "Ctrl-C stops everything" in line or not line:
                break
        text = "".join(banner)
        assert f"http://127.0.0.1:{api_port}" in text and "dev-test-key" in text, text
        assert "Seeded 5 sample IDs" in text
        curl = next(line.strip() for line in banner if line.strip().startswith("curl "))
        result = subprocess.run(shlex.split(curl), capture_output=True, text=True, timeout=30)
        assert "201 Created" in result.stdout, result.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    for port in (api_port, emulator_port):
        assert _port_is_free(port), f"port {port} still taken after SIGTERM"
