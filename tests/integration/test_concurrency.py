"""Races over real HTTP: the conditional write decides, never the timing."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import fresh_id


def test_50_parallel_puts_of_one_new_id_create_it_once(api: httpx.Client) -> None:
    cid = fresh_id("race")
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(lambda _: api.put(f"/customers/{cid}").status_code, range(50)))
    assert statuses == {201: 1, 409: 49}


def test_500_parallel_distinct_puts_are_all_listed(api: httpx.Client) -> None:
    tag = fresh_id("many")
    ids = [f"{tag}-{n:03d}" for n in range(500)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = Counter(pool.map(lambda cid: api.put(f"/customers/{cid}").status_code, ids))
    assert statuses == {201: 500}
    listed: list[str] = []
    params = {"prefix": tag, "limit": "100"}
    while True:
        page = api.get("/customers", params=params).json()
        listed += [item["id"] for item in page["items"]]
        if not page["nextCursor"]:
            break
        params["cursor"] = page["nextCursor"]
    assert listed == ids
