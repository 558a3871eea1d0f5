"""`chalice local`, plus the API Gateway behaviour a caller of the deployed API can tell apart.

Stock `chalice local` (which also works on its own: `chalice local --stage local`) differs from
API Gateway in ways a client sees; this wrapper removes each one:

- an unknown path: API Gateway answers itself, and the stage's GatewayResponses put that answer
  in the API's JSON error shape with CORS headers; chalice local answers a bare
  `{"message": "Missing Authentication Token"}` 403. Here: the deployed API's JSON 404.
- path parameters: API Gateway URL-decodes them (`/customers/%70fa-001` is `pfa-001`); chalice
  local passes them still encoded. It also cuts everything from a `;` off the path
  (`urlparse`'s "params"), so `PUT /customers/abc;def` wrote `abc`. Here: matched on the raw
  path, then decoded; `abc;def` is the ID, and an invalid one.
- errors of the HTTP layer itself (request line over 64 KiB: 414, a header line too long or too
  many headers: 431, HTTP/2.0 on this HTTP/1.1 port: 505, a malformed request line: 400):
  http.server answers in HTML, without CORS headers (the console saw a CORS failure). Here: JSON
  in the API's error shape (400 is `invalid_request`), with CORS headers for the console, as
  API Gateway's own answers carry them.
- a Content-Length that is not one whole number (`abc`, `-1`, `1.5`, two values): chalice local
  raised inside (a traceback, the connection dropped) or read no body. Here: a 400.
- a HEAD answer: chalice local wrote a body after it, which a keep-alive client reads as the
  start of the next answer. Here: headers only.
- a method no route has (TRACE, PROPFIND, lower-case `get`, HEAD...): an HTML 501 from
  http.server, or Chalice's 405 whose Allow listed every method. Here: the app's JSON 405 with
  the path's real Allow (chalicelib/api/edge.py). (In AWS a method the API does not declare meets
  the MISSING_AUTHENTICATION_TOKEN gateway response instead: our JSON 404.)
- a burst of new connections: http.server's listen backlog is 5; API Gateway takes them all.
- Nagle's algorithm: http.server writes headers and body separately, so each response waited
  for the client's delayed ACK (~40 ms), which API Gateway never adds.
- a client that hangs up before its answer (a browser leaving the page, a search the console
  cancelled, curl stopped): socketserver printed a traceback for each. Here: nothing, as the
  gateway's log says nothing either.
- the authorizer: chalice local runs a built-in authorizer as a TOKEN authorizer on one header
  (401 when it is missing) and checks no API key. The API's authorizer is a REQUEST authorizer
  with the API key source AUTHORIZER (chalicelib/identity/authorizer.py). Here, as in API Gateway:
  the authorizer gets the request's headers; its `Unauthorized` is the UNAUTHORIZED gateway
  response (401), any other failure AUTHORIZER_FAILURE (503), a Deny ACCESS_DENIED (403); the
  usage key it returns must be one of the local usage plan's keys (LOCAL_API_KEY, the people
  key), else INVALID_API_KEY (403). The answers are the stage's gateway responses
  (backend/infra/gateway-responses.json), with CORS headers. A header sent twice reaches the
  authorizer as one comma-joined value, as HTTP allows; API Gateway hands it both.

Each patch names the chalice code it was written for (`written_for`, backend/local/upstream.py).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sys
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from chalice import local

from backend.local.upstream import written_for
from chalicelib.config import DEFAULT_WEB_PORT, read_settings
from chalicelib.errors import (
    AppError,
    ForbiddenError,
    InvalidRequestError,
    ServiceUnavailableError,
    UnauthenticatedError,
)
from chalicelib.http.cors import cors_headers
from chalicelib.http.responses import error_body
from chalicelib.identity.authorizer import UNAUTHORIZED

_handle_request = local.LocalGateway.handle_request
_match_route = local.RouteMatcher.match_route
_parse_request = local.ChaliceRequestHandler.parse_request
_handle_error = local.ThreadedHTTPServer.handle_error
GATEWAY_RESPONSES = Path(__file__).resolve().parents[1] / "infra" / "gateway-responses.json"
# The request headers a person or a machine authenticates with: sent twice, they reach the
# authorizer joined, so it can refuse them (it accepts one value only).
CREDENTIAL_HEADERS = ("Authorization", "x-api-key")


def _gateway_response(headers: dict[str, str]) -> dict[str, Any]:
    origin = {k.lower(): v for k, v in headers.items()}.get("origin")
    allowed = read_settings().cors_allowed_origins
    response_headers = {"Content-Type": "application/json", **cors_headers(origin, allowed)}
    body = error_body("not_found", "no such route; see /openapi.json for the API")
    return {"statusCode": 404, "headers": response_headers, "multiValueHeaders": {},
            "body": json.dumps(body)}


def handle_request(self: local.LocalGateway, method: str, path: str,
                   headers: dict[str, str], body: bytes | None) -> Any:
    try:
        return _handle_request(self, method, path, headers, body)
    except local.ForbiddenError:
        # The only ForbiddenError chalice local raises without authorizers: no route matched.
        return _gateway_response(headers)


class GatewayAnswer(local.LocalGatewayException):
    """An answer API Gateway gives itself (a gateway response), in the stage's JSON error shape."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__(headers, body)
        self.CODE = status


