"""Make moto's TransactWriteItems back up only what a transaction touches.

To roll a failed transaction back, moto deep-copies a whole table *for every item* of the
transaction that names it, before it changes anything; the rollback puts those copies back. A
transaction of ten counter updates thus deep-copies the stats table ten times, and the cost grows
with everything earlier tests wrote (seconds per transaction after a few hundred reports).

``cheap_transaction_backups`` gives moto a backup that restores the same state for a fraction of
the cost: a new table object sharing the untouched items (a write never mutates those: puts and
deletes replace dictionary entries, which the backup's own dictionaries don't see), deep copies of
the items the transaction names (an update mutates its item in place), and a copy of the stream
records so far. Only for tests; the behaviour seen through the API is unchanged.
"""

from __future__ import annotations

import copy
import functools
import threading
import types
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state = threading.local()


def _keys_by_table(backend: Any, transact_items: list[dict[str, Any]]) -> dict[str, list[tuple[Any, Any]]]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    keys: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for item in transact_items:
        _, op = next(iter(item.items()))
        name = op.get("TableName")
        table = backend.tables.get(name)
        if table is None:
            continue
        source = op.get("Item") if "Item" in op else op.get("Key") or {}
        if table.hash_key_attr not in source:
            continue
        hash_value = DynamoType(source[table.hash_key_attr])
        range_value = None
        if table.range_key_attr is not None and table.range_key_attr in source:
            range_value = DynamoType(source[table.range_key_attr])
        keys[name].append((hash_value, range_value))
    return keys


def _backup(table: Any, keys: list[tuple[Any, Any]]) -> Any:
    clone = copy.copy(table)
    clone.items = defaultdict(dict)
    for hash_value, stored in table.items.items():
        clone.items[hash_value] = dict(stored) if isinstance(stored, dict) else stored
    for hash_value, range_value in keys:
        stored = table.items.get(hash_value)
        if range_value is not None and isinstance(stored, dict):
            if range_value in stored:
                clone.items[hash_value][range_value] = copy.deepcopy(stored[range_value])
        elif stored is not None and not isinstance(stored, dict):
            clone.items[hash_value] = copy.deepcopy(stored)
    if table.stream_shard is not None:
        shard = copy.copy(table.stream_shard)
        shard.items = list(table.stream_shard.items)
        shard.table = clone
        clone.stream_shard = shard
    return clone


def _deepcopy(value: Any, memo: Any = None) -> Any:
    from moto.dynamodb.models.table import Table

    backups = getattr(_state, "backups", None)
    if backups is None or not isinstance(value, Table):
        return copy.deepcopy(value, memo)
    if value.name not in backups:
        backups[value.name] = _backup(value, _state.keys.get(value.name, []))
    return backups[value.name]


@contextmanager
def cheap_transaction_backups() -> Iterator[None]:
    import moto.dynamodb.models as models

    original_copy, original_transact = models.copy, models.DynamoDBBackend.transact_write_items

    @functools.wraps(original_transact)
    def transact_write_items(self, transact_items, *args, **kwargs):
        _state.keys, _state.backups = _keys_by_table(self, transact_items), {}
        try:
            return original_transact(self, transact_items, *args, **kwargs)
        finally:
            _state.keys = _state.backups = None

    models.copy = types.SimpleNamespace(deepcopy=_deepcopy, copy=copy.copy)
    models.DynamoDBBackend.transact_write_items = transact_write_items
    try:
        yield
    finally:
        models.copy = original_copy
        models.DynamoDBBackend.transact_write_items = original_transact


@contextmanager
def streams_paused(*tables: str) -> Iterator[None]:
    """Write without stream records for a while (moto only): for tests that write hundreds of
    reports nobody needs forwarded, so that stream readers started later by other tests (from the
    stream's start) do not have to wade through them."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings

    settings = get_settings()
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
    names = [settings.table(t) for t in tables]
    shards = {name: backend.tables[name].stream_shard for name in names}
    for name in names:
        backend.tables[name].stream_shard = None
    try:
        yield
    finally:
        for name, shard in shards.items():
            table = backend.tables[name]  # a rolled-back transaction may have put another object here
            table.stream_shard = shard
            if shard is not None:
                shard.table = table


_partition = threading.local()


_writes = [0]  # DynamoDB writes so far (while ``partition_queries`` is on): a change invalidates the index maps
_writes_lock = threading.Lock()
_WRITE_METHODS = ("put_item", "update_item", "delete_item", "transact_write_items")


def _index_partition(table: Any, name: str, wanted: Any) -> list[Any]:
    """The items whose attribute ``name`` is ``wanted``: from a map of the table's items by that
    attribute, built once and kept until the next write anywhere (or until the table object changes:
    a rollback or the tests' isolation puts another one in its place)."""
    cache = table.__dict__.setdefault("_partition_maps", {})
    writes = _writes[0]  # read first: a write during the build makes the next Query build again
    kept = cache.get(name)
    if kept is None or kept[0] != writes:
        by_value: dict[tuple[str, Any], list[Any]] = defaultdict(list)
        stored = ([item for part in list(table.items.values()) for item in list(part.values())]
                  if table.range_key_attr else list(table.items.values()))
        for item in stored:
            value = item.attrs.get(name)
            if value is not None and isinstance(value.value, str):
                by_value[(value.type, value.value)].append(item)
        kept = cache[name] = (writes, by_value)
    return list(kept[1].get((wanted.type, wanted.value), ()))


@contextmanager
def partition_queries() -> Iterator[None]:
    """Make moto answer a Query from the asked partition alone, as DynamoDB does.

    moto answers every Query by listing and sorting *every* item of the table and then keeping those
    of the asked hash key: a Query costs O(table), where DynamoDB reads one partition. With 200,000
    counter items each Query takes half a second. This hands a base-table Query the asked
    partition's items only, and an index Query (one hash key condition on a string) the items whose
    index hash attribute has the asked value, from a map of the table by that attribute kept until
    the next write: the same items, in the same order after moto's own sort and filtering. Scans are
    unchanged. Only for tests and ``make bench``."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original_query, original_all_items = Table.query, Table.all_items
    original_writes = {name: getattr(DynamoDBBackend, name) for name in _WRITE_METHODS}

    def counted(original: Any) -> Any:
        @functools.wraps(original)
        def write(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _writes_lock:  # before and after: a map built meanwhile is stale either way
                _writes[0] += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                with _writes_lock:
                    _writes[0] += 1

        return write

    @functools.wraps(original_query)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        conditions = kwargs.get("hash_key_conditions") or []
        if index_name and len(conditions) == 1 and isinstance(conditions[0][1].value, str):
            _partition.key = (self, conditions[0])  # (attribute name, DynamoType value)
        elif not index_name and self.range_key_attr and hash_key is not None:
            _partition.key = (self, hash_key)
        else:
            return original_query(self, hash_key, *args, **kwargs)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _partition.key = None

    @functools.wraps(original_all_items)
    def all_items(self: Any) -> list[Any]:
        key = getattr(_partition, "key", None)
        if key is None or key[0] is not self:
            return original_all_items(self)
        if not isinstance(key[1], tuple):
            return list(self.items.get(key[1], {}).values())
        name, wanted = key[1]
        return _index_partition(self, name, wanted)

    Table.query, Table.all_items = query, all_items
    for name, original in original_writes.items():
        setattr(DynamoDBBackend, name, counted(original))
    try:
        yield
    finally:
        Table.query, Table.all_items = original_query, original_all_items
        for name, original in original_writes.items():
            setattr(DynamoDBBackend, name, original)
