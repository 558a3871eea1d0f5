"""Workflow bodies as pydantic models (imported only by the submit route and the OpenAPI generator)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.customers.schemas import Actor, CustomerId, Timestamp


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Any string parses: one that breaks the ID rule is then a 400 `invalid_id`, like everywhere else
    # (the OpenAPI document still shows the rule: chalicelib/api/openapi.py points `id` at CustomerId).
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
    submittedBy: Actor | None = Field(
        description="Who submitted it; the ID it inserts names them as `createdBy`. Null for a "
        "submission made before submissions were attributed."
    )


class SubmissionList(BaseModel):
    items: list[Submission] = Field(description="Newest first.")


