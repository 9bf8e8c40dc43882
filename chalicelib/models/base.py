"""What every model shares: the table name from the settings, on-demand billing."""

from __future__ import annotations

from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.config import get_settings


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