@cache
def _gateway_response_spec() -> dict[str, dict[str, Any]]:
    spec: dict[str, dict[str, Any]] = json.loads(GATEWAY_RESPONSES.read_text())["responses"]
    return spec


def gateway_answer(response_type: str, error: AppError, request_headers: dict[str, str]) -> GatewayAnswer:
    """API Gateway's answer of `response_type`: the stage's gateway response where it names one
    (code, message, headers), else `error`'s."""
    entry = _gateway_response_spec().get(response_type, {})
    origin = {k.lower(): v for k, v in request_headers.items()}.get("origin")
    headers = {"Content-Type": "application/json",
               **cors_headers(origin, read_settings().cors_allowed_origins),
               **({"Retry-After": str(error.retry_after_seconds)} if error.retry_after_seconds else {}),
               **({"WWW-Authenticate": error.challenge} if error.challenge else {}),
               **entry.get("headers", {})}
    body = error_body(entry.get("code") or error.code, entry.get("message") or error.message)
    return GatewayAnswer(int(entry.get("status") or error.status), headers, json.dumps(body).encode())


def authorize(self: local.LocalGatewayAuthorizer, raw_path: str, lambda_event: dict[str, Any],
              lambda_context: Any) -> tuple[dict[str, Any], Any]:
    """Run the route's authorizer as API Gateway runs a REQUEST authorizer whose API's key
    source is AUTHORIZER; refuse as its gateway responses do."""
    route_entry = self._route_for_event(lambda_event)
    if not route_entry or not route_entry.authorizer:
        return lambda_event, lambda_context
    headers = lambda_event.get("headers") or {}
    arn = self._arn_builder.build_arn(lambda_event["requestContext"]["httpMethod"], raw_path)
    try:
        run: Any = route_entry.authorizer  # a ChaliceAuthorizer: our RequestAuthorizer
        result = run(_request_authorizer_event(arn, lambda_event), lambda_context)
    except Exception as error:
        if str(error) == UNAUTHORIZED:
            raise gateway_answer("UNAUTHORIZED", UnauthenticatedError("refused by the authorizer"),
                                 headers) from None
        raise gateway_answer("AUTHORIZER_FAILURE", ServiceUnavailableError(
            "sign-in cannot be checked right now; try again shortly"), headers) from None
    if not self._check_can_invoke_view_function(arn, result):
        raise gateway_answer("ACCESS_DENIED", ForbiddenError("access denied"), headers)
    if route_entry.api_key_required and not _in_usage_plan(result.get("usageIdentifierKey")):
        raise gateway_answer("INVALID_API_KEY", ForbiddenError("a valid x-api-key header is required"),
                             headers)
    return self._update_lambda_event(lambda_event, result), lambda_context


