from __future__ import annotations

import base64

import pytest

from chalicelib.customers.cursor import CursorCodec
from chalicelib.errors import InvalidCursorError

codec = CursorCodec(lambda: b"secret")


def test_a_cursor_round_trips() -> None:
    assert codec.decode(codec.encode("abc", None), None) == "abc"
    assert codec.decode(codec.encode("abc", "ab"), "ab") == "abc"


def test_a_cursor_is_opaque() -> None:
    assert "abc" not in codec.encode("abc", None)


@pytest.mark.parametrize("garbage", ["", "x", "a.b.c", "!!!.???", "e30.", ".", "%%%%"])
def test_garbage_is_an_invalid_cursor(garbage: str) -> None:
    with pytest.raises(InvalidCursorError):
        codec.decode(garbage, None)


def test_a_forged_cursor_is_refused() -> None:
    _, signature = codec.encode("abc", None).split(".")
    forged_body = base64.urlsafe_b64encode(b'{"v":1,"a":"zzz","p":null}').rstrip(b"=").decode()
    with pytest.raises(InvalidCursorError):
        codec.decode(f"{forged_body}.{signature}", None)


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    other = CursorCodec(lambda: b"other")
    with pytest.raises(InvalidCursorError):
        codec.decode(other.encode("abc", None), None)


def test_a_cursor_is_bound_to_its_prefix() -> None:
    with pytest.raises(InvalidCursorError):
        codec.decode(codec.encode("abc", "a"), None)
