"""Query parameters, read the same way by every route."""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib.errors import InvalidRequestError


def query_text(request: Request, name: str) -> str | None:
    """A query parameter, with an empty value treated as absent."""
    params: Any = request.query_params or {}
    value: str | None = params.get(name) or None
    return value


def query_int(request: Request, name: str, default: int) -> int:
    params: Any = request.query_params or {}
    raw: str | None = params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequestError(f"{name} must be a whole number") from None
