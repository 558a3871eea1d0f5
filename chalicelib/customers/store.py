"""DynamoDB access for customer IDs, behind one small class. Knows keys and indexes, not routes.

Key design: the table's partition key is `id`, so create/get/delete are single-item operations
and a conditional write (`attribute_not_exists(id)`) makes "never overwrite" atomic. Listing in ID
order uses the GSI `by_shard`: partition `shard` = the ID's first character (64 possible values),
sort key `id`. A page is a Query on one or a few shards with `Limit`, so it reads about `limit`
items however large the table grows; a prefix search queries exactly one shard with
`begins_with(id, prefix)`. Spreading the index over 64 partitions keeps heavy write bursts from
piling onto one hot index partition.

The shard directory (docs/lists.md says why this design): one item, `#shards`, lists the shards
that may hold IDs, so a page queries only those instead of walking all 64 in turn (most ID schemes
share a first character: 63 shards empty, one full). It is a superset, never short of a shard:
every writer adds its shard before its first put there (a per-container memory skips the write
once the shard is known, so the item is not a hot spot), and nothing ever removes one. A shard
emptied by deletes stays listed and costs a page one empty Query; a listed shard is never missed.
A table that holds IDs from before the directory gets it built by its first list page (one
Query per shard, once); until then `complete` is absent and the page does that first.

Retry-safe writes: every item carries the `writeToken` of the request that created it. When a
conditional put fails, DynamoDB hands back the item it found (ALL_OLD): our own token means an
earlier attempt of this same request landed and only its answer was lost, so it is a success,
with the stored `createdAt` and `createdBy`. A retried request that sends the same Idempotency-Key
sends the same token (chalicelib/http/idempotency.py), so it too finds its own item.

Provenance: an item names the actor whose write created it in `createdBy` (`{"M": {"kind", "name"}}`),
set by the same conditional put, so it is never changed afterwards. Items written before actors
existed have none and read `created_by=None`.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar, cast

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
from chalicelib.identity.actor import Actor

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
# The directory's key: '#' is outside the ID rule, so no customer ID can ever be it, and without
# a `shard` attribute the item stays out of the index.
DIRECTORY_ID = "#shards"
_DIRECTORY_KEY: dict[str, AttributeValueTypeDef] = {"id": {"S": DIRECTORY_ID}}
_BACKFILL_PARALLELISM = 16

_T = TypeVar("_T")
_R = TypeVar("_R")

_BATCH_GET_SIZE = 100
_WRITE_PARALLELISM = 16
_UNPROCESSED_RETRIES = 5
_LIST_RESERVE_SECONDS = 1.5  # a list stops walking shards when less than this is left


def _short_of_time() -> bool:
    left = deadline.remaining()
    return left is not None and left < _LIST_RESERVE_SECONDS


def _in_parallel(work: Callable[[_T], _R], inputs: Iterable[_T], workers: int) -> list[_R]:
    """`work` on each input, `workers` at a time, each in a copy of this request's context (it
    keeps the request's deadline); the results in input order. After the first failure, no
    more work starts and the failure is raised."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(contextvars.copy_context().run, work, each) for each in inputs]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _shard(customer_id: str) -> str:
    return customer_id[0]


def to_item(customer: Customer, write_token: str) -> dict[str, AttributeValueTypeDef]:
    """The stored item; the workflow's state machine writes exactly this shape too.

    `writeToken` names the request that wrote it (the workflow's: the submission ID), so a writer
    whose conditional put was retried after it landed can recognise its own item.
    """
    item: dict[str, AttributeValueTypeDef] = {
        "id": {"S": customer.id},
        "shard": {"S": _shard(customer.id)},
        "createdAt": {"S": customer.created_at},
        "source": {"S": customer.source},
        "writeToken": {"S": write_token},
    }
    if customer.created_by is not None:
        item["createdBy"] = actor_attribute(customer.created_by)
    return item


def actor_attribute(actor: Actor) -> AttributeValueTypeDef:
    """An actor as a DynamoDB map attribute (the submissions table stores its submitter the same way)."""
    return {"M": {"kind": {"S": actor.kind}, "name": {"S": actor.name}}}


