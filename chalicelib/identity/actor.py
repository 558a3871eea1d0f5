"""The actor a request acts for, as the API's authorizer vouched for it.

API Gateway (and the local gateway, backend/local/gateway.py) runs chalicelib/identity/authorizer.py
before any credentialed route and hands its context to the app in `requestContext.authorizer`:
`{"principalId", "kind", "name", "role"}`. Nothing here verifies anything: a request reaches a view
only after the authorizer allowed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ActorKind = Literal["person", "key"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("person", "key")


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    name: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name}

    @classmethod
    def from_json(cls, value: Any) -> Actor | None:
        """An actor as stored (`{"kind", "name"}`), or None: absent, or not one (written before actors)."""
        if not isinstance(value, dict):
            return None
        kind, name = value.get("kind"), value.get("name")
        if kind not in ACTOR_KINDS or not isinstance(name, str) or not name:
            return None
        return cls(kind=kind, name=name)


def actor_of(request_context: dict[str, Any]) -> Actor | None:
    """The actor in a request's context, or None for a public route (no authorizer ran)."""
    return Actor.from_json(request_context.get("authorizer"))
