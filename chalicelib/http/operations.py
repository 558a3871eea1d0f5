"""Each route declared once: method, path, credentials, role, models, statuses and headers in one `Operation`.

A feature's routes module declares its operations with `Routes`: `@routes.operation(Operation(...))`
registers the Chalice route from it (and Idempotency-Key semantics when the operation takes the
header), and keeps it for chalicelib/api/openapi.py, which documents every operation from these same
objects. The tests that every answered status is documented, and that each role may call exactly
the routes the role table gives it, read them too.

A credentialed route runs behind the API's authorizer (chalicelib/identity/authorizer.py), which says
who is calling; the route then refuses a caller whose role does not include the operation's `role`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, ChaliceAuthorizer, Request, Response

from chalicelib.errors import AppError, InsufficientRoleError
from chalicelib.identity.roles import Role, may

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
    role: Role | None = None  # the least role that may call it; None only for a public operation
    public: bool = False  # no credential (otherwise a person's token or the stage's API key)
    body: str | None = None  # the JSON body's component schema
    parameters: tuple[dict[str, Any], ...] = ()  # path and query parameters, as OpenAPI objects
    headers: tuple[str, ...] = ()  # headers every success carries
    idempotent: bool = False  # takes an `Idempotency-Key`


class Routes:
    """A feature's blueprint and the operations it declares."""

    def __init__(self, name: str, idempotency: Callable[[], Idempotency] | None = None,
                 authorizer: ChaliceAuthorizer | None = None) -> None:
        self.blueprint = Blueprint(name)
        self.operations: list[Operation] = []
        self._idempotency = idempotency
        self._authorizer = authorizer  # the API's (chalicelib/identity/authorizer.py)

    @property
    def current_request(self) -> Request:
        return self.blueprint.current_request

    def operation(self, op: Operation) -> Callable[[View], View]:
        """Register `view` as the route `op` declares."""

        def register(view: View) -> View:
            handler = self._replayable(view) if op.idempotent else view
            if op.public != (op.role is None):
                raise TypeError(f"{op.operation_id}: an operation is public, or names the role it needs")
            if op.role is not None:
                if self._authorizer is None:
                    raise TypeError(f"{op.operation_id}: a credentialed operation needs an authorizer")
                handler = self._requiring(op.role, handler)
            authorizer = None if op.public else self._authorizer
            self.blueprint.route(op.path, methods=[op.method.upper()], api_key_required=not op.public,
                                 authorizer=authorizer, name=view.__name__)(handler)
            self.operations.append(op)
            return view

        return register

    def _requiring(self, role: Role, view: View) -> View:
        """Refuse a caller without `role` before the view (or a replay of an earlier answer) runs."""

        @wraps(view)
        def call(**params: str) -> Any:
            held = (self.current_request.context.get("authorizer") or {}).get("role")
            if not may(held, role):
                raise InsufficientRoleError(f"this needs the {role} role; yours is {held or 'none'}")
            return view(**params)

        return call

    def _replayable(self, view: View) -> View:
        if self._idempotency is None:
            raise TypeError("an idempotent operation needs Routes(..., idempotency=...)")
        idempotency = self._idempotency

        @wraps(view)
        def call(**params: str) -> Response:
            return idempotency().replay(self.current_request, view, params)

        return call
