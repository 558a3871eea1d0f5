"""Public routes (no credential): health and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.http.operations import Operation, Routes

routes = Routes(__name__)
bp = routes.blueprint


@routes.operation(Operation("get", "/health", "getHealth", "Liveness, stage and version", 200, "Health",
                            public=True))
def health() -> dict[str, str]:
    settings = wiring.services().settings
    return {"status": "ok", "stage": settings.stage, "version": settings.version}


@routes.operation(Operation("get", "/openapi.json", "getOpenApi", "This document", 200, None, public=True))
def openapi_document() -> dict[str, Any]:
    from chalicelib.api.openapi import document

    return document()
