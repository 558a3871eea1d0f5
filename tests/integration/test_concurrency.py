"""Races over real HTTP: the conditional write decides, never the timing."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from backend.local.unique import fresh_id


def test_50_parallel_puts_of_one_new_id_create_it_once(api: httpx.Client) -> None:
    cid = fresh_id("race")

    def caller(n: int) -> httpx.Response:
        # 50 callers, each with its own key; one that gets a 503 (out of time on a busy machine)
        # retries with that key, as a client should: the answer it then gets is the truth.
        key = {"Idempotency-Key": f"{cid}-caller-{n}"}
        for _ in range(10):
            response = api.put(f"/customers/{cid}", headers=key)
            if response.status_code != 503:
                return response
            time.sleep(int(response.headers["Retry-After"]))
        return response

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(caller, range(50)))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 1, 409: 49}, statuses
    (created,) = [a.json() for a in answers if a.status_code == 201]
    assert api.get(f"/customers/{cid}").json() == created


def test_500_parallel_distinct_puts_are_all_listed(api: httpx.Client) -> None:
    tag = fresh_id("many")
    ids = [f"{tag}-{n:03d}" for n in range(500)]
    keys = {cid: {"Idempotency-Key": cid} for cid in ids}
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = Counter(pool.map(
            lambda cid: api.put(f"/customers/{cid}", headers=keys[cid]).status_code, ids))
    assert set(statuses) <= {201, 503}, statuses
    if statuses[503]:  # some ran out of time on a busy machine: retried as a client would, same key
        for cid in ids:
            assert api.put(f"/customers/{cid}", headers=keys[cid]).status_code == 201
    listed: list[str] = []
    params = {"prefix": tag, "limit": "100"}
    while True:
        page = api.get("/customers", params=params).json()
        listed += [item["id"] for item in page["items"]]
        if not page["nextCursor"]:
            break
        params["cursor"] = page["nextCursor"]
    assert listed == ids
