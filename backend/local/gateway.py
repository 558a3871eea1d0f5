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
  http.server answers in HTML. Here: JSON in the API's error shape.
- a method http.server has no handler for (TRACE, QUERY...): an HTML 501 there; API Gateway
  passes it to the app, which answers a JSON 405.
- a burst of new connections: http.server's listen backlog is 5; API Gateway takes them all.
- Nagle's algorithm: http.server writes headers and body separately, so each response waited
  for the client's delayed ACK (~40 ms), which API Gateway never adds.
"""

from __future__ import annotations

import json
import logging
import sys
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from chalice import local
from chalice.cli import main as chalice_main

from chalicelib.config import read_settings
from chalicelib.http.cors import cors_headers
from chalicelib.http.responses import error_body

_handle_request = local.LocalGateway.handle_request
_match_route = local.RouteMatcher.match_route
_parse_request = local.ChaliceRequestHandler.parse_request


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


def match_route(self: local.RouteMatcher, url: str) -> Any:
    """Match on the path as sent, like API Gateway, then URL-decode the captured parameters.
    A `;` is escaped first so that chalice's urlparse cannot take it for the start of "params"."""
    path, question, query = url.partition("?")
    matched = _match_route(self, path.replace(";", "%3B") + question + query)
    decoded = {name: unquote(value) for name, value in matched.captured.items()}
    return local.MatchResult(matched.route, decoded, matched.query_params)


def send_error(self: Any, code: int, message: str | None = None, explain: str | None = None) -> None:
    """The HTTP layer's own errors (before any route is involved), as JSON in our error shape."""
    status = HTTPStatus(code)
    if self.request_version in (None, "HTTP/0.9"):
        self.request_version = "HTTP/1.0"  # else http.server would send the body without a status line
    body = json.dumps(error_body(status.phrase.lower().replace("-", "_").replace(" ", "_"),
                                 message or status.description)).encode()
    self.log_error("code %d, message %s", code, message)
    self.send_response(code)
    self.send_header("Connection", "close")
    self.send_header("Content-Type", "application/json")
    self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    if self.command != "HEAD":
        self.wfile.write(body)
    self.close_connection = True


def parse_request(self: Any) -> bool:
    """http.server accepts `GET /path` without a version as HTTP/0.9 and answers it with a bare
    body; API Gateway refuses it."""
    if not _parse_request(self):
        return False
    if self.request_version == "HTTP/0.9":
        self.send_error(HTTPStatus.BAD_REQUEST, "the request line has no HTTP version")
        return False
    return True


def _any_method(self: Any, name: str) -> Any:
    """http.server answers a method it has no do_X for (TRACE, QUERY...) with an HTML 501; send
    them to the app like API Gateway does, which answers a JSON 405 listing the allowed methods."""
    if name.startswith("do_"):
        return self._generic_handle
    raise AttributeError(name)


class _NotPrintedYet(logging.Filter):
    """The app logs JSON through Powertools, whose logger prints it and also passes the record up
    to the root logger, where chalice local's stdout handler printed its bare message again."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not logging.getLogger(record.name).handlers


def _log_once() -> None:
    """Configure the root logger as chalice local would (it then leaves it alone), minus the
    duplicates; and no http.server access line per request: the app's JSON log line says it all."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_NotPrintedYet())
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[handler])
    logging.getLogger("botocore").setLevel(logging.WARNING)  # "Found credentials in environment..."
    local.ChaliceRequestHandler.log_request = lambda *_args: None


def main() -> None:
    from backend.local.devstack import exit_with_parent

    exit_with_parent()  # under DevStack: never outlive it holding the port
    _log_once()
    local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
    local.RouteMatcher.match_route = match_route  # type: ignore[method-assign]
    local.ChaliceRequestHandler.send_error = send_error
    local.ChaliceRequestHandler.parse_request = parse_request
    # A burst of new connections (20 concurrent submissions) got "connection reset" otherwise.
    local.ThreadedHTTPServer.request_queue_size = 128
    local.ChaliceRequestHandler.__getattr__ = _any_method
    local.ChaliceRequestHandler.disable_nagle_algorithm = True
    sys.argv = ["chalice", "local", *sys.argv[1:]]
    sys.exit(chalice_main())


if __name__ == "__main__":
    main()
