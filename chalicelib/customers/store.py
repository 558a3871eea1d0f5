"""DynamoDB access for customer IDs, behind one small class. Knows keys and indexes, not routes.

Key design: the table's partition key is `id`, so create/get/delete are single-item operations
and a conditional write (`attribute_not_exists(id)`) makes "never overwrite" atomic. Listing in ID
order uses the GSI `by_shard`: partition `shard` = the ID's first character (64 possible values),
sort key `id`. A page is a Query on one or a few shards with `Limit`, so it reads about `limit`
items however large the table grows; a prefix search queries exactly one shard with
`begins_with(id, prefix)`. Spreading the index over 64 partitions keeps heavy write bursts from
piling onto one hot index partition.

Retry-safe writes: every item carries the `writeToken` of the request that created it. When a
conditional put fails, DynamoDB hands back the item it found (ALL_OLD): our own token means an
earlier attempt of this same request landed and only its answer was lost, so it is a success,
with the stored `createdAt`. A retried request that sends the same Idempotency-Key sends the same
token (chalicelib/http/idempotency.py), so it too finds its own item.
"""

from __future__ import annotations

import contextvars
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from chalicelib import deadline
from chalicelib.customers.domain import Customer, Listing, Source
from chalicelib.dynamo import (
    after_lost_answer,
    is_condition_failure,
    old_item,
    written_by,
)
from chalicelib.errors import ServiceUnavailableError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        KeysAndAttributesUnionTypeDef,
        QueryInputTypeDef,
    )

    from chalicelib.dynamo import Item

SHARD_INDEX = "by_shard"
# Every character an ID may start with, in byte order: walking shards in this order lists IDs
# in the same order DynamoDB sorts them inside each shard.
SHARDS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

_BATCH_GET_SIZE = 100
_WRITE_PARALLELISM = 16
_UNPROCESSED_RETRIES = 5
_LIST_RESERVE_SECONDS = 1.5  # a list stops walking shards when less than this is left


def _short_of_time() -> bool:
    left = deadline.remaining()
    return left is not None and left < _LIST_RESERVE_SECONDS


def _shard(customer_id: str) -> str:
    return customer_id[0]


def to_item(customer: Customer, write_token: str) -> dict[str, AttributeValueTypeDef]:
    """The stored item; the workflow's state machine writes exactly this shape too.

    `writeToken` names the request that wrote it (the workflow's: the submission ID), so a writer
    whose conditional put was retried after it landed can recognise its own item.
    """
    return {
        "id": {"S": customer.id},
        "shard": {"S": _shard(customer.id)},
        "createdAt": {"S": customer.created_at},
        "source": {"S": customer.source},
        "writeToken": {"S": write_token},
    }


def _from_item(item: Item) -> Customer:
    source = cast(Source, item["source"]["S"])  # only this module writes items, with a Source
    return Customer(item["id"]["S"], item["createdAt"]["S"], source)


class DynamoCustomerStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def insert(self, customer: Customer, write_token: str) -> Customer | None:
        """The stored customer when it is ours (written now, or by an earlier attempt with the
        same token); None when the ID belongs to someone else, who keeps it untouched."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=to_item(customer, write_token),
                ConditionExpression="attribute_not_exists(id)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            found = old_item(error)
            return _from_item(found) if found and written_by(found, write_token) else None
        return customer

    def get(self, customer_id: str) -> Customer | None:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": customer_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return _from_item(item) if item else None

    def delete(self, customer_id: str) -> bool:
        """False when there was nothing to delete. When an earlier attempt's answer was lost and
        the item is gone now, that attempt deleted it (or a concurrent delete did): True."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"id": {"S": customer_id}},
                ConditionExpression="attribute_exists(id)",
            )
        except ClientError as error:
            if is_condition_failure(error):
                return after_lost_answer(error)
            raise
        return True

    def insert_many(self, customers: list[Customer], write_token: str) -> set[str]:
        """Store each new customer; return the IDs that belong to someone else (left untouched)."""
        # Cheap batched reads sort out IDs that exist already; each remaining ID is then written
        # with its own conditional put (DynamoDB's BatchWriteItem cannot be conditional), in
        # parallel, so an ID created meanwhile by someone else is still never overwritten.
        existing, mine = self._stored_ids([c.id for c in customers], write_token)
        # IDs this token stored before (a retry after a 503) are ours already: no write, so each
        # retry of a large batch makes progress instead of redoing the same writes.
        fresh = [c for c in customers if c.id not in existing and c.id not in mine]
        with ThreadPoolExecutor(max_workers=_WRITE_PARALLELISM) as pool:
            # Each write runs in a copy of this request's context: it keeps the request's deadline.
            futures = [pool.submit(contextvars.copy_context().run, self.insert, c, write_token)
                       for c in fresh]
            try:
                stored = [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()  # after the first failure, start no more writes
                raise
        existing.update(c.id for c, mine in zip(fresh, stored, strict=True) if mine is None)
        return existing

    def _stored_ids(self, ids: list[str], write_token: str) -> tuple[set[str], set[str]]:
        """(IDs stored by someone else, IDs stored before with this very token)."""
        found: set[str] = set()
        mine: set[str] = set()
        for start in range(0, len(ids), _BATCH_GET_SIZE):
            keys = [{"id": {"S": i}} for i in ids[start : start + _BATCH_GET_SIZE]]
            request: Mapping[str, KeysAndAttributesUnionTypeDef] = {self._table: {
                "Keys": keys, "ProjectionExpression": "id, writeToken", "ConsistentRead": True,
            }}
            for attempt in range(_UNPROCESSED_RETRIES + 1):
                response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table, []):
                    (mine if written_by(item, write_token) else found).add(item["id"]["S"])
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise ServiceUnavailableError("the data store is busy; retry shortly")
        return found, mine

    def list_after(self, after: str | None, prefix: str | None, limit: int) -> Listing:
        shards = prefix[0] if prefix else SHARDS
        if after:
            shards = shards[shards.find(after[0]) :] if after[0] in shards else ""
        found: list[Customer] = []
        for position, shard in enumerate(shards):
            if position and _short_of_time():
                # Stop between shards with what we have; the next page starts at this shard: its
                # name, one character, sorts before every ID in it (IDs have at least three).
                return Listing(found, resume_after=shard)
            start = after if after and after[0] == shard else None
            found.extend(self._query_shard(shard, start, prefix, limit - len(found)))
            if len(found) >= limit:
                break
        return Listing(found)

    def _query_shard(
        self, shard: str, after: str | None, prefix: str | None, limit: int
    ) -> list[Customer]:
        condition = "#shard = :shard"
        names = {"#shard": "shard"}
        values: dict[str, AttributeValueTypeDef] = {":shard": {"S": shard}}
        if prefix:
            condition += " AND begins_with(#id, :prefix)"
            names["#id"] = "id"
            values[":prefix"] = {"S": prefix}
        query: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": SHARD_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if after:
            query["ExclusiveStartKey"] = {"id": {"S": after}, "shard": {"S": shard}}
        found: list[Customer] = []
        while len(found) < limit:
            query["Limit"] = limit - len(found)
            response = self._client.query(**query)
            found.extend(_from_item(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found
