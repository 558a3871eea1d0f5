"""`chalice local`, plus the API Gateway behaviour that deployed stages get from backend/infra.

In AWS, API Gateway answers a request for an unknown path itself, and the stage's
GatewayResponses put that answer into the API's JSON error shape with CORS headers. `chalice local`
answers with a bare `{"message": "Missing Authentication Token"}` instead; this wrapper gives the
local stack the same 404 the deployed API returns. Everything else is stock `chalice local`
(which also works on its own: `chalice local --stage local`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from chalice import local
from chalice.cli import main as chalice_main

from chalicelib.api.http import cors_headers
from chalicelib.errors import error_body

_handle_request = local.LocalGateway.handle_request


def _gateway_response(headers: dict[str, str]) -> dict[str, Any]:
    origin = {k.lower(): v for k, v in headers.items()}.get("origin")
    response_headers = {"Content-Type": "application/json", **cors_headers(origin)}
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


def _any_method(self: Any, name: str) -> Any:
    """http.server answers a method it has no do_X for (TRACE, QUERY...) with an HTML 501; send
    them to the app like API Gateway does, which answers a JSON 405 listing the allowed methods."""
    if name.startswith("do_"):
        return self._generic_handle
    raise AttributeError(name)


def main() -> None:
    local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
    # http.server's listen backlog is 5: a burst of new connections (20 concurrent submissions)
    # gets "connection reset"; API Gateway accepts them all.
    local.ThreadedHTTPServer.request_queue_size = 128
    local.ChaliceRequestHandler.__getattr__ = _any_method
    # http.server writes headers and body separately; with Nagle on, each response then waits
    # for the client's delayed ACK (~40 ms a request here), which API Gateway never adds.
    local.ChaliceRequestHandler.disable_nagle_algorithm = True
    sys.argv = ["chalice", "local", *sys.argv[1:]]
    sys.exit(chalice_main())


if __name__ == "__main__":
    main()
