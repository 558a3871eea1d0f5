"""`make dev` keeps its data between runs: Ctrl-C and start again, and the IDs and submissions are
there; killed in the middle of an import, a retry with the same Idempotency-Key completes it;
FRESH=1 starts clean. Each run is `python -m backend.local.devstack`, as `make dev` starts it, with
its data in a directory of this test's own."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from backend.local.journal import DATABASE
from backend.local.unique import free_port
from tests.integration.test_dev_command import BANNER_END, ROOT, dev_env, read_banner

pytestmark = pytest.mark.integration
KEY = "dev-test-key"  # test_dev_command.dev_env's


@contextmanager
def make_dev(data: Path, *flags: str) -> Iterator[tuple[subprocess.Popen[str], httpx.Client]]:
    api_port = free_port()
    env = {**dev_env(API_PORT=api_port, EMULATOR_PORT=free_port()), "LOCAL_DATA_DIR": str(data)}
    proc = subprocess.Popen([sys.executable, "-m", "backend.local.devstack", "--no-web", *flags],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        banner = read_banner(proc)
        assert BANNER_END in banner, banner + (proc.stderr.read() if proc.poll() is not None and proc.stderr
                                               else "")
        assert str(data) in banner, banner  # it says where the data lives
        for stream in (proc.stdout, proc.stderr):  # read on, or a full pipe stalls the stack's logs
            threading.Thread(target=stream.read, daemon=True).start()  # type: ignore[union-attr]
        with httpx.Client(base_url=f"http://127.0.0.1:{api_port}", headers={"x-api-key": KEY},
                          timeout=30) as api:
            yield proc, api
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Ctrl-C
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def submitted(api: httpx.Client, customer_id: str) -> str:
    accepted = api.post("/workflow/submit", json={"id": customer_id})
    assert accepted.status_code == 202, accepted.text
    submission: str = accepted.json()["submissionId"]
    deadline = time.monotonic() + 60
    while api.get(f"/workflow/submissions/{submission}").json()["status"] != "SUCCEEDED":
        assert time.monotonic() < deadline, "the submission did not succeed within 60 s"
        time.sleep(0.2)
    return submission


def import_with_retries(api: httpx.Client, ids: list[str], key: str) -> httpx.Response:
    """As a client does: an answer with Retry-After is retried with the same key after it."""
    while "Retry-After" in (answer := api.post("/customers/batch", json={"ids": ids},
                                                headers={"Idempotency-Key": key})).headers:
        time.sleep(float(answer.headers["Retry-After"]))
    return answer


def test_data_survives_ctrl_c_and_a_kill_mid_import_and_fresh_starts_clean(tmp_path: Path) -> None:
    imported = [f"imp-{n:04d}" for n in range(1000)]
    # GIVEN a first run that stored an ID and a workflow's, then stopped with Ctrl-C
    with make_dev(tmp_path) as (_, api):
        assert api.put("/customers/kept-1").status_code == 201
        submission = submitted(api, "kept-2")

    # WHEN make dev starts again, THEN both IDs and the submission are there, listed in order
    with make_dev(tmp_path) as (proc, api):
        assert api.get("/customers/kept-1").status_code == 200
        assert api.get(f"/workflow/submissions/{submission}").json()["status"] == "SUCCEEDED"
        listed = api.get("/customers", params={"prefix": "kept-"}).json()["items"]
        assert [c["id"] for c in listed] == ["kept-1", "kept-2"]

        # WHEN it is killed (SIGKILL, no goodbye) while an import of 1,000 IDs is under way
        sending = threading.Thread(target=send_and_lose_the_answer, args=(api, imported, "import-1"))
        sending.start()
        while not kept(tmp_path, "imp-"):  # read from the data file: the API is busy importing
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        sending.join()

    # THEN a retry of the import with the same key, in the next run, completes it: every ID stored
    # once, each whole, none someone else's
    with make_dev(tmp_path) as (_, api):
        assert 0 < len(stored(api, "imp-")) < len(imported)  # it was killed half-way
        answer = import_with_retries(api, imported, "import-1")
        assert answer.status_code == 200, answer.text
        assert sorted(answer.json()["created"]) == imported and answer.json()["existing"] == []
        assert stored(api, "imp-") == imported
        whole = api.get("/customers", params={"prefix": "imp-", "limit": 100}).json()["items"]
        assert all(c.keys() == {"id", "createdAt", "source", "createdBy"} and c["source"] == "batch"
                   for c in whole)

    # WHEN make dev starts with FRESH=1, THEN nothing is kept
    assert (tmp_path / DATABASE).exists()
    with make_dev(tmp_path, "--fresh") as (_, api):
        assert api.get("/customers/kept-1").status_code == 404
        assert api.get("/customers").json()["items"] == []


def send_and_lose_the_answer(api: httpx.Client, ids: list[str], key: str) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the stack is killed under it: that is the point
        api.post("/customers/batch", json={"ids": ids}, headers={"Idempotency-Key": key})


def kept(data: Path, prefix: str) -> int:
    """How many items whose key starts with `prefix` the data file holds now."""
    if not (data / DATABASE).exists():
        return 0
    with contextlib.closing(sqlite3.connect(data / DATABASE)) as db:
        (count,) = db.execute("SELECT count(*) FROM items WHERE hash LIKE ?", (f'%"{prefix}%',)).fetchone()
    return int(count)


def stored(api: httpx.Client, prefix: str) -> list[str]:
    """Every ID with `prefix`, page by page."""
    ids: list[str] = []
    cursor = None
    while True:
        page = api.get("/customers", params={"prefix": prefix, "limit": 100,
                                             **({"cursor": cursor} if cursor else {})}).json()
        ids += [c["id"] for c in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            return ids
