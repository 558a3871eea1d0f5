"""Request and response bodies as pydantic models: they validate input and generate OpenAPI.

Imported only by the routes that parse a body and by the OpenAPI generator, so the GET path
pays no pydantic cost at cold start.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.api.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN
from chalicelib.customers import ID_MAX_LENGTH, ID_MIN_LENGTH, ID_PATTERN, MAX_BATCH_SIZE

CustomerId = Annotated[
    str,
    StringConstraints(min_length=ID_MIN_LENGTH, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN),
    Field(description="Case-sensitive; stored exactly as given.", examples=["cust_0001"]),
]

# The `Idempotency-Key` request header: the rule lives with its parser (chalicelib/api/idempotency.py).
IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH, pattern=IDEMPOTENCY_KEY_PATTERN),
    Field(
        description=(
            "Makes a retry safe: a repeated request with the same key gets the first request's answer "
            "(with `Idempotent-Replayed: true`) instead of running again. Use a fresh random value "
            "(e.g. a UUID) per user action; keys are kept 24 hours, per API key. The same key with "
            "another method, path or body is a 422; while the first request still runs, a 409."
        ),
        examples=["4b6f1c9e-8f0a-4d2b-9a57-0c3e1d2f5a61"],
    ),
]

Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-25T09:30:00.123Z"])
]


class Customer(BaseModel):
    id: CustomerId
    createdAt: Timestamp = Field(description="When it was stored (UTC)")
    source: Literal["api", "batch", "workflow"]


class CustomerPage(BaseModel):
    items: list[Customer]
    nextCursor: str | None = Field(
        description="Pass back as `cursor` for the next page; null on the last page."
    )


class BatchCreateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Plain strings here: an ID that breaks the rule is an outcome ("invalid"), not a 400.
    ids: list[Annotated[str, Field(strict=True)]] = Field(min_length=1, max_length=MAX_BATCH_SIZE)


class InvalidId(BaseModel):
    id: str
    reason: str


class BatchCreateResult(BaseModel):
    created: list[str]
    existing: list[str]
    invalid: list[InvalidId]


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Any string parses: one that breaks the ID rule is then a 400 `invalid_id`, like everywhere else
    # (the OpenAPI document still shows the rule: chalicelib/openapi.py points `id` at CustomerId).
    id: Annotated[str, Field(strict=True)]


class SubmissionAccepted(BaseModel):
    submissionId: str = Field(description="Follow it at the `Location` header's URL.")
    id: CustomerId
    status: Literal["accepted"]


class Submission(BaseModel):
    submissionId: str
    id: str = Field(description="The customer ID as submitted.")
    status: Literal["PENDING", "RUNNING", "SUCCEEDED", "FAILED"]
    outcome: Literal["inserted", "already_exists", "invalid"] | None = Field(
        description="Set once the workflow has decided; null while it runs and when it failed."
    )
    error: str | None = Field(description="Why it failed or was invalid; null otherwise.")
    submittedAt: Timestamp = Field(description="When it was submitted (UTC)")
    updatedAt: Timestamp = Field(description="When its status last changed (UTC)")


class SubmissionList(BaseModel):
    items: list[Submission] = Field(description="Newest first.")


class Health(BaseModel):
    status: Literal["ok"]
    stage: str
    version: str


class ErrorDetail(BaseModel):
    code: str = Field(description="snake_case, stable; for programs", examples=["invalid_id"])
    message: str = Field(description="for a person")


class Error(BaseModel):
    error: ErrorDetail
