"""A list page through the HTTP API says when the time budget ended it early (`cutShort`), so a
client shows "more IDs follow" rather than an empty list; a full page and the last page do not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.clients import clients
from tests.functional.conftest import Api


@pytest.fixture
def ids_in_three_shards(api: Api) -> list[str]:
    ids = ["a-first", "m-middle", "z-last"]
    assert api.post("/customers/batch", body={"ids": ids})[0] == 200
    api.get("/customers")  # a table in service: its shard directory is built
    return ids


@pytest.fixture
def slow_first_query() -> Iterator[None]:
    """The data store takes most of the request's budget for the page's first Query."""
    queries = [0]

    def delay(**_: Any) -> None:
        queries[0] += 1
        if queries[0] == 1:
            time.sleep(2.7)  # the local stage's budget is 4 s; a page stops with < 1.5 s left

    undo = clients().on_every_attempt("dynamodb", "before-call.dynamodb.Query", delay)
    yield
    undo()


def test_full_and_last_pages_are_not_cut_short(api: Api, ids_in_three_shards: list[str]) -> None:
    status, first, _ = api.get("/customers?limit=2")
    assert status == 200 and first["cutShort"] is False and first["nextCursor"]
    _, last, _ = api.get(f"/customers?limit=2&cursor={first['nextCursor']}")
    assert last["cutShort"] is False and last["nextCursor"] is None
    assert [c["id"] for c in first["items"] + last["items"]] == ids_in_three_shards


def test_a_page_the_budget_ends_early_says_so_and_its_cursor_goes_on(
    api: Api, ids_in_three_shards: list[str], slow_first_query: None
) -> None:
    # WHEN the store is slow enough that the budget ends the page after its first shard
    status, page, _ = api.get("/customers?limit=10")
    # THEN the page is short, says so, and its cursor leads on to every other ID
    assert status == 200, page
    assert [c["id"] for c in page["items"]] == ids_in_three_shards[:1]
    assert page["cutShort"] is True and page["nextCursor"]
    _, rest, _ = api.get(f"/customers?limit=10&cursor={page['nextCursor']}")
    assert [c["id"] for c in rest["items"]] == ids_in_three_shards[1:]
    assert rest["cutShort"] is False and rest["nextCursor"] is None