def _request_authorizer_event(arn: str, lambda_event: dict[str, Any]) -> dict[str, Any]:
    headers = lambda_event.get("headers") or {}
    return {
        "type": "REQUEST",
        "methodArn": arn,
        "resource": lambda_event["requestContext"].get("resourcePath"),
        "path": lambda_event.get("path"),
        "httpMethod": lambda_event["requestContext"]["httpMethod"],
        "headers": dict(headers),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": lambda_event.get("queryStringParameters"),
        "pathParameters": lambda_event.get("pathParameters"),
        "requestContext": lambda_event["requestContext"],
    }


def _in_usage_plan(key: Any) -> bool:
    settings = read_settings()
    plan = [k for k in (settings.local_api_key, settings.people_api_key) if k]
    return isinstance(key, str) and any(hmac.compare_digest(key.encode(), k.encode()) for k in plan)


def match_route(self: local.RouteMatcher, url: str) -> Any:
    """Match on the path as sent, like API Gateway, then URL-decode the captured parameters.
    A `;` is escaped first so that chalice's urlparse cannot take it for the start of "params"."""
    path, question, query = url.partition("?")
    matched = _match_route(self, path.replace(";", "%3B") + question + query)
    decoded = {name: unquote(value) for name, value in matched.captured.items()}
    return local.MatchResult(matched.route, decoded, matched.query_params)


def send_error(self: Any, code: int, message: str | None = None, explain: str | None = None) -> None:
    """The HTTP layer's own errors (before the request's headers are read, or any route is
    involved), as JSON in our error shape, with CORS headers for the console, as API Gateway's
    own answers carry them (its gateway responses cannot read the request's origin either)."""
    _send_http_layer_error(self, code, message, _console_origin())


def _send_http_layer_error(self: Any, code: int, message: str | None, origin: str | None) -> None:
    status = HTTPStatus(code)
    if self.request_version in (None, "HTTP/0.9"):
        self.request_version = "HTTP/1.0"  # else http.server would send the body without a status line
    body = json.dumps(error_body(_http_layer_code(status), message or status.description)).encode()
    self.log_error("code %d, message %s", code, message)
    self.send_response(code)
    self.send_header("Connection", "close")
    self.send_header("Content-Type", "application/json")
    self.send_header("Content-Length", str(len(body)))
    for name, value in cors_headers(origin, read_settings().cors_allowed_origins).items():
        self.send_header(name, value)
    self.end_headers()
    if self.command != "HEAD":
        self.wfile.write(body)
    self.close_connection = True


def _http_layer_code(status: HTTPStatus) -> str:
    """Our code where one of ours means the same (400: invalid_request); else named after the
    status (request_uri_too_long...): no route of the API answers those, API Gateway's front does."""
    if status == HTTPStatus.BAD_REQUEST:
        return InvalidRequestError.code
    return status.phrase.lower().replace("-", "_").replace(" ", "_")


def _console_origin() -> str:
    """The console's origin as `make dev` opens it (DevStack.web_url)."""
    return f"http://127.0.0.1:{os.environ.get('WEB_PORT', DEFAULT_WEB_PORT)}"


def parse_request(self: Any) -> bool:
    """http.server accepts `GET /path` without a version as HTTP/0.9 and answers it with a bare
    body; API Gateway refuses it. And chalice local reads the body with `int(Content-Length)`:
    `abc` raised inside it (a traceback, the connection dropped), `-1` read no body at all."""
    if not _parse_request(self):
        return False
    for name in CREDENTIAL_HEADERS:
        values = self.headers.get_all(name, [])
        if len(values) > 1:
            del self.headers[name]
            self.headers[name] = ", ".join(values)
    if self.request_version == "HTTP/0.9":
        self.send_error(HTTPStatus.BAD_REQUEST, "the request line has no HTTP version")
        return False
    lengths = set(self.headers.get_all("Content-Length", []))
    if len(lengths) > 1 or not all(n.isascii() and n.isdigit() for n in lengths):
        _send_http_layer_error(self, HTTPStatus.BAD_REQUEST, "Content-Length must be one whole number "
                               "of bytes", self.headers.get("Origin"))
        return False
    return True


