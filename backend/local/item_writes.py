"""One hook into moto's DynamoDB: after any request writes an item, whoever keeps something about
items hears of it (table, key). The emulator's query index and its on-disk journal both listen.

moto changes an item in four places: Table.put_item (PutItem, BatchWriteItem, the new-item step
of UpdateItem, PartiQL), Table.delete_item (DeleteItem, BatchWriteItem, PartiQL), the backend's
update_item (applies UpdateItem's actions to the stored item in place) and the backend's
transact_write_items (calls the three above, and on failure puts back a deep copy of each table
it touched, taken before it began). Each is wrapped here; a listener is told the key and reads
the item's state now, so it does not matter which of them ran or how often.

The wrapped functions are pinned to the moto they were written for (backend/local/upstream.py);
tests/unit/test_upstream_patches.py fails when moto changes any of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from backend.local.upstream import written_for

# (the table object, its hash key, its range key or None) after a write to that item
Listener = Callable[[Any, Any, Any], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener` after every write to an item, from now on (once, however often asked)."""
    _install()
    if listener not in _listeners:
        _listeners.append(listener)


def listeners() -> list[Listener]:
    """Who listens now."""
    return list(_listeners)


def _tell(table: Any, hash_key: Any, range_key: Any) -> None:
    for listener in _listeners:
        listener(table, hash_key, range_key)


def _key_of(table: Any, key: dict[str, Any]) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    range_attr = table.range_key_attr
    return (DynamoType(key[table.hash_key_attr]),
            DynamoType(key[range_attr]) if range_attr and range_attr in key else None)


@written_for("moto", "5.2.5", {
    "moto.dynamodb.models.table:Table.put_item": "48ae94c63fda",
    "moto.dynamodb.models.table:Table.delete_item": "697be260776b",
    "moto.dynamodb.models:DynamoDBBackend.update_item": "f1d5d4acae8e",
    "moto.dynamodb.models:DynamoDBBackend.transact_write_items": "0b5c3b73cdcc",
})
def _install() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    if getattr(Table.put_item, "__told__", False):
        return
    put, delete = Table.put_item, Table.delete_item
    update, transact = DynamoDBBackend.update_item, DynamoDBBackend.transact_write_items

    @functools.wraps(put)
    def put_item(table: Any, *args: Any, **kwargs: Any) -> Any:
        item = put(table, *args, **kwargs)
        _tell(table, item.hash_key, item.range_key)
        return item

    @functools.wraps(delete)
    def delete_item(table: Any, hash_key: Any, range_key: Any) -> Any:
        try:
            return delete(table, hash_key, range_key)
        finally:
            _tell(table, hash_key, range_key)

    @functools.wraps(update)
    def update_item(backend: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return update(backend, table_name, key, *args, **kwargs)
        finally:  # even a failed update may have stored the bare new key first
            _tell_about(backend, table_name, key)

    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> Any:
        try:
            return transact(backend, transact_items)
        finally:  # a failure puts whole tables back: tell about every key it touched
            for entry in transact_items:
                for operation in entry.values():
                    _tell_about(backend, operation.get("TableName", ""), operation.get("Key")
                                or operation.get("Item") or {})

    put_item.__told__ = True  # type: ignore[attr-defined]
    setattr(Table, "put_item", put_item)  # noqa: B010 (a patch of moto, not an attribute of ours)
    setattr(Table, "delete_item", delete_item)  # noqa: B010
    setattr(DynamoDBBackend, "update_item", update_item)  # noqa: B010
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010


def _tell_about(backend: Any, table_name: str, key: dict[str, Any]) -> None:
    table = backend.tables.get(table_name)
    if table is None or table.hash_key_attr not in key:
        return
    _tell(table, *_key_of(table, key))
