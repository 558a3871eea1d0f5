"""Shared by the unit tests of the emulator's patches of moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.local import item_writes, query_index


@pytest.fixture
def patched() -> Iterator[None]:
    """The emulator's write hooks and query index, installed for this test only and then put back
    as found (the functional tests use moto as it comes; an emulator of this process may listen)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    saved = [(Table, n, vars(Table)[n]) for n in ("query", "put_item", "delete_item")] + [
        (DynamoDBBackend, n, vars(DynamoDBBackend)[n]) for n in ("update_item", "transact_write_items")]
    listeners = item_writes.listeners()
    query_index.install()
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        item_writes._listeners[:] = listeners
