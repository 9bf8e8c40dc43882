"""Create the tables from the models (local stack and tests; a deployment uses CloudFormation)."""

from __future__ import annotations

from chalicelib.adapters import aws
from chalicelib.config import get_settings
from chalicelib.models import ALL_MODELS


def create_idempotency_table() -> None:
    """Powertools' idempotency store: key ``id``, expiry in ``expiration`` (TTL)."""
    settings = get_settings()
    client = aws.session().create_client("dynamodb", region_name=settings.region)
    name = settings.table("idempotency")
    existing = client.list_tables()["TableNames"]
    if name in existing:
        return
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    client.get_waiter("table_exists").wait(TableName=name)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expiration"})


def create_all() -> None:
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    create_idempotency_table()
