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
back into its table directly (no request, no hook). Only items are kept: tables, queues, state
machines and executions come from the templates at every start; a submission left unfinished
has no execution any more and the reconciler takes it up.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from backend.local import item_writes

DATABASE = "dynamodb.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    account TEXT NOT NULL, region TEXT NOT NULL, tbl TEXT NOT NULL, hash TEXT NOT NULL,
    range TEXT NOT NULL, item TEXT NOT NULL,
    PRIMARY KEY (account, region, tbl, hash, range)
) WITHOUT ROWID
"""


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
        """Put every stored item back into its table (those the templates made); how many."""
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodb.models.dynamo_type import DynamoType, Item

        restored = 0
        rows = self._db.execute("SELECT account, region, tbl, item FROM items")
        for account, region, name, text in rows:
            table = dynamodb_backends[account][region].tables.get(name)
            if table is None:
                continue  # a table the templates no longer make
            attrs = json.loads(text)
            hash_key = DynamoType(attrs[table.hash_key_attr])
            if table.range_key_attr:
                range_key = DynamoType(attrs[table.range_key_attr])
                table.items[hash_key][range_key] = Item(hash_key, range_key, attrs)
            else:
                table.items[hash_key] = Item(hash_key, None, attrs)  # type: ignore[assignment]
            restored += 1
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
                                 (*key, json.dumps(item.to_json()["Attributes"])))
