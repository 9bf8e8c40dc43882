"""Counting requests against the abuse limits (SPEC §11), in DynamoDB.

``hit`` moves one subject's counters with one conditional UpdateItem and raises 429
``rate_limited`` (with ``Retry-After``) when a window is full; nothing is counted then.
``in_transaction`` adds the same kind of counter to a report's filing transaction, so the reporter
limit costs no extra round trip (filing stays within 3 DynamoDB calls, 4 with an Idempotency-Key).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.exceptions
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.domain import limits
from chalicelib.errors import RateLimited, transient_code, unavailable
from chalicelib.models import LimitModel
from chalicelib.observability import count, logger
from chalicelib.services import store

MESSAGE = "too many requests from you for now; please try again later"


def rule(action: str, kind: str) -> limits.Rule:
    return limits.rules(get_settings())[(action, kind)]


def refused(found: limits.Rule, counts: dict[str, int], now: datetime) -> RateLimited:
    logger.warning("rate limited", extra={"action": found.action, "kind": found.kind})
    count("RateLimited", action=found.action, kind=found.kind)
    return RateLimited(MESSAGE, headers={"Retry-After": str(limits.retry_after(found, counts, now))})


def hit(action: str, kind: str, subject: str | None, now: datetime) -> None:
    """Count one request of ``subject`` (no subject: nothing to count), or refuse it."""
    found = rule(action, kind)
    if not subject or (found.per_hour is None and found.per_day is None):
        return
    hour = limits.hour_counter(now)
    names = {"#h": hour, "#d": "d", "#x": "expires_at"}
    values: dict[str, Any] = {":one": {"N": "1"}, ":x": {"N": str(limits.expires_at(now))}}
    conditions = []
    if found.per_hour is not None:
        values[":hmax"] = {"N": str(found.per_hour)}
        conditions.append("(attribute_not_exists(#h) OR #h < :hmax)")
    if found.per_day is not None:
        values[":dmax"] = {"N": str(found.per_day)}
        conditions.append("(attribute_not_exists(#d) OR #d < :dmax)")
    try:
        store.connection().client.update_item(
            TableName=LimitModel.Meta.table_name,
            Key={"window_key": {"S": limits.window_key(found, subject, now)}},
            UpdateExpression="ADD #h :one, #d :one SET #x = :x",
            ConditionExpression=" AND ".join(conditions),
            ExpressionAttributeNames=names, ExpressionAttributeValues=values,
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            item = error.response.get("Item") or {}
            counts = {name: int(value["N"]) for name, value in item.items() if "N" in value}
            raise refused(found, {"d": counts.get("d", 0)}, now) from None
        if transient_code(error):
            raise unavailable() from None
        raise


def in_transaction(tx: TransactWrite, action: str, kind: str, subject: str, now: datetime) -> bool:
    """Add a day counter for ``subject`` to a transaction; False when this rule has no day limit.
    A full window makes the transaction fail on this item (then raise ``refusal``'s error)."""
    found = rule(action, kind)
    if found.per_day is None:
        return False
    item = LimitModel(limits.window_key(found, subject, now))
    expiry = datetime.fromtimestamp(limits.expires_at(now), UTC)
    tx.update(item, actions=[LimitModel.day.add(1), LimitModel.expires_at.set(expiry)],
              condition=LimitModel.day.does_not_exist() | (LimitModel.day < found.per_day))
    return True


def refusal(action: str, kind: str, now: datetime) -> RateLimited:
    found = rule(action, kind)
    return refused(found, {"d": found.per_day or 0}, now)
