"""Opaque, tamper-proof list cursors: the last ID of a page, bound to its prefix, HMAC-signed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable

from chalicelib.customers.domain import PREFIX_PATTERN
from chalicelib.errors import InvalidCursorError

_VERSION = 1
_SIGNATURE_BYTES = 16
# Where a page ends: the last ID on it, or, for a page cut short of time, where the next one
# resumes (the store's shard name, one character). Both obey the ID rule but for its minimum length.
_POSITION_RE = re.compile(PREFIX_PATTERN)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, key: Callable[[], bytes]) -> None:
        self._key = key  # a callable, so the secret is fetched only when a cursor is used

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key(), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, last_id: str, prefix: str | None) -> str:
        payload = json.dumps({"v": _VERSION, "a": last_id, "p": prefix}, separators=(",", ":"))
        raw = payload.encode()
        return f"{_b64(raw)}.{_b64(self._sign(raw))}"

    def decode(self, token: str, prefix: str | None) -> str:
        """The last ID the cursor points after; InvalidCursorError for anything not ours."""
        try:
            body, signature = token.split(".")
            raw, given = _unb64(body), _unb64(signature)
        except (ValueError, binascii.Error) as error:
            raise InvalidCursorError("cursor is malformed; start again without it") from error
        if not hmac.compare_digest(given, self._sign(raw)):
            raise InvalidCursorError("cursor is not valid; start again without it")
        last_id, cursor_prefix = _payload(raw)
        if cursor_prefix != prefix:
            raise InvalidCursorError("cursor belongs to a different prefix; start again without it")
        # Signed by us, yet not a position a page of ours can end at (a leaked or misused key):
        # as DynamoDB's ExclusiveStartKey it would fail validation, a 500.
        if not _POSITION_RE.fullmatch(last_id) or not last_id.startswith(prefix or ""):
            raise InvalidCursorError("cursor is not one this API issued; start again without it")
        return last_id


def _payload(raw: bytes) -> tuple[str, str | None]:
    """(last ID, prefix) from a signed payload; a signed but foreign shape is still not ours."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("v") != _VERSION
        or not isinstance(data.get("a"), str)
        or not isinstance(data.get("p"), str | None)
    ):
        raise InvalidCursorError("cursor is not one this API issued; start again without it")
    return data["a"], data["p"]
