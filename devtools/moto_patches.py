"""Make moto's DynamoDB behave like DynamoDB under concurrent writers.

moto checks a condition and then writes as two steps, and rolls a failed transaction back by
putting back a deep copy of whole tables taken when it began. With several requests at once (the
threaded moto server) that loses or resurrects other requests' writes, which real DynamoDB never
does. One lock around every writing operation restores DynamoDB's guarantee that a conditional
write or a transaction is atomic. The local stack and the tests both apply it.
"""

from __future__ import annotations

import functools
import threading

_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


def make_dynamodb_writes_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_atomic", False):
            continue

        @functools.wraps(original)
        def locked(self, *args, _original=original, **kwargs):
            with _LOCK:
                return _original(self, *args, **kwargs)

        locked._atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)


def dynamodb_lock() -> threading.RLock:
    """The lock every writing operation holds: hold it to read or replace tables in one piece."""
    return _LOCK
