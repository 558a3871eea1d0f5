"""What every request goes through: CORS, the error shape, logs, traces, metrics.

`install(app)` runs after the blueprints are registered. It adds
- Powertools' log context, tracing and metric flushing to every entry point (chalicelib/observability.py);
- an OPTIONS route per path, so preflights reach this code (the allowed origin is chosen per request;
  API Gateway's mock CORS integration can only answer one fixed origin);
- a 405 route for every method a path lacks, so a wrong method is a JSON 405 in AWS too
  (API Gateway would otherwise answer a bare 403);
- one HTTP middleware that answers every error in one shape (chalicelib/http/responses.py), whoever
  raised or produced it, and logs and counts each request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from chalice.app import Chalice, Request, Response

from chalicelib import deadline, wiring
from chalicelib.config import Settings
from chalicelib.errors import MethodNotAllowedError, PayloadTooLargeError
from chalicelib.http.cors import ALLOWED_HEADERS, cors_headers
from chalicelib.http.responses import error_code, error_response, in_error_shape, response_for
from chalicelib.identity.actor import actor_of
from chalicelib.observability import annotate, count, instrument, logger, request_keys

METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")

View = Callable[..., Any]


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


def _guard(app: Chalice, request: Request, settings: Settings) -> Response | None:
    """Answer preflights and refuse bad requests before any view runs."""
    if request.method == "OPTIONS":
        return _preflight(_route_methods(app, request.context.get("resourcePath", "")))
    if len(request.raw_body or b"") > settings.max_body_bytes:
        raise PayloadTooLargeError(f"the body may be at most {settings.max_body_bytes} bytes")
    return None


def _record(response: Response, started: float) -> None:
    status = response.status_code
    if status >= 500:
        count("ServerErrors")
    elif status >= 400:
        count("ClientErrors")
    log = logger.error if status >= 500 else logger.info
    log("request", status=status, duration_ms=round((time.perf_counter() - started) * 1000, 2),
        error_code=error_code(response))


def _middleware(app: Chalice) -> Callable[[Request, Callable[[Request], Response]], Response]:
    def handle(request: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.perf_counter()
        route = request.context.get("resourcePath", "")
        customer_id = (request.uri_params or {}).get("id")
        actor = actor_of(request.context)
        request_keys(correlation_id=request.context.get("requestId"), route=route, method=request.method,
                     customer_id=customer_id, actor_kind=actor.kind if actor else None,
                     actor=actor.name if actor else None)
        annotate(route=route, **({"customer_id": customer_id} if customer_id else {}),
                 **({"actor_kind": actor.kind} if actor else {}))
        settings = wiring.services().settings
        try:
            with deadline.budget(settings.request_budget_seconds):
                response = _guard(app, request, settings) or get_response(request)
            if response.status_code == 405:  # Chalice's own 405 (TRACE, HEAD) also lists the fillers
                response = _method_not_allowed(app, route)()
        except Exception as error:  # raised here, before or around the view
            response = response_for(error)
        response = in_error_shape(response)
        response.headers.update(cors_headers(request.headers.get("origin"), settings.cors_allowed_origins))
        _record(response, started)
        return response

    return handle


def _answering_errors(view: View) -> View:
    """A view's exception becomes its answer here, not Chalice's own 500 (which middleware never sees)."""

    @wraps(view)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as error:
            return response_for(error)

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
            entry.view_function = _answering_errors(entry.view_function)
    for path in list(app.routes):
        key_required = all(e.api_key_required for e in app.routes[path].values())
        # In AWS the answer to a method the path lacks still passes the path's authorizer.
        authorizer = next((e.authorizer for e in app.routes[path].values() if e.authorizer), None)
        for method in [m for m in METHODS if m not in app.routes[path]]:
            app.route(path, methods=[method], api_key_required=key_required, authorizer=authorizer,
                      name=f"{method.lower()}_not_allowed")(_method_not_allowed(app, path))
        app.route(path, methods=["OPTIONS"], name="preflight")(_preflight_view)
    instrument(app)
    app.register_middleware(_middleware(app), "http")
