"""The emulator answers a Query on a global secondary index from an index it keeps, not by
walking the whole table.

moto 5.2.5 answers every GSI Query by sorting every item of the table and filtering them
(Table.query over Table.all_items): a list page cost ~65 ms at 12,000 IDs and ~1.9 s at 100,000,
so the request's time budget ended pages early. DynamoDB reads only the partition asked for, from
where the key condition and ExclusiveStartKey put it.

Here each table keeps, per GSI with a hash and a range key, a sorted list per partition, updated
after every item write (backend/local/item_writes.py). A Query takes the items from the start
position on, just enough for its Limit plus the one after (moto looks at that one to decide on
LastEvaluatedKey), and hands them to moto's own Table.query in place of the whole table: the
sorting, the key condition, the page, LastEvaluatedKey, projections and filters stay moto's, so
the answer is the one moto would give (tests/unit/test_emulator_query_index.py compares the two on
random tables and queries). Anything else (a table Query, an LSI, multi-attribute keys, legacy
QueryFilter, an index with no range key) goes to moto unchanged.

What it costs: one sorted-list entry per indexed item (about 200 bytes), kept on write under the
emulator's item lock. A table's index is built at its first write (or at a restore), not at its
first GSI Query: a table filled by writes alone (an import of 200,000 IDs) made that Query, the
console's first list page, pay for every item, seconds of a request's budget.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sortedcontainers import SortedList  # type: ignore[import-untyped]

from backend.local import item_writes
from backend.local.upstream import written_for

_STATE = "_emulator_query_index"  # the attribute each table keeps its index in
_bypass = threading.local()  # set while `moto_alone()` runs: the tests compare both answers
_LOWER_BOUNDED = {"EQ", "GE", "GT", "BETWEEN", "BEGINS_WITH"}  # the first value is a lower bound


class _Index:
    """The sorted keys of one table's GSIs: index name -> partition value -> entries. An entry is
    (index range value, table hash value, table range value or "", hash key, range key)."""

    def __init__(self, table: Any) -> None:
        """Built from every item in one sort per partition (an insert each took ~10x longer)."""
        self.shape = _shape(table)
        self.entries_of: dict[tuple[Any, Any], dict[str, tuple[Any, tuple[Any, ...]]]] = {}
        unsorted: dict[str, dict[Any, list[tuple[Any, ...]]]] = {name: {} for name in self.shape}
        for item in _every_item(table):
            for name, (partition, entry) in self._entries(item).items():
                unsorted[name].setdefault(partition, []).append(entry)
        self.partitions: dict[str, dict[Any, SortedList]] = {
            name: {partition: SortedList(entries) for partition, entries in partitions.items()}
            for name, partitions in unsorted.items()}

    def _entries(self, item: Any) -> dict[str, tuple[Any, tuple[Any, ...]]]:
        """Index name -> (partition, entry) for each index `item` is in; remembered for removal."""
        entries = {}
        for name, (hash_attr, range_attr) in self.shape.items():
            partition, range_value = item.attrs.get(hash_attr), item.attrs.get(range_attr)
            if partition is None or range_value is None:
                continue  # not in this index (a sparse index)
            entries[name] = (partition, (range_value.cast_value, item.hash_key.cast_value,
                                         item.range_key.cast_value if item.range_key is not None else "",
                                         item.hash_key, item.range_key))
        if entries:
            self.entries_of[(item.hash_key, item.range_key)] = entries
        return entries

    def add(self, item: Any) -> None:
        for name, (partition, entry) in self._entries(item).items():
            self.partitions[name].setdefault(partition, SortedList()).add(entry)

    def remove(self, key: tuple[Any, Any]) -> None:
        for name, (partition, entry) in self.entries_of.pop(key, {}).items():
            self.partitions[name][partition].remove(entry)


def _every_item(table: Any) -> Iterator[Any]:
    """Table.all_items without its sort (the index sorts what it keeps)."""
    for held in table.items.values():
        yield from (held.values() if table.range_key_attr else [held])


def _shape(table: Any) -> dict[str, tuple[str, str]]:
    """Index name -> (hash attribute, range attribute), for the GSIs this index can serve."""
    shape = {}
    for index in table.global_indexes or []:
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        if len(hashes) == 1 and len(ranges) == 1:
            shape[index.name] = (hashes[0], ranges[0])
    return shape


def _index_of(table: Any) -> _Index:
    index: _Index | None = vars(table).get(_STATE)
    if index is None or index.shape != _shape(table):  # first use, or the GSIs changed
        index = _Index(table)
        setattr(table, _STATE, index)
    return index


def build(table: Any) -> None:
    """Build the index of `table` now rather than at its first GSI Query (a restore does this:
    the first list page would pay for every item). Nothing when the index is not installed: an
    index nobody keeps current would answer without the newest items once it is."""
    if _item_written in item_writes.listeners() and _shape(table):
        _index_of(table)


def _item_written(table: Any, hash_key: Any, range_key: Any) -> None:
    index = vars(table).get(_STATE)
    if index is None:
        build(table)  # the table's first write: built from its items, this one included
        return
    index.remove((hash_key, range_key))
    item = table.get_item(hash_key, range_key) if range_key is not None or not table.range_key_attr \
        else None
    if item is not None:
        index.add(item)


class _AfterAll:
    """Sorts after anything: (a, b, _AFTER_ALL) comes after every entry that starts (a, b)."""

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True


_AFTER_ALL = _AfterAll()


class _OnePartition:
    """The table, as moto's query sees it, holding only the candidate items."""

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table = table
        self._items = items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        return self._items


