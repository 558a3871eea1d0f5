"""What every request goes through: CORS, the local API key, the error shape, logs and metrics.

`install(app)` runs after the blueprints are registered. It adds
- an OPTIONS route per path, so preflights reach this code (the allowed origin is chosen per request;
  API Gateway's mock CORS integration can only answer one fixed origin);
- a 405 route for every method a path lacks, so a wrong method is a JSON 405 in AWS too
  (API Gateway would otherwise answer a bare 403);
- one middleware that shapes every response, whoever produced it.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from chalice.app import Chalice, Request, Response

from chalicelib import deadline
from chalicelib.config import settings
from chalicelib.errors import (
    CHALICE_CODES,
    STATUS_FALLBACK,
    AppError,
    ForbiddenError,
    MethodNotAllowedError,
    PayloadTooLargeError,
    error_body,
)
from chalicelib.http.cors import ALLOWED_HEADERS, cors_headers
from chalicelib.observability import count, flush_metrics, logger, trace

METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
_LOG_KEYS = ["request_id", "route", "method", "customer_id"]

View = Callable[..., Any]


def error_response(error: AppError, headers: dict[str, str] | None = None) -> Response:
    all_headers: dict[str, str | list[str]] = {"Content-Type": "application/json", **(headers or {})}
    if error.retry_after_seconds is not None:
        all_headers["Retry-After"] = str(error.retry_after_seconds)
    body = error_body(error.code, error.message)
    return Response(body, headers=all_headers, status_code=error.status)


def _preflight(methods: list[str]) -> Response:
    return Response(
        body="",
        status_code=204,
        headers={
            "Access-Control-Allow-Methods": ", ".join(sorted({*methods, "OPTIONS"})),
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
        },
    )


def _route_methods(app: Chalice, path: str) -> list[str]:
    return [m for m, entry in app.routes.get(path, {}).items() if not _is_filler(entry.view_function)]


def _is_filler(view: View) -> bool:
    return getattr(view, "_filler", False)


def _check_api_key(app: Chalice, request: Request) -> None:
    """Local stage only: API Gateway enforces keys in AWS, chalice local and its test client don't."""
    entry = app.routes.get(request.context.get("resourcePath", ""), {}).get(request.method)
    if entry is None or not entry.api_key_required:
        return
    given = request.headers.get("x-api-key", "")
    if not hmac.compare_digest(given.encode(), settings().local_api_key.encode()):
        raise ForbiddenError("a valid API key is required in the x-api-key header")


def _reshape(response: Response) -> Response:
    """Put errors produced outside our views (Chalice's own 405/415/500) into our error shape."""
    body = response.body
    if response.status_code < 400 or (isinstance(body, dict) and "error" in body):
        return response
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            body = {}
    chalice_code = body.get("Code", "") if isinstance(body, dict) else ""
    kind = CHALICE_CODES.get(chalice_code) or STATUS_FALLBACK.get(response.status_code, AppError)
    message = {
        405: "this method is not allowed here",
        415: "send the request body as application/json",
    }.get(response.status_code, "an internal error occurred; it has been logged")
    if kind is not AppError and response.status_code not in (405, 415):
        message = str(body.get("Message", message)) if isinstance(body, dict) else message
    reshaped = error_response(kind(message))
    reshaped.headers.update({k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return reshaped


def _guard(app: Chalice, request: Request) -> Response | None:
    """Answer preflights and refuse bad requests before any view runs."""
    if request.method == "OPTIONS":
        return _preflight(_route_methods(app, request.context.get("resourcePath", "")))
    if settings().enforce_api_key:
        _check_api_key(app, request)
    if len(request.raw_body or b"") > settings().max_body_bytes:
        raise PayloadTooLargeError(f"the body may be at most {settings().max_body_bytes} bytes")
    return None


def _record(response: Response, started: float) -> None:
    status = response.status_code
    if status >= 500:
        count("ServerErrors")
    elif status >= 400:
        count("ClientErrors")
    # Only an error body's "error" is an object: a submission's `"error": null` is not an error.
    error = response.body.get("error") if isinstance(response.body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if code == "already_exists":
        count("Conflicts")
    log = logger.error if status >= 500 else logger.info
    log("request", status=status, duration_ms=round((time.perf_counter() - started) * 1000, 2),
        error_code=code)
    flush_metrics()


def _middleware(app: Chalice) -> Callable[[Request, Callable[[Request], Response]], Response]:
    def handle(request: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.perf_counter()
        route = request.context.get("resourcePath", "")
        params = request.uri_params or {}
        logger.append_keys(request_id=request.context.get("requestId"), route=route,
                           method=request.method, customer_id=params.get("id"))
        try:
            with trace(f"{request.method} {route}", route=route, customer_id=params.get("id", "")):
                try:
                    with deadline.budget(settings().request_budget_seconds):
                        response = _guard(app, request) or get_response(request)
                except AppError as error:
                    response = error_response(error)
            response = _reshape(response)
            response.headers.update(cors_headers(request.headers.get("origin")))
            _record(response, started)
            return response
        finally:
            logger.remove_keys(_LOG_KEYS)

    return handle


def _mapped_errors(view: View) -> View:
    """The one place a raised AppError becomes its HTTP response; anything else is a logged 500."""

    @wraps(view)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AppError as error:
            if error.status >= 500:
                logger.warning("unavailable", cause=repr(error.__cause__ or error))
            return error_response(error)
        except Exception:
            logger.exception("unhandled error")
            return error_response(AppError("an internal error occurred; it has been logged"))

    return call


def _method_not_allowed(app: Chalice, path: str) -> View:
    def method_not_allowed(**_params: str) -> Response:
        allowed = ", ".join(sorted({*_route_methods(app, path), "OPTIONS"}))
        error = MethodNotAllowedError(f"this method is not allowed here; use one of {allowed}")
        return error_response(error, headers={"Allow": allowed})

    method_not_allowed._filler = True  # type: ignore[attr-defined]
    return method_not_allowed


def _preflight_view(**_params: str) -> Response:
    return Response(body="", status_code=204)  # the middleware answers before this runs


def install(app: Chalice) -> None:
    for entries in app.routes.values():
        for entry in entries.values():
            entry.view_function = _mapped_errors(entry.view_function)
    for path in list(app.routes):
        key_required = all(e.api_key_required for e in app.routes[path].values())
        for method in [m for m in METHODS if m not in app.routes[path]]:
            app.route(path, methods=[method], api_key_required=key_required,
                      name=f"{method.lower()}_not_allowed")(_method_not_allowed(app, path))
        app.route(path, methods=["OPTIONS"], name="preflight")(_preflight_view)
    app.register_middleware(_middleware(app), "http")
