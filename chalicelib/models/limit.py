"""Abuse limits (SPEC §11): one item per subject and day, holding that day's counter and one
counter per hour (``d``, ``h00``…``h23``), so both windows are checked by one conditional
UpdateItem. The subject is hashed (an address or an e-mail is personal data); the item expires by
TTL two days after its day.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class LimitModel(Model):
    Meta = meta("limits")

    window_key = UnicodeAttribute(hash_key=True)  # <action>#<kind>#<hashed subject>#<YYYY-MM-DD>
    day = NumberAttribute(null=True, attr_name="d")  # the hour counters (h00…h23) are written by expression
    expires_at = TTLAttribute()
