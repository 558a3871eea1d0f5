"""`make dev` is ready when it says so: a submission sent at the very first `/health` 200 completes.

The stack is started as `make dev` starts it (console included), in a process of its own, and
`/health` is asked every 10 ms from the moment it starts: a script that waits for the API and
then submits must never lose its first submission.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.local.unique import free_port, fresh_id

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
KEY = "readiness-key"
STARTUP_SECONDS = 120
FINAL = ("SUCCEEDED", "FAILED")


def first_health_200(client: httpx.Client, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert proc.poll() is None, "make dev's stack exited while starting"
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"/health did not answer 200 within {STARTUP_SECONDS} s")


def read(api: httpx.Client, location: str) -> dict[str, Any]:
    response = api.get(location)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=10).status_code == 200
    except httpx.TransportError:
        return False


def test_a_submission_sent_at_the_first_health_200_succeeds() -> None:
    api_port, web_port = free_port(), free_port()
    env = {**os.environ, "API_PORT": str(api_port), "EMULATOR_PORT": str(free_port()),
           "WEB_PORT": str(web_port), "LOCAL_API_KEY": KEY}
    proc = subprocess.Popen([sys.executable, "-m", "backend.local.devstack"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{api_port}", headers={"x-api-key": KEY},
                          timeout=30) as api:
            # GIVEN the API's first 200
            first_health_200(api, proc)

            # WHEN a submission is sent at once
            cid = fresh_id("ready")
            accepted = api.post("/workflow/submit", json={"id": cid})

            # THEN the submission completes (inserted), and the console answered already
            console_answered = answers(f"http://127.0.0.1:{web_port}")
            assert accepted.status_code == 202, accepted.text
            deadline = time.monotonic() + 30
            while (body := read(api, accepted.headers["location"]))["status"] not in FINAL:
                assert time.monotonic() < deadline, f"still {body['status']} after 30 s: {body}"
                time.sleep(0.05)
            assert (body["status"], body["outcome"]) == ("SUCCEEDED", "inserted"), body
            assert api.get(f"/customers/{cid}").json()["source"] == "workflow"
            assert console_answered
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 0
