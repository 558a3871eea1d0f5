"""Which browser origins may read the API's answers: the stage's console, and locally its dev server.

The API answers CORS itself (chalicelib/api/edge.py) and so do API Gateway's own error answers
(backend/infra/gateway-responses.json, built by backend/deploy/templates.py) and the local gateway.
"""

from __future__ import annotations

ALLOWED_HEADERS = "authorization, content-type, x-api-key, idempotency-key"
EXPOSED_HEADERS = "Location, Retry-After, Idempotent-Replayed, WWW-Authenticate"


def cors_headers(origin: str | None, allowed: frozenset[str]) -> dict[str, str]:
    """CORS headers for a response to a request from `origin`: granted only to `allowed` origins."""
    if origin is None or origin not in allowed:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        "Vary": "Origin",
    }
