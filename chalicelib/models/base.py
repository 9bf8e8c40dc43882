"""What every model shares: the table name from the settings, on-demand billing, and botocore
sessions that share one data loader (``adapters/aws.py``).

PynamoDB makes a botocore session per table connection and thread through the ``get_session`` its
connection module imported; pointing that name at :func:`chalicelib.adapters.aws.session` is the
one seam it offers (checked by ``tests/unit/test_canaries.py``). Without it every table a cold
request touches reads the DynamoDB service model from disk again.
"""

from __future__ import annotations

import pynamodb.connection.base
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.adapters import aws
from chalicelib.config import get_settings

pynamodb.connection.base.get_session = aws.session  # type: ignore[attr-defined]


def meta(table: str, **extra: object) -> type:
    settings = get_settings()
    attrs = {"table_name": settings.table(table), "region": settings.region,
             "billing_mode": "PAY_PER_REQUEST", "max_retry_attempts": 3,
             # as many kept connections as parallel Queries (services/participation: 16), so none is
             # opened and thrown away per call (botocore keeps 10)
             "max_pool_connections": 16, **extra}
    return type("Meta", (), attrs)


def gsi_meta(name: str) -> type:
    return type("Meta", (), {"index_name": name, "projection": AllProjection(),
                             "billing_mode": "PAY_PER_REQUEST"})


__all__ = ["GlobalSecondaryIndex", "gsi_meta", "meta"]
