"""The three roles, in order: each may do all that the one before it may, and more.

A route declares the least role it needs (chalicelib/http/operations.py); a person's role is the
highest of their Cognito groups that names one; the stage's API key acts as `admin`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")  # least first
KEY_ROLE: Role = "admin"  # the stage's existing API key keeps every permission it had
_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}


def highest_role(groups: Iterable[str]) -> Role | None:
    """The highest role among a person's groups; None when no group names a role."""
    held = set(groups)
    return next((role for role in reversed(ROLES) if role in held), None)


def may(held: str | None, needed: Role) -> bool:
    """Whether the role `held` (as the authorizer passed it on, or None) includes `needed`."""
    return _RANK.get(held or "", -1) >= _RANK[needed]