def _bypassed() -> bool:
    return bool(getattr(_bypass, "on", False))


@contextmanager
def moto_alone() -> Iterator[None]:
    """Queries in this thread walk the table as moto does (the index is still kept)."""
    _bypass.on = True
    try:
        yield
    finally:
        _bypass.on = False


@written_for("moto", "5.2.5", {
    "moto.dynamodb.models.table:Table.query": "c08e16587862",
    "moto.dynamodb.models.table:Table.all_items": "2091a7dc1699",
    "moto.dynamodb.models.table:Table.sorted_items": "07e2a981013f",
    "moto.dynamodb.models.table:Table._generate_attr_to_sort_by": "2a1bb7e3b53d",
})
def install() -> None:
    """Serve GSI Queries from the index; safe to call again."""
    from moto.dynamodb.models.table import Table

    # Listen even when the query is already patched: whoever took the patch back (a test) may
    # have taken the listener too, and a stale index answers without the newest items.
    item_writes.listen(_item_written)
    query: Any = Table.query
    if getattr(query, "__indexed__", False):
        return

    @functools.wraps(query)
    def indexed_query(table: Any, hash_key: Any, range_comparison: str | None, range_objs: list[Any],
                      limit: int | None, exclusive_start_key: dict[str, Any] | None,
                      scan_index_forward: bool, projection_expressions: Any,
                      index_name: str | None = None, consistent_read: bool = False,
                      filter_expression: Any = None, hash_key_conditions: Any = None,
                      range_key_conditions: Any = None, **filter_kwargs: Any) -> Any:
        candidates = None
        if index_name and not filter_kwargs and not consistent_read and not _bypassed():
            candidates = _candidates(table, index_name, range_comparison, range_objs, limit,
                                     exclusive_start_key, scan_index_forward, hash_key_conditions,
                                     range_key_conditions)
        answering = table if candidates is None else _OnePartition(table, candidates)
        return query(answering, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                     scan_index_forward, projection_expressions, index_name, consistent_read,
                     filter_expression, hash_key_conditions=hash_key_conditions,
                     range_key_conditions=range_key_conditions, **filter_kwargs)

    indexed_query.__indexed__ = True  # type: ignore[attr-defined]
    setattr(Table, "query", indexed_query)  # noqa: B010 (a patch of moto, not an attribute of ours)


def _candidates(table: Any, index_name: str, comparison: str | None, bounds: list[Any],
                limit: int | None, start: dict[str, Any] | None, forward: bool,
                hash_conditions: Any, range_conditions: Any) -> list[Any] | None:
    """The items moto's query needs to see, in order; None when this index cannot tell."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    index = _index_of(table)
    if index_name not in index.shape or not hash_conditions or len(hash_conditions) != 1:
        return None
    hash_attr, range_attr = index.shape[index_name]
    (condition_attr, partition_value), = hash_conditions
    if condition_attr != hash_attr or (range_conditions and (
            len(range_conditions) != 1 or range_conditions[0][0] != range_attr)):
        return None
    entries = index.partitions[index_name].get(partition_value)
    if entries is None:
        return []
    low, high = 0, len(entries)
    if start is not None:
        if not {range_attr, table.hash_key_attr} <= start.keys():
            return None
        table_range = table.range_key_attr
        position = (DynamoType(start[range_attr]).cast_value,
                    DynamoType(start[table.hash_key_attr]).cast_value,
                    DynamoType(start[table_range]).cast_value if table_range in start else "")
        if forward:
            low = entries.bisect_right((*position, _AFTER_ALL))
        else:
            high = entries.bisect_left(position)
    if forward and comparison in _LOWER_BOUNDED and bounds:
        low = max(low, entries.bisect_left((bounds[0].cast_value,)))
    positions = range(low, high) if forward else range(high - 1, low - 1, -1)
    return list(_taken(table, (entries[i] for i in positions), range_attr, comparison, bounds, limit))


def _taken(table: Any, entries: Iterator[tuple[Any, ...]], range_attr: str, comparison: str | None,
           bounds: list[Any], limit: int | None) -> Iterator[Any]:
    """Items that meet the range condition, which form one run in key order: until `limit` of
    them and one item more (or the first item past the run)."""
    matched = 0
    for entry in entries:
        item = table.get_item(entry[3], entry[4]) if table.range_key_attr else table.items[entry[3]]
        meets = comparison is None or item.attrs[range_attr].compare(comparison, bounds)
        if not meets and not matched:
            continue  # before the run
        yield item
        if not meets or (limit is not None and matched == limit):
            return
        matched += 1
