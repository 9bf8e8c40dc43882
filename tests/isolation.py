"""Every test module starts from the same freshly seeded world.

The moto server runs inside the test process (``ThreadedMotoServer``), so its DynamoDB tables are
Python objects here. After the tables are created and seeded once per session, ``snapshot`` keeps a
deep copy of them; ``restore`` puts a fresh copy of that back before each module. A module
therefore never sees what another wrote: its speed and results do not depend on what ran before
(before this, a reporter test took 86 s after the sweep tests' bulk writes, 1.8 s alone), and any
file passes alone or in any order.

What the tests also share is reset with it: the Cognito user pools (accounts, groups) come back as
they were seeded, the attachments bucket loses every object written since, the dead-letter queue is
emptied and the dev outbox file truncated. Copying a seeded table is a few milliseconds for the
reference data; re-seeding over HTTP would be seconds. This leans on moto's backend objects
(``dynamodb_backends``, ``Table.items``, ``sqs_backends``, ``cognitoidp_backends``, ``s3_backends``):
tests/unit/test_canaries.py pins them.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import STATE_DIR


def _dynamodb() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region]


def _ours(name: str) -> bool:
    from chalicelib.config import get_settings

    return name.startswith(get_settings().table_prefix)


def snapshot() -> dict[str, Any]:
    """A deep copy of every table of ours as it is now, of the user pools, and the stored objects' names."""
    from devtools.moto_patches import dynamodb_lock

    backend = _dynamodb()
    with dynamodb_lock():
        tables = {name: copy.deepcopy(table) for name, table in backend.tables.items() if _ours(name)}
    return {"tables": tables, "user_pools": copy.deepcopy(_cognito().user_pools), "objects": _objects()}


def restore(world: dict[str, Any]) -> None:
    """Everything as in ``world`` (a ``snapshot``): tables created since are dropped, accounts created
    since are gone, objects stored since are deleted."""
    from devtools.moto_patches import dynamodb_lock

    backend = _dynamodb()
    with dynamodb_lock():
        for name in [name for name in backend.tables if _ours(name) and name not in world["tables"]]:
            del backend.tables[name]
        for name, table in world["tables"].items():
            backend.tables[name] = copy.deepcopy(table)
    pools = _cognito().user_pools
    pools.clear()
    pools.update(copy.deepcopy(world["user_pools"]))
    s3 = _s3()
    for bucket, key in _objects() - world["objects"]:
        s3.delete_object(bucket, key)
    _empty_dead_letters()
    outbox = STATE_DIR / "outbox.jsonl"
    if outbox.exists():
        outbox.write_text("")


def _cognito() -> Any:
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    from chalicelib.config import get_settings

    return cognitoidp_backends[DEFAULT_ACCOUNT_ID][get_settings().region]


def _s3() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def _objects() -> set[tuple[str, str]]:
    from chalicelib.config import get_settings

    bucket = _s3().buckets.get(get_settings().attachments_bucket)
    return {(bucket.name, key) for key in list(bucket.keys.keys())} if bucket is not None else set()


def _empty_dead_letters() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sqs.models import sqs_backends

    from chalicelib.config import get_settings

    settings = get_settings()
    backend = sqs_backends[DEFAULT_ACCOUNT_ID][settings.region]
    queue = backend.queues.get(settings.notifications_dlq)
    if queue is not None:
        queue.last_purged_at = None  # moto allows one purge a minute, as SQS does
        backend.purge_queue(settings.notifications_dlq)
