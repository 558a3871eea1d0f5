"""The emulator's query index (backend/local/query_index.py) against moto's own answers: pinned to
the moto it was written for, and answer for answer the same on random tables and queries, while
items are written, rewritten, updated and deleted."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import random
from collections.abc import Iterator
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from backend.local import item_writes, query_index

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def source_sha256(dotted: str) -> str:
    """The hash of the source of `module.Class.function`, under any wrappers (ours included)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
            break
        except ImportError:
            continue
    for name in parts[split:]:
        found = getattr(found, name)
    return hashlib.sha256(inspect.getsource(inspect.unwrap(found)).encode()).hexdigest()


@pytest.mark.parametrize("patch", [item_writes, query_index], ids=["item_writes", "query_index"])
def test_the_patch_is_pinned_to_the_moto_it_was_written_for(patch: Any) -> None:
    assert version("moto") == patch.PATCHED_MOTO_VERSION, (
        f"moto is {version('moto')}, {patch.__name__} was written for {patch.PATCHED_MOTO_VERSION}: "
        "re-read the functions it patches, re-run this module, then update the pins")
    changed = [name for name, digest in patch.PATCHED_FUNCTIONS.items() if source_sha256(name) != digest]
    assert not changed, f"moto changed {changed}, which {patch.__name__} patches: re-check the patch"


@pytest.fixture
def patched() -> Iterator[None]:
    """The patches installed for this test only (the functional tests use moto as it comes)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    saved = [(Table, n, vars(Table)[n]) for n in ("query", "put_item", "delete_item")] + [
        (DynamoDBBackend, n, vars(DynamoDBBackend)[n]) for n in ("update_item", "transact_write_items")]
    query_index.install()
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        item_writes._listeners.clear()


@pytest.fixture
def ddb(patched: None) -> Iterator[DynamoDBClient]:
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("id", "g", "r")],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                   {"AttributeName": "r", "KeyType": "RANGE"}]}])
        yield client


def _conditions(rng: random.Random) -> tuple[str, dict[str, Any]]:
    value = rng.choice("abcdefgh") + rng.choice(["", "a", "m", "z"])
    other = rng.choice("abcdefgh")
    low, high = sorted([value, other])
    return rng.choice([
        ("", {}),
        (" AND begins_with(r, :v)", {":v": {"S": value[0]}}),
        (" AND r BETWEEN :v AND :w", {":v": {"S": low}, ":w": {"S": high}}),
        (" AND r > :v", {":v": {"S": value}}), (" AND r >= :v", {":v": {"S": value}}),
        (" AND r < :v", {":v": {"S": value}}), (" AND r <= :v", {":v": {"S": value}}),
        (" AND r = :v", {":v": {"S": value}}),
    ])


def _pages(client: DynamoDBClient, query: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every page of `query` in turn: (items, count, scanned count, LastEvaluatedKey)."""
    pages, start = [], None
    while True:
        params: dict[str, Any] = {**query, "ExclusiveStartKey": start} if start else query
        answer = client.query(**params)
        pages.append((answer["Items"], answer["Count"], answer["ScannedCount"],
                      answer.get("LastEvaluatedKey")))
        start = answer.get("LastEvaluatedKey")
        if not start or len(pages) > 200:
            return pages


def _write_at_random(client: DynamoDBClient, rng: random.Random) -> None:
    key = {"id": {"S": f"i{rng.randrange(60):02d}"}}
    choice = rng.random()
    if choice < 0.5:  # a new item or one rewritten, sometimes out of the index (no `r`)
        item = {**key, "g": {"S": rng.choice("xy")}, "n": {"S": "v" * rng.randrange(5)}}
        if rng.random() < 0.9:
            item["r"] = {"S": rng.choice("abcdefgh") + rng.choice("amz")}
        client.put_item(TableName="t", Item=item)
    elif choice < 0.8:  # moves an item inside the index, or creates one by an update
        client.update_item(TableName="t", Key=key, UpdateExpression="SET r = :r, g = :g",
                           ExpressionAttributeValues={":r": {"S": rng.choice("abcdefgh")},
                                                      ":g": {"S": rng.choice("xy")}})
    elif choice < 0.9:
        client.update_item(TableName="t", Key=key, UpdateExpression="REMOVE r")
    else:
        client.delete_item(TableName="t", Key=key)


def test_every_answer_is_the_one_moto_gives_while_items_change(ddb: DynamoDBClient) -> None:
    rng = random.Random(20)
    for round_ in range(60):
        for _ in range(rng.randrange(1, 12)):
            _write_at_random(ddb, rng)
        extra, values = _conditions(rng)
        query = {"TableName": "t", "IndexName": "by_g", "KeyConditionExpression": "g = :g" + extra,
                 "ExpressionAttributeValues": {":g": {"S": rng.choice("xyz")}, **values},
                 "ScanIndexForward": rng.random() < 0.7, "Limit": rng.choice([1, 2, 3, 7, 25])}
        if rng.random() < 0.2:
            query["FilterExpression"] = "attribute_exists(n)"
        indexed = _pages(ddb, query)
        with query_index.moto_alone():
            alone = _pages(ddb, query)
        assert indexed == alone, (round_, query)
