"""The local gateway (backend/local/gateway.py) behaves like API Gateway wherever a caller can tell.

Requests go over raw HTTP (http.client or a socket), so that no client library normalises the
path or refuses to send what a careless or hostile client would. The hostile sweep runs against a
gateway of its own (none of its requests reaches the data store), whose log it reads.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend.local.devstack import ROOT, DevStack
from backend.local.unique import free_port, fresh_id
from tests.conftest import API_KEY

pytestmark = pytest.mark.integration


def request(stack: DevStack, method: str, path: str) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", stack.api_port, timeout=30)
    try:
        connection.request(method, path, headers={"x-api-key": API_KEY})
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else None
    finally:
        connection.close()


def test_path_parameters_are_url_decoded(stack: DevStack) -> None:
    rest = fresh_id("fa")  # "%70" is "p"
    status, created = request(stack, "PUT", f"/customers/%70{rest}")
    assert (status, created["id"]) == (201, f"p{rest}")
    status, read = request(stack, "GET", f"/customers/p{rest}")
    assert (status, read["id"]) == (200, f"p{rest}")


def test_an_encoded_slash_is_part_of_the_id_not_a_new_path_segment(stack: DevStack) -> None:
    status, body = request(stack, "PUT", f"/customers/{fresh_id()}%2Fx")
    assert (status, body["error"]["code"]) == (400, "invalid_id")


def test_a_semicolon_does_not_cut_the_id_short(stack: DevStack) -> None:
    # GIVEN an ID that is valid up to a ";"
    cid = fresh_id("semi")

    # WHEN it is PUT with ";def" after it
    status, body = request(stack, "PUT", f"/customers/{cid};def")

    # THEN the whole "cid;def" is the ID, an invalid one (as in API Gateway), and nothing is stored
    assert (status, body["error"]["code"]) == (400, "invalid_id")
    assert request(stack, "GET", f"/customers/{cid}")[0] == 404




# -- The hostile sweep: what a careless or hostile client sends, and what it must get back -------

@dataclass(frozen=True)
class Gateway:
    port: int
    console: str  # the console's origin: the one CORS grants
    log: Path


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The local gateway alone, as DevStack starts it; AWS calls would go to a closed port."""
    port, web_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("gateway") / "gateway.log"
    env = {**os.environ, "LOCAL_API_KEY": API_KEY, "WEB_PORT": str(web_port), "PYTHONUNBUFFERED": "1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    env.pop("CORS_ALLOWED_ORIGINS", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.local.gateway", "--stage", "local", "--host", "127.0.0.1",
             "--port", str(port), "--no-autoreload"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_health(port, process, log)
        yield Gateway(port, f"http://127.0.0.1:{web_port}", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_health(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the gateway exited:\n{log.read_text(errors='replace')}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.makefile("rb").read().startswith(b"HTTP/1.1 200"):  # all of it: a clean close
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the gateway did not answer /health:\n{log.read_text(errors='replace')}")


@dataclass(frozen=True)
class Hostile:
    data: bytes  # what the client sends; nothing past where the server stops reading (see below)
    method: str  # as http.client must parse the answer (a HEAD answer has no body)
    status: int
    code: str
    allow: str | None = None  # a 405's Allow: the methods the route really has


CONSOLE = b"<console origin>"  # put in by exchange(): each gateway has its own
ORIGIN = b"Origin: " + CONSOLE + b"\r\n"
# Each path of the API (one per kind of route), with the methods its routes really have.
ALLOWED = {
    "/health": "GET, OPTIONS",
    "/customers": "GET, OPTIONS",
    "/customers/hostile-1": "DELETE, GET, OPTIONS, PUT",
    "/customers/batch": "OPTIONS, POST",
    "/workflow/submissions/hostile-1": "GET, OPTIONS",
}
# Methods none of those paths has: unknown to HTTP, unknown to API Gateway, the wrong case, HEAD
# (API Gateway does not derive HEAD from GET), and PATCH (a method the API declares elsewhere).
WRONG_METHODS = ["TRACE", "CONNECT", "PROPFIND", "FOO", "get", "HEAD", "PATCH"]
BAD_LENGTHS = {"not-a-number": b"abc", "negative": b"-1", "empty": b"", "fraction": b"1.5",
               "signed": b"+2", "two-values": b"2, 2", "hex": b"0x2"}


def _head(method: str, path: str, *extra: bytes) -> bytes:
    return (b"%s %s HTTP/1.1\r\nHost: api\r\nx-api-key: %s\r\n" % (method.encode(), path.encode(),
            API_KEY.encode())) + ORIGIN + b"".join(extra) + b"\r\n"


HOSTILE: dict[str, Hostile] = {
    **{f"{method}-{path}": Hostile(_head(method, path), method, 405, "method_not_allowed", allow)
       for path, allow in ALLOWED.items() for method in WRONG_METHODS},
    **{f"content-length-{name}-{route}": Hostile(
        _head("POST", route, b"Content-Type: application/json\r\nContent-Length: %s\r\n" % value) + b"{}",
        "POST", 400, "invalid_request") for name, value in BAD_LENGTHS.items()
       for route in ("/customers/batch", "/workflow/submit")},
    "two-different-lengths": Hostile(
        _head("POST", "/customers/batch", b"Content-Length: 2\r\nContent-Length: 3\r\n") + b"{}",
        "POST", 400, "invalid_request"),
    # http.server reads at most 65,536 bytes of request line, 65,536 of a header line, 100 headers
    "uri-too-long": Hostile(b"GET /" + b"a" * 65_536, "GET", 414, "request_uri_too_long"),
    "header-too-long": Hostile(b"GET /health HTTP/1.1\r\n" + ORIGIN + b"X-Big: " + b"a" * 65_537, "GET",
                               431, "request_header_fields_too_large"),
    "too-many-headers": Hostile(b"GET /health HTTP/1.1\r\n" + ORIGIN
                                + b"".join(b"X-%d: 1\r\n" % i for i in range(101)), "GET",
                                431, "request_header_fields_too_large"),
    "http2": Hostile(b"GET /health HTTP/2.0\r\n", "GET", 505, "http_version_not_supported"),
    "no-method": Hostile(b"GARBAGE\r\n", "GET", 400, "invalid_request"),
    "bad-version": Hostile(b"GET /health HTTP/1.x\r\n", "GET", 400, "invalid_request"),
    # no version is "HTTP/0.9", which API Gateway refuses
    "no-version": Hostile(b"GET /health\r\n\r\n", "GET", 400, "invalid_request"),
}


def exchange(gateway: Gateway, hostile: Hostile) -> tuple[http.client.HTTPResponse, bytes, bool]:
    """Send the request; read its answer as an HTTP/1.1 client would, then, when the server kept
    the connection open, a GET /health on the same connection: whether that one was read right
    (a HEAD answer with a body breaks exactly this). Each request sends nothing past the point
    where the server stops reading, so an error's close is clean (unread bytes would make the
    kernel reset the connection, losing the answer)."""
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
        sock.sendall(hostile.data.replace(CONSOLE, gateway.console.encode()))
        answer = http.client.HTTPResponse(sock, method=hostile.method)
        answer.begin()
        body = answer.read()
        if answer.will_close:
            return answer, body, True
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n")
        follow_up = http.client.HTTPResponse(sock, method="GET")
        follow_up.begin()
        return answer, body, follow_up.status == 200 and b'"status"' in follow_up.read()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_request_gets_what_api_gateway_would_answer(gateway: Gateway, name: str) -> None:
    # GIVEN a request a careless or hostile client could send; WHEN it reaches the gateway
    hostile = HOSTILE[name]
    answer, body, framing_intact = exchange(gateway, hostile)

    # THEN the status is API Gateway's, a 405 lists the methods the route really has
    assert answer.status == hostile.status
    assert answer.getheader("Allow") == hostile.allow
    # AND the console may read it: CORS headers for its origin, even where the request's own
    # headers were never read (414, 431), as API Gateway's own answers do
    assert answer.getheader("Access-Control-Allow-Origin") == gateway.console
    # AND it is JSON in our error shape, except that a HEAD answer has no body at all
    assert answer.getheader("Content-Type") == "application/json"
    if hostile.method == "HEAD":
        assert body == b""
    else:
        parsed = json.loads(body)
        assert set(parsed) == {"error"} and set(parsed["error"]) == {"code", "message"}, parsed
        assert parsed["error"]["code"] == hostile.code
        assert int(answer.getheader("Content-Length", "-1")) == len(body)
    # AND the connection goes on (or is closed) cleanly: the next answer on it is read right
    assert framing_intact


def hang_up_before_the_answer(gateway: Gateway) -> None:
    """As a browser leaving the page does: the request sent, the connection reset at once (the
    gateway then reads or writes to a connection that is gone)."""
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
        sock.sendall(_head("GET", "/health"))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_the_gateway_logs_no_traceback_and_still_answers_after_the_sweep(gateway: Gateway) -> None:
    for _ in range(20):  # first: their threads end while the sweep runs
        hang_up_before_the_answer(gateway)
    for hostile in HOSTILE.values():
        exchange(gateway, hostile)

    log = gateway.log.read_text(errors="replace")
    assert "Traceback" not in log, log[log.find("Traceback"):][:4000]
    answer, _, intact = exchange(gateway, Hostile(_head("GET", "/health"), "GET", 200, ""))
    assert (answer.status, intact) == (200, True)

