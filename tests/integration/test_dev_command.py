"""`make dev`'s entry point as a user runs it: banner, a curl line that works, a taken port, a child
that dies, and a clean stop on Ctrl-C or SIGTERM, with nothing left running."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from backend.local.devstack import DEFAULT_USER_PASSWORD
from backend.local.unique import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BANNER_END = "Ctrl-C stops everything"
STARTUP_SECONDS = 120


def port_is_free(port: int) -> bool:
    """Nothing listens there any more, so `make dev` can start again at once."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, whatever session or group it moved to."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """The ones still running (a zombie has finished: it only waits for its parent to read it)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def dev_env(**ports: int) -> dict[str, str]:
    return {**os.environ, "LOCAL_API_KEY": "dev-test-key", **{k: str(v) for k, v in ports.items()}}


def read_banner(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if BANNER_END in line or not line:
            break
    return "".join(lines)


@contextmanager
def dev_stack(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """The command in its own process group, as a terminal runs it; killed if a test fails."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_dev_prints_a_working_curl_line_and_ctrl_c_stops_quietly(tmp_path: Path) -> None:
    api_port, emulator_port = free_port(), free_port()
    env = {**dev_env(API_PORT=api_port, EMULATOR_PORT=emulator_port), "SEED": "1"}
    with dev_stack([sys.executable, "-m", "backend.local.devstack", "--no-web"], env) as proc:
        banner = read_banner(proc)
        assert f"http://127.0.0.1:{api_port}" in banner and "dev-test-key" in banner, banner
        assert "Seeded 5 sample IDs" in banner
        curl = next(line.strip() for line in banner.splitlines() if line.strip().startswith("curl "))
        result = subprocess.run(shlex.split(curl), capture_output=True, text=True, timeout=30)
        assert "201 Created" in result.stdout, result.stdout
        # the line that signs in as a person at the emulator's Cognito, then lists IDs with the token
        sign_in = next(line.strip() for line in banner.splitlines() if line.strip().startswith("TOKEN="))
        result = subprocess.run(["bash", "-c", sign_in], capture_output=True, text=True, timeout=30)
        assert result.stdout.startswith("HTTP/1.1 200 "), result.stdout + result.stderr
        children = descendants(proc.pid)

        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        out, err = proc.communicate(timeout=30)

    assert proc.returncode == 0, err
    assert "Stopped" in out and "Traceback" not in err
    assert not alive(children)
    for port in (api_port, emulator_port):
        assert port_is_free(port), f"port {port} still taken after Ctrl-C"


@pytest.mark.parametrize("variable", ["EMULATOR_PORT", "API_PORT", "WEB_PORT"])
def test_a_taken_port_is_a_clear_error_naming_its_variable_and_the_other_program_is_left_alone(
    variable: str,
) -> None:
    # GIVEN another program listening on the port one variable names
    ports = {"EMULATOR_PORT": free_port(), "API_PORT": free_port(), "WEB_PORT": free_port()}
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        other.setblocking(False)
        ports[variable] = other.getsockname()[1]

        # WHEN make dev starts
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "backend.local.devstack"], cwd=ROOT,
                                env=dev_env(**ports), capture_output=True, text=True, timeout=60)

        # THEN it stops at once, says which variable to change, and never connected to the port
        assert result.returncode == 1
        assert f"{variable}=" in result.stderr and str(ports[variable]) in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert time.monotonic() - started < 30  # no startup of anything: only the check ran
        with pytest.raises(BlockingIOError):
            other.accept()


def test_a_dying_child_stops_everything_and_exits_non_zero_with_the_reason() -> None:
    api_port, emulator_port = free_port(), free_port()
    with dev_stack([sys.executable, "-m", "backend.local.devstack", "--no-web"],
                   dev_env(API_PORT=api_port, EMULATOR_PORT=emulator_port)) as proc:
        assert BANNER_END in read_banner(proc)
        children = descendants(proc.pid)
        (glue,) = [pid for pid in children
                   if b"backend.local.glue" in Path(f"/proc/{pid}/cmdline").read_bytes()]

        os.kill(glue, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)

    assert proc.returncode == 1
    assert "workflow glue exited unexpectedly" in err, err
    assert not alive(children)
    for port in (api_port, emulator_port):
        assert port_is_free(port), f"port {port} still taken"


def test_sigterm_to_make_devs_process_group_stops_everything_without_an_error() -> None:
    # GIVEN `make dev` as a terminal runs it: make leads its own process group
    ports = {"API_PORT": free_port(), "EMULATOR_PORT": free_port(), "WEB_PORT": free_port()}
    with dev_stack(["make", "--no-print-directory", "dev"], dev_env(**ports)) as make:
        assert BANNER_END in read_banner(make)
        everything = descendants(make.pid)

        # WHEN the whole group gets SIGTERM (as from `kill -TERM -<pgid>`, or a supervisor)
        os.killpg(make.pid, signal.SIGTERM)
        out, err = make.communicate(timeout=60)

    # THEN the dev stack stops cleanly (make would report "Error <status>" otherwise); make
    # itself, by design, ends by the same signal once its child has exited
    assert "Error" not in err and "Traceback" not in err, err
    assert "Stopped" in out
    assert make.returncode == -signal.SIGTERM
    assert not alive(everything)
    for variable, port in ports.items():
        assert port_is_free(port), f"{variable} {port} still taken"


def test_make_help_lists_the_variables() -> None:
    result = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=30, check=True)
    for variable in ("API_PORT", "EMULATOR_PORT", "WEB_PORT", "SEED", "LOCAL_API_KEY"):
        assert variable in result.stdout, result.stdout


def test_make_help_lists_the_users_password_with_its_real_default() -> None:
    listed = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    assert f"LOCAL_USER_PASSWORD={DEFAULT_USER_PASSWORD} " in listed, listed