def send_http_response_with_body(self: Any, code: int, headers: dict[str, Any], body: str | bytes) -> None:
    """As chalice local's, except that a HEAD answer ends after its headers, as HTTP wants: a
    client reads no body after it, so one sent anyway was taken for the start of the next answer."""
    data = body if isinstance(body, bytes) else body.encode()
    self.send_response(code)
    self.send_header("Content-Length", str(len(data)))
    self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
    self._send_headers(headers)
    if self.command != "HEAD":
        self.wfile.write(data)


def _any_method(self: Any, name: str) -> Any:
    """http.server answers a method it has no do_X for (TRACE, QUERY...) with an HTML 501; send
    them to the app, which answers a JSON 405 listing the methods the path has."""
    if name.startswith("do_"):
        return self._generic_handle
    raise AttributeError(name)


class _NotPrintedYet(logging.Filter):
    """The app logs JSON through Powertools, whose logger prints it and also passes the record up
    to the root logger, where chalice local's stdout handler printed its bare message again."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not logging.getLogger(record.name).handlers


@written_for("chalice", "1.34.0", {"chalice.cli:local": "f3442a2241be"})
def _log_once() -> None:
    """Configure the root logger as chalice local would (it then leaves it alone), minus the
    duplicates."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_NotPrintedYet())
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[handler])
    logging.getLogger("botocore").setLevel(logging.WARNING)  # "Found credentials in environment..."


@written_for("chalice", "1.34.0", {
    "chalice.local:LocalGateway.handle_request": "431817c79e3b",
    "chalice.local:RouteMatcher.match_route": "ba5ac0bef56c",
})
def _route_like_api_gateway() -> None:
    local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
    local.RouteMatcher.match_route = match_route  # type: ignore[method-assign]


@written_for("chalice", "1.34.0", {
    "chalice.local:LocalGatewayAuthorizer": "7bbe2fbc7fd0",
    # chalicelib/identity/authorizer.py's RequestAuthorizer replaces its _transform_event.
    "chalice.app:ChaliceAuthorizer": "166a737d7f80",
})
def authorize_like_api_gateway() -> None:
    """Also for the app's test client (chalice.test), which runs the same LocalGateway."""
    local.LocalGatewayAuthorizer.authorize = authorize  # type: ignore[method-assign]


@written_for("chalice", "1.34.0", {"chalice.local:ChaliceRequestHandler": "11a06b0d2106"})
def _speak_http_like_api_gateway() -> None:
    """These replace one method of chalice's request handler and add to it some of http.server's
    (which it inherits) and rely on how it reads a request: pinned to the whole class."""
    handler = local.ChaliceRequestHandler
    handler.send_error = send_error
    handler.parse_request = parse_request
    handler._send_http_response_with_body = send_http_response_with_body  # type: ignore[method-assign]
    handler.__getattr__ = _any_method
    handler.disable_nagle_algorithm = True
    handler.log_request = lambda *_args: None  # the app's JSON log line says it all


def handle_error(self: Any, request: Any, client_address: Any) -> None:
    """Called inside the `except` of a request that raised: quiet when the client hung up."""
    if not isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset...
        _handle_error(self, request, client_address)


@written_for("chalice", "1.34.0", {"chalice.local:ThreadedHTTPServer": "bc688e065175"})
def _serve_like_api_gateway() -> None:
    # A burst of new connections (20 concurrent submissions) got "connection reset" otherwise.
    local.ThreadedHTTPServer.request_queue_size = 128
    local.ThreadedHTTPServer.handle_error = handle_error


def main() -> None:
    from backend.local.gc_tuning import collect_garbage_less_often

    collect_garbage_less_often()  # before the imports: they build most of what it keeps
    from chalice.cli import main as chalice_main  # seconds to import: not for who only reads the patches

    from backend.local.devstack import exit_with_parent

    exit_with_parent()  # under DevStack: never outlive it holding the port
    _log_once()
    _route_like_api_gateway()
    authorize_like_api_gateway()
    _speak_http_like_api_gateway()
    _serve_like_api_gateway()
    sys.argv = ["chalice", "local", *sys.argv[1:]]
    sys.exit(chalice_main())


if __name__ == "__main__":
    main()
