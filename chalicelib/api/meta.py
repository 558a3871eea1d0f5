"""Public routes (no API key): health and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.config import settings

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "ok", "stage": settings().stage, "version": settings().version}


@bp.route("/openapi.json", methods=["GET"])
def openapi_document() -> dict[str, Any]:
    from chalicelib.api.openapi import document

    return document()
