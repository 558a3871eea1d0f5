"""The emulator's query index (backend/local/query_index.py) against moto's own answers: answer for
answer the same on random tables and queries, while items are written, rewritten, updated and
deleted. Its pin to the moto it was written for is checked in tests/unit/test_upstream_patches.py."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from backend.local import item_writes, query_index
from tests.unit.moto_tables import create_indexed_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture
def ddb(patched: None) -> Iterator[DynamoDBClient]:
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        create_indexed_table(client)
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


def test_an_install_after_the_listener_was_taken_away_listens_again(ddb: DynamoDBClient) -> None:
    # GIVEN an index already built, and its write listener taken away while the patched query
    # stayed (a test's clean-up in the same process did this, then the stack's emulator started)
    query: dict[str, Any] = {"TableName": "t", "IndexName": "by_g", "KeyConditionExpression": "g = :g",
                             "ExpressionAttributeValues": {":g": {"S": "x"}}}
    assert ddb.query(**query)["Items"] == []
    item_writes._listeners.clear()
    # WHEN the emulator installs the index again, and an item is written
    query_index.install()
    ddb.put_item(TableName="t", Item={"id": {"S": "new"}, "g": {"S": "x"}, "r": {"S": "a"}})
    # THEN a Query finds it
    assert [item["id"]["S"] for item in ddb.query(**query)["Items"]] == ["new"]


def test_a_table_filled_by_writes_alone_answers_its_first_query_without_walking_every_item(
    ddb: DynamoDBClient,
) -> None:
    # GIVEN a table that has only ever been written to (an import), never queried
    for n in range(40):
        ddb.put_item(TableName="t", Item={"id": {"S": f"i{n:02d}"}, "g": {"S": "x"}, "r": {"S": f"{n:02d}"}})
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables["t"]
    walks: list[str] = []

    class Watched(dict[Any, Any]):
        """moto's items of the table, noting each walk over all of them."""

        def values(self) -> Any:
            walks.append("values")
            return super().values()

    table.items = Watched(table.items)
    # WHEN its first GSI Query runs
    answer = ddb.query(TableName="t", IndexName="by_g", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}}, Limit=3)
    # THEN the index kept since the first write answers it: no walk over every item
    assert [item["id"]["S"] for item in answer["Items"]] == ["i00", "i01", "i02"]
    assert walks == []
