"""The emulator's DynamoDB items and tables are not kept by moto once nothing uses them
(backend/local/emulator.py, untrack_dynamodb_models): an item a write replaced, a copy a Query
answered with, a deleted table are freed, where moto keeps every one in its class's
`instances_tracked`. Its pin to the moto it was written for is checked in
tests/unit/test_upstream_patches.py."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from backend.local.emulator import untrack_dynamodb_models
from tests.unit.moto_tables import create_indexed_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture
def moto_models() -> Iterator[None]:
    """moto's Item and Table as they come for the test, and afterwards as they were found (an
    emulator of this process may have untracked them)."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    found = {model: vars(model).get("__new__") for model in (Item, Table)}
    for model, new in found.items():
        if new is not None:
            del model.__new__
    yield
    for model, new in found.items():
        if "__new__" in vars(model):
            del model.__new__
        if new is not None:
            model.__new__ = new
        model.instances_tracked.clear()


@dataclass
class Seen:
    replaced_item_alive: bool  # an item a second write of its key replaced
    deleted_table_alive: bool
    live_items: int  # once a Query answered, with one item stored
    tracked: int  # items and tables in moto's tracking lists
    answer: Any  # the Query's items


def live_items() -> int:
    from moto.dynamodb.models.dynamo_type import Item

    gc.collect()
    return sum(type(o) is Item for o in gc.get_objects())


def write_read_and_delete(ddb: DynamoDBClient) -> Seen:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item
    from moto.dynamodb.models.table import Table

    backend = dynamodb_backends["123456789012"]["us-east-1"]
    create_indexed_table(ddb, "gone")
    ddb.put_item(TableName="gone", Item={"id": {"S": "a"}})
    deleted = weakref.ref(backend.get_table("gone"))
    ddb.delete_table(TableName="gone")

    ddb.put_item(TableName="t", Item={"id": {"S": "a"}, "g": {"S": "x"}, "r": {"S": "1"}})
    replaced = weakref.ref(backend.get_table("t").get_item(DynamoType({"S": "a"})))
    ddb.put_item(TableName="t", Item={"id": {"S": "a"}, "g": {"S": "x"}, "r": {"S": "2"}})
    answer = ddb.query(TableName="t", IndexName="by_g", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}})
    alive = live_items()
    return Seen(replaced() is not None, deleted() is not None, alive,
                len(Item.instances_tracked) + len(Table.instances_tracked), answer["Items"])


def run(install: bool) -> Seen:
    with mock_aws():  # its end resets moto's tracking lists: what is seen is seen inside
        import boto3

        if install:
            untrack_dynamodb_models()
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        create_indexed_table(ddb)
        return write_read_and_delete(ddb)


def test_moto_keeps_every_item_and_table_it_ever_made(moto_models: None) -> None:
    # GIVEN moto as it comes, WHEN an item is replaced, a Query answers and a table is deleted
    seen = run(install=False)

    # THEN the replaced item, the Query's copy and the deleted table are still held, by moto's lists
    assert seen.replaced_item_alive and seen.deleted_table_alive
    assert seen.live_items >= 4  # the two stored, the replaced one, the Query's copy
    assert seen.tracked >= seen.live_items + 2  # and both tables


def test_the_emulator_frees_what_nothing_uses_and_answers_the_same(moto_models: None) -> None:
    # GIVEN moto's answer without the patch
    expected = run(install=False).answer

    # WHEN the patch is installed, an item is replaced, a Query answers and a table is deleted
    seen = run(install=True)

    # THEN what nothing uses is freed, nothing is tracked, and the answer is moto's
    assert not seen.replaced_item_alive and not seen.deleted_table_alive
    assert seen.live_items == 1  # the item stored in the table that is left
    assert seen.tracked == 0
    assert seen.answer == expected == [{"id": {"S": "a"}, "g": {"S": "x"}, "r": {"S": "2"}}]
