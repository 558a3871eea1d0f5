"""Each route declared once: method, path, credentials, models, statuses and headers in one `Operation`.

A feature's routes module declares its operations with `Routes`: `@routes.operation(Operation(...))`
registers the Chalice route from it (and Idempotency-Key semantics when the operation takes the
header), and keeps it for chalicelib/api/openapi.py, which documents every operation from these same
objects. The tests that every answered status is documented read them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Request, Response

from chalicelib.errors import AppError

if TYPE_CHECKING:
    from chalicelib.http.idempotency import Idempotency

View = Callable[..., Any]
Errors = tuple[type[AppError], ...]


@dataclass(frozen=True)
class Operation:
    method: str  # lower case, as OpenAPI writes it
    path: str
    operation_id: str
    summary: str
    status: int  # the success status
    response: str | None  # the success body's component schema (chalicelib/api/openapi.py), or None
    errors: Errors = ()  # the operation's own; the edge's and the gateway's are added by the document
    public: bool = False  # no credential (otherwise the stage's API key)
    body: str | None = None  # the JSON body's component schema
    parameters: tuple[dict[str, Any], ...] = ()  # path and query parameters, as OpenAPI objects
    headers: tuple[str, ...] = ()  # headers every success carries
    idempotent: bool = False  # takes an `Idempotency-Key`


class Routes:
    """A feature's blueprint and the operations it declares."""

    def __init__(self, name: str, idempotency: Callable[[], Idempotency] | None = None) -> None:
        self.blueprint = Blueprint(name)
        self.operations: list[Operation] = []
        self._idempotency = idempotency

    @property
    def current_request(self) -> Request:
        return self.blueprint.current_request

    def operation(self, op: Operation) -> Callable[[View], View]:
        """Register `view` as the route `op` declares."""

        def register(view: View) -> View:
            handler = self._replayable(view) if op.idempotent else view
            self.blueprint.route(op.path, methods=[op.method.upper()], api_key_required=not op.public,
                                 name=view.__name__)(handler)
            self.operations.append(op)
            return view

        return register

    def _replayable(self, view: View) -> View:
        if self._idempotency is None:
            raise TypeError("an idempotent operation needs Routes(..., idempotency=...)")
        idempotency = self._idempotency

        @wraps(view)
        def call(**params: str) -> Response:
            return idempotency().replay(self.current_request, view, params)

        return call
