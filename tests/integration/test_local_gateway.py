"""The local gateway (backend/local/gateway.py) behaves like API Gateway wherever a caller can tell.

Requests go over raw HTTP (http.client or a socket), so that no client library normalises the
path or refuses to send what a careless or hostile client would.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

import pytest

from backend.local.devstack import DevStack
from backend.local.unique import fresh_id
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


def send_raw(stack: DevStack, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; read the whole answer (the server closes after an error).
    Each test sends nothing past the point where the server stops reading, so the close is
    clean (unread bytes would make the kernel reset the connection, losing the answer)."""
    with socket.create_connection(("127.0.0.1", stack.api_port), timeout=30) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def assert_error_shape(headers: dict[str, str], body: bytes) -> str:
    assert headers["content-type"] == "application/json"
    parsed = json.loads(body)
    assert set(parsed) == {"error"} and set(parsed["error"]) == {"code", "message"}, parsed
    assert int(headers["content-length"]) == len(body)
    code: str = parsed["error"]["code"]
    return code


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


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        # http.server reads at most 65,536 bytes of request line
        (b"GET /" + b"a" * 65_536, 414, "request_uri_too_long"),
        (b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 65_537, 431, "request_header_fields_too_large"),
        (b"GET /health HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)), 431,
         "request_header_fields_too_large"),
        (b"GET /health HTTP/2.0\r\n", 505, "http_version_not_supported"),
        (b"GARBAGE\r\n", 400, "bad_request"),
        (b"GET /health HTTP/1.x\r\n", 400, "bad_request"),
        (b"GET /health\r\n\r\n", 400, "bad_request"),  # no version: "HTTP/0.9", which API Gateway refuses
    ],
    ids=["uri-too-long", "header-too-long", "too-many-headers", "http2", "no-method",
         "bad-version", "no-version"],
)
def test_the_http_layers_own_errors_are_json_in_our_shape(
    stack: DevStack, data: bytes, status: int, code: str
) -> None:
    answered, headers, body = send_raw(stack, data)

    assert answered == status
    assert assert_error_shape(headers, body) == code
    assert b"<html" not in body.lower()


def test_the_gateway_still_answers_after_those_errors(stack: DevStack) -> None:
    send_raw(stack, b"GARBAGE\r\n")
    assert request(stack, "GET", "/health")[0] == 200
