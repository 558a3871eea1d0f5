"""Request and response bodies as pydantic models: they validate input and generate OpenAPI.

Imported only by the routes that parse a body and by the OpenAPI generator, so the GET path
pays no pydantic cost at cold start.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.customers import ID_MAX_LENGTH, ID_MIN_LENGTH, ID_PATTERN, MAX_BATCH_SIZE

CustomerId = Annotated[
    str,
    StringConstraints(min_length=ID_MIN_LENGTH, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN),
    Field(description="Case-sensitive; stored exactly as given.", examples=["cust_0001"]),
]


class Customer(BaseModel):
    id: CustomerId
    createdAt: str = Field(description="ISO 8601 UTC timestamp", examples=["2026-11-25T09:30:00.123Z"])
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
    submittedAt: str = Field(description="ISO 8601 UTC timestamp")
    updatedAt: str = Field(description="ISO 8601 UTC timestamp of the last status change")


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