def actor_from(item: Item, name: str) -> Actor | None:
    """The actor in attribute `name`; None when absent (written before actors) or not an actor."""
    fields = item.get(name, {}).get("M") or {}
    return Actor.from_json({key: value.get("S") for key, value in fields.items()})


def _from_item(item: Item) -> Customer:
    source = cast(Source, item["source"]["S"])  # only this module writes items, with a Source
    return Customer(item["id"]["S"], item["createdAt"]["S"], source, actor_from(item, "createdBy"))


class ShardDirectory:
    """Which shards may hold IDs: the `#shards` item, and what this container learnt of it."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._known: frozenset[str] = frozenset()  # listed for sure: nothing is ever removed

    def ensure_listed(self, shards: Iterable[str]) -> None:
        """Before a write into `shards`: list those not known to be listed. A read first: a
        burst of new containers reads the item (cheap, spread over replicas) rather than all
        writing it; a write only for a shard that is really new (one write at most)."""
        missing = set(shards) - self._known
        if missing:
            missing -= self._read()
        if not missing:
            return
        response = self._client.update_item(
            TableName=self._table,
            Key=_DIRECTORY_KEY,
            UpdateExpression="ADD shards :shards",
            ExpressionAttributeValues={":shards": {"SS": sorted(missing)}},
            ReturnValues="ALL_NEW",
        )
        self._learn(response.get("Attributes", {}))

    def listed(self) -> list[str]:
        """The shards a listing must look at, in byte order (built first if it never was)."""
        found = self._get()
        if not found.get("complete", {}).get("BOOL"):
            found = self._build()
        return sorted(self._learn(found))

    def _read(self) -> frozenset[str]:
        return self._learn(self._get())

    def _get(self) -> Mapping[str, AttributeValueTypeDef]:
        # Eventually consistent, as the index's Queries are: a shard listed a moment ago may show
        # a moment later, like an ID written a moment ago.
        response = self._client.get_item(TableName=self._table, Key=_DIRECTORY_KEY)
        return response.get("Item") or {}

    def _learn(self, item: Mapping[str, AttributeValueTypeDef]) -> frozenset[str]:
        shards = frozenset(item.get("shards", {}).get("SS", []))
        self._known |= shards
        return shards

    def _build(self) -> Mapping[str, AttributeValueTypeDef]:
        """List every shard that holds an ID now, then mark the directory complete. Safe while
        others write: each writer lists its own shard before its put, and ADD only ever adds."""
        holding = [s for s, held in zip(SHARDS, _in_parallel(self._holds_ids, SHARDS,
                                                                _BACKFILL_PARALLELISM), strict=True)
                   if held]
        update = "SET complete = :true" + (" ADD shards :shards" if holding else "")
        values: dict[str, AttributeValueTypeDef] = {":true": {"BOOL": True}}
        if holding:
            values[":shards"] = {"SS": holding}
        response = self._client.update_item(
            TableName=self._table, Key=_DIRECTORY_KEY, UpdateExpression=update,
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW",
        )
        return response.get("Attributes", {})

    def _holds_ids(self, shard: str) -> bool:
        response = self._client.query(
            TableName=self._table, IndexName=SHARD_INDEX, Limit=1,
            KeyConditionExpression="#shard = :shard", ProjectionExpression="id",
            ExpressionAttributeNames={"#shard": "shard"},
            ExpressionAttributeValues={":shard": {"S": shard}},
        )
        return bool(response["Items"])


class DynamoCustomerStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self.directory = ShardDirectory(client, table_name)

    def insert(self, customer: Customer, write_token: str) -> Customer | None:
        """The stored customer when it is ours (written now, or by an earlier attempt with the
        same token); None when the ID belongs to someone else, who keeps it untouched."""
        self.directory.ensure_listed([_shard(customer.id)])
        return self._put(customer, write_token)

    def _put(self, customer: Customer, write_token: str) -> Customer | None:
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
        self.directory.ensure_listed({_shard(c.id) for c in fresh})  # one write for the batch
        stored = _in_parallel(lambda c: self._put(c, write_token), fresh, _WRITE_PARALLELISM)
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
        # A prefix names its one shard; otherwise only the shards the directory lists can hold IDs.
        shards = [prefix[0]] if prefix else self.directory.listed()
        if after:
            shards = [s for s in shards if s >= after[0]]
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
