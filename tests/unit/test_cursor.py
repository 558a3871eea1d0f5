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


BROKEN_POSITIONS = {"empty": "", "a NUL": "ab\x00c", "3,000 characters": "a" * 3000,
                    "a space": "ab c", "a slash": "ab/c", "non-ASCII": "abç"}


@pytest.mark.parametrize("name", BROKEN_POSITIONS)
def test_a_signed_cursor_whose_last_id_breaks_the_id_rule_is_a_400(name: str) -> None:
    # GIVEN a cursor signed with the key, whose last ID no page of ours can end at
    token = codec.encode(BROKEN_POSITIONS[name], None)

    # WHEN it is decoded, THEN it is an invalid cursor: a 400, never a key DynamoDB refuses (a 500)
    with pytest.raises(InvalidCursorError) as refused:
        codec.decode(token, None)
    assert (refused.value.status, refused.value.code) == (400, "invalid_cursor")


@pytest.mark.parametrize(("last_id", "prefix"), [("abc", "x"), ("xy", "xyz"), ("b", "a")])
def test_a_signed_cursor_whose_last_id_is_outside_its_prefix_is_a_400(last_id: str, prefix: str) -> None:
    with pytest.raises(InvalidCursorError):
        codec.decode(codec.encode(last_id, prefix), prefix)


@pytest.mark.parametrize(("last_id", "prefix"), [
    ("x", None),  # a page cut short of time resumes at a shard: one character
    ("a" * 64, None), ("cust-1", "cust-"), ("cust-", "cust-"), ("Z_9-z", "Z_"),
])
def test_every_position_a_page_can_end_at_is_accepted(last_id: str, prefix: str | None) -> None:
    assert codec.decode(codec.encode(last_id, prefix), prefix) == last_id
