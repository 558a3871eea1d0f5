"""Public routes (no credential): health, the OpenAPI document, and how to sign in."""

from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.config import region
from chalicelib.errors import ServiceUnavailableError
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


@routes.operation(Operation("get", "/auth/config", "getAuthConfig", "Where and how a person signs in", 200,
                            "AuthConfig", (ServiceUnavailableError,), public=True))
def auth_config() -> dict[str, str]:
    services = wiring.services()
    identity = services.identity()
    if not identity.user_pool_id or not identity.client_id:
        raise ServiceUnavailableError("sign-in is not set up for this stage")
    return {"region": region(), "userPoolId": identity.user_pool_id, "clientId": identity.client_id,
            "endpoint": services.settings.cognito_endpoint}
