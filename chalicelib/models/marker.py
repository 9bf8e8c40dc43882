"""A marker in the idempotency table (key ``id``, TTL ``expiration``; models/tables.py): "this
request was done already". A support (SPEC §12) writes one per Idempotency-Key in the same
transaction as the report, so a resent support counts once. Not in ``ALL_MODELS``: the table is
Powertools' idempotency store, created with it."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class MarkerModel(Model):
    Meta = meta("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute()
