"""The journal's restore (backend/local/journal.py) puts back items exactly as moto's own put
stores them, and the query index it builds answers as moto does. The restart itself, with the
whole stack, is tests/integration/test_local_data.py."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moto import mock_aws

from backend.local import query_index
from backend.local.journal import Journal
from tests.unit.moto_tables import create_indexed_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _tables(client: DynamoDBClient) -> None:
    create_indexed_table(client)
    client.create_table(
        TableName="ranged", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "h", "AttributeType": "S"},
                              {"AttributeName": "n", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "h", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}])


def _item(rng: random.Random, n: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": {"S": f"i{n:03d}"}, "g": {"S": rng.choice("xy")},
                            "num": {"N": str(rng.randint(-999, 999) / 10)}, "b": {"B": bytes([n % 256, 0])},
                            "ss": {"SS": ["a", f"s{n}"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x01"]},
                            "flag": {"BOOL": n % 2 == 0}, "none": {"NULL": True},
                            "m": {"M": {"l": {"L": [{"S": "x"}, {"N": "3"}, {"M": {}}]}}}}
    if rng.random() < 0.8:  # some items stay out of the index
        item["r"] = {"S": rng.choice("abcdef") + str(n)}
    return item


def _everything(client: DynamoDBClient) -> dict[str, list[dict[str, Any]]]:
    return {name: sorted(client.scan(TableName=name)["Items"], key=repr) for name in ("t", "ranged")}


def _stored(table_name: str) -> dict[Any, Any]:
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends["123456789012"]["us-east-1"].tables[table_name]
    return {key: (dict(held) if table.range_key_attr else held) for key, held in table.items.items()}


def test_a_restore_puts_back_what_moto_stored_and_the_index_answers_as_moto(
        patched: None, tmp_path: Path) -> None:
    rng = random.Random(7)
    # GIVEN items of every attribute type written through moto, kept by a journal
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        _tables(client)
        journal = Journal(tmp_path)
        journal.record_every_write()
        for n in range(120):
            client.put_item(TableName="t", Item=_item(rng, n))
            client.put_item(TableName="ranged", Item={"h": {"S": f"h{n % 3}"}, "n": {"N": str(n)}})
        client.delete_item(TableName="t", Key={"id": {"S": "i005"}})
        before, stored = _everything(client), (_stored("t"), _stored("ranged"))
    journal.close()

    # WHEN a new emulator's empty tables get them back
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        _tables(client)
        journal = Journal(tmp_path)
        assert journal.restore() == 119 + 120
        journal.close()

        # THEN every item is the one moto stored, key objects included
        assert _everything(client) == before
        assert (_stored("t"), _stored("ranged")) == stored
        # AND the index, built by the restore, answers every page as moto does
        for partition in "xyz":
            query = {"TableName": "t", "IndexName": "by_g", "Limit": 7, "KeyConditionExpression": "g = :g",
                     "ExpressionAttributeValues": {":g": {"S": partition}}}
            indexed = client.query(**query)  # type: ignore[arg-type]
            with query_index.moto_alone():
                alone = client.query(**query)  # type: ignore[arg-type]
            assert indexed["Items"] == alone["Items"] and indexed.get("LastEvaluatedKey") == \
                alone.get("LastEvaluatedKey")
