"""Statistics counters, maintained in the same transaction as the change they count.

One item per scope (``national``, ``province:73``, ``regency:73.71``, ``agency:<id>``) and bucket
(``<local submission day>#<shard>``): a few shards per day keep concurrent transactions from
colliding on one hot item; a date range is one Query per scope. Counter names are fixed (see
``domain/stats.py``), so each is a top-level number that DynamoDB can ``ADD`` to.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.domain.stats import COUNTERS
from chalicelib.models.base import meta

_attrs: dict[str, object] = {
    "Meta": meta("stats"),
    "scope": UnicodeAttribute(hash_key=True),
    "bucket": UnicodeAttribute(range_key=True),
}
_attrs.update({name: NumberAttribute(null=True) for name in COUNTERS})

StatModel: type[Model] = type("StatModel", (Model,), _attrs)
