"""The real local stack over HTTP: what a curl user and the console see."""

from __future__ import annotations

import httpx
import pytest

from backend.local.devstack import DevStack
from backend.local.unique import fresh_id

ORIGINS = ["http://127.0.0.1", "http://localhost"]


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert "Traceback" not in response.text
    code: str = body["error"]["code"]
    return code


def test_create_read_list_delete_over_http(api: httpx.Client) -> None:
    cid = fresh_id("http")
    created = api.put(f"/customers/{cid}")
    assert created.status_code == 201 and created.headers["location"].endswith(f"/customers/{cid}")
    assert api.get(f"/customers/{cid}").json() == created.json()
    listed = api.get("/customers", params={"prefix": cid}).json()
    assert listed == {"items": [created.json()], "nextCursor": None, "cutShort": False}
    assert api.delete(f"/customers/{cid}").status_code == 204
    assert api.get(f"/customers/{cid}").status_code == 404


def test_the_local_stage_asks_for_a_credential(anonymous: httpx.Client) -> None:
    response = anonymous.put(f"/customers/{fresh_id()}")
    assert response.status_code == 401 and error_of(response) == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_local_stage_refuses_a_wrong_key(anonymous: httpx.Client) -> None:
    response = anonymous.put(f"/customers/{fresh_id()}", headers={"x-api-key": "wrong"})
    assert response.status_code == 403 and error_of(response) == "forbidden"


def test_preflight_from_both_local_origins(stack: DevStack, anonymous: httpx.Client) -> None:
    for host in ORIGINS:
        origin = f"{host}:{stack.web_port}"
        response = anonymous.options("/customers/abc", headers={
            "origin": origin, "access-control-request-method": "PUT",
            "access-control-request-headers": "x-api-key"})
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == origin
        assert "x-api-key" in response.headers["access-control-allow-headers"]
        assert "PUT" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/no/such/route", {}, 404, "not_found"),
        ("GET", "/nope", {}, 404, "not_found"),
        ("PATCH", "/customers/abc", {}, 405, "method_not_allowed"),
        ("POST", "/customers/batch", {"content": b"{oops", "headers": {"content-type": "application/json"}},
         400, "malformed_json"),
        ("POST", "/customers/batch", {"content": b"x" * 300_000,
                                      "headers": {"content-type": "application/json"}},
         413, "payload_too_large"),
        ("POST", "/customers/batch", {"content": b"ids=abc",
                                      "headers": {"content-type": "application/x-www-form-urlencoded"}},
         415, "unsupported_media_type"),
        ("PUT", "/customers/bad%20id", {}, 400, "invalid_id"),
    ],
)
def test_every_error_has_the_shape_and_cors(
    stack: DevStack, api: httpx.Client, method: str, path: str, kwargs: dict[str, object],
    status: int, code: str,
) -> None:
    origin = f"http://localhost:{stack.web_port}"
    headers = {"origin": origin, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = api.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert error_of(response) == code
    assert response.headers["access-control-allow-origin"] == origin
