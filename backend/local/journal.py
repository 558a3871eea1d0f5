"""Local data that survives a restart: every item the emulator's DynamoDB holds, kept in SQLite.

moto keeps its state in memory only, so stopping `make dev` lost every ID and submission. Here
each item write (backend/local/item_writes.py: put, update, delete, transactions) is copied to
one SQLite row (account, region, table, key -> the item as DynamoDB JSON) in the same moment,
under the emulator's item lock: one SQLite transaction per item write, committed before the
request is answered. WAL mode with synchronous=NORMAL: a process killed at any moment (Ctrl-C,
SIGKILL, a crash) leaves every committed write whole and none half-written; only a power cut
may lose the last few. An import killed half-way keeps the IDs it stored, each whole, and its
Idempotency-Key's in-progress record: a retry with the same key completes it (chalicelib/http/
idempotency.py takes the record over once its time has passed).

At start, after the stack's resources are provisioned (empty tables), each stored item is put
back into its table directly (no request, no hook, no size check: it passed that when written),
and each table's query index (backend/local/query_index.py) is built from them in one sort, so
neither the start nor the first list page pays an item-by-item cost. Only items are kept:
tables, queues, state machines and executions come from the templates at every start; a
submission left unfinished has no execution any more and the reconciler takes it up.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backend.local import item_writes, query_index
from backend.local.upstream import written_for

DATABASE = "dynamodb.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    account TEXT NOT NULL, region TEXT NOT NULL, tbl TEXT NOT NULL, hash TEXT NOT NULL,
    range TEXT NOT NULL, item TEXT NOT NULL,
    PRIMARY KEY (account, region, tbl, hash, range)
) WITHOUT ROWID
"""


@written_for("moto", "5.2.5", {
    "moto.dynamodb.models.dynamo_type:Item.__init__": "bebd77855342",
    "moto.dynamodb.models.dynamo_type:Item.__deepcopy__": "1ccd3e66db82",
    "moto.dynamodb.models.dynamo_type:LimitedSizeDict": "c956079ac955",
    "moto.dynamodb.models.dynamo_type:DynamoType.__init__": "8a6aadb1d581",
    "moto.dynamodb.models.table:Table.__init__": "14e1d24e576c",
    "moto.dynamodb.models.table:Table.put_item": "48ae94c63fda",
})
def _putting_back() -> Callable[[Any, dict[str, Any]], None]:
    """What stores one item, read back from the journal, as moto's put would, without its size
    check: the item passed it when it was written (moto's own Item.__deepcopy__ skips it alike).
    That check walks every attribute once per attribute: most of the time a restore took."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    def typed(value: dict[str, Any]) -> Any:
        """DynamoType(value): binary, lists and maps as moto builds them; any other type set
        directly (all its constructor does for those)."""
        ((kind, inner),) = value.items()
        if kind in ("B", "BS", "L", "M"):
            return DynamoType(_binary(value))
        made = DynamoType.__new__(DynamoType)
        made.type, made.value = kind, inner
        return made

    def put_back(table: Any, attrs: dict[str, Any]) -> None:
        item: Any = Item.__new__(Item)  # moto's BaseModel.__new__ tracks it, as for any Item
        item.hash_key = typed(attrs[table.hash_key_attr])
        item.range_key = typed(attrs[table.range_key_attr]) if table.range_key_attr else None
        item.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.update(item.attrs, {name: typed(value) for name, value in attrs.items()})
        if item.range_key is None:
            table.items[item.hash_key] = item
        else:
            table.items[item.hash_key][item.range_key] = item

    return put_back


def _base64(value: object) -> str:
    """Binary values, which moto holds as bytes, kept as DynamoDB JSON writes them."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot keep a {type(value).__name__} in the journal")


def _binary(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute value read back from the journal, binary as bytes again (as moto held it)."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {kind: base64.b64decode(inner)}
    if kind == "BS":
        return {kind: [base64.b64decode(each) for each in inner]}
    if kind == "L":
        return {kind: [_binary(each) for each in inner]}
    if kind == "M":
        return {kind: {name: _binary(each) for name, each in inner.items()}}
    return value


def _key_text(value: Any) -> str:
    return "" if value is None else json.dumps(value.to_json(), sort_keys=True)


class Journal:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / DATABASE
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()
        self._open = True

    def restore(self) -> int:
        """Put every stored item back into its table (those the templates made), then build the
        tables' query indexes in one go; how many items."""
        from moto.dynamodb.models import dynamodb_backends

        restored, put_back = 0, _putting_back()
        tables: dict[tuple[str, str, str], Any] = {}
        rows = self._db.execute("SELECT account, region, tbl, item FROM items")
        for account, region, name, text in rows:
            where = (account, region, name)
            if where not in tables:
                tables[where] = dynamodb_backends[account][region].tables.get(name)
            table = tables[where]
            if table is None:
                continue  # a table the templates no longer make
            put_back(table, json.loads(text))
            restored += 1
        for table in tables.values():
            if table is not None:
                query_index.build(table)
        return restored

    def record_every_write(self) -> None:
        """From now on, copy each item write here (call after restore: it is not one)."""
        item_writes.listen(self._written)

    def close(self) -> None:
        with self._lock:
            self._open = False
            self._db.close()

    def _written(self, table: Any, hash_key: Any, range_key: Any) -> None:
        key = (table.account_id, table.region_name, table.name, _key_text(hash_key), _key_text(range_key))
        item = table.get_item(hash_key, range_key) if range_key is not None or not table.range_key_attr \
            else None
        with self._lock:
            if not self._open:
                return
            if item is None:
                self._db.execute("DELETE FROM items WHERE account = ? AND region = ? AND tbl = ? "
                                 "AND hash = ? AND range = ?", key)
            else:
                self._db.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)",
                                 (*key, json.dumps(item.to_json()["Attributes"], default=_base64)))
