"""The bodies and headers every route shares, as pydantic models for the OpenAPI generator."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from chalicelib.http.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN

# The `Idempotency-Key` request header: the rule lives with its parser (chalicelib/http/idempotency.py).
IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH, pattern=IDEMPOTENCY_KEY_PATTERN),
    Field(
        description=(
            "Makes a retry safe: a repeated request with the same key gets the first request's answer "
            "(with `Idempotent-Replayed: true`) instead of running again. Use a fresh random value "
            "(e.g. a UUID) per user action; keys are kept 24 hours, per caller (each person, each API "
            "key). The same key with another method, path or body is a 422; while the first request "
            "still runs, a 409."
        ),
        examples=["4b6f1c9e-8f0a-4d2b-9a57-0c3e1d2f5a61"],
    ),
]

class Health(BaseModel):
    status: Literal["ok"]
    stage: str
    version: str


class AuthConfig(BaseModel):
    """What a client needs to sign a person in: Cognito's InitiateAuth, then `Authorization: Bearer`."""

    region: str
    userPoolId: str
    clientId: str
    endpoint: str = Field(description="Where to POST Cognito's InitiateAuth (USER_PASSWORD_AUTH)")


class ErrorDetail(BaseModel):
    code: str = Field(description="snake_case, stable; for programs", examples=["invalid_id"])
    message: str = Field(description="for a person")


class Error(BaseModel):
    error: ErrorDetail
