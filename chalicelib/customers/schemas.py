"""Customer bodies as pydantic models: they validate input and generate OpenAPI.

Imported only by the routes that parse a body and by the OpenAPI generator, so the GET path
pays no pydantic cost at cold start.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.customers.domain import ID_MAX_LENGTH, ID_MIN_LENGTH, ID_PATTERN, MAX_BATCH_SIZE
from chalicelib.identity.actor import ActorKind

CustomerId = Annotated[
    str,
    StringConstraints(min_length=ID_MIN_LENGTH, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN),
    Field(description="Case-sensitive; stored exactly as given.", examples=["cust_0001"]),
]

Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-25T09:30:00.123Z"])
]


class Actor(BaseModel):
    """Who made a write, as the API's authorizer vouched for them."""

    kind: ActorKind = Field(
        description="`person`: someone signed in with their own account; `key`: a machine's API key."
    )
    name: str = Field(min_length=1, description="The person's username, or the API key's name.",
                      examples=["alice"])


class Customer(BaseModel):
    id: CustomerId
    createdAt: Timestamp = Field(description="When it was stored (UTC)")
    source: Literal["api", "batch", "workflow"]
    createdBy: Actor | None = Field(
        description="Who created it: the writer of `PUT /customers/{id}` or of the batch, or for "
        "`source: workflow` whoever submitted it. Null for an ID stored before writes were attributed."
    )


class CustomerPage(BaseModel):
    items: list[Customer]
    nextCursor: str | None = Field(
        description="Pass back as `cursor` for the next page; null on the last page."
    )
    cutShort: bool = Field(
        default=False,
        description="True when the request's time budget ended this page before `limit` IDs "
        "(the data store was slow): more IDs follow at `nextCursor`, however few this page holds, "
        "even none. False on every full page and on the last one.",
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


