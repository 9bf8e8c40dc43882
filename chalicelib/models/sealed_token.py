"""A reporter token waiting for its address to be confirmed (SPEC §11, §13; docs/messages.md).

Keyed by the digest of the address (as ``AddressModel``) and the report: the confirmation of one
address finds every token waiting for it with one Query. ``sealed`` is the token encrypted with the
deployment's KMS key, bound to this address and this report (the encryption context); the item
expires by TTL when the address is never confirmed, and readers treat it as gone from that moment.
"""

from __future__ import annotations

from pynamodb.attributes import BinaryAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class SealedTokenModel(Model):
    Meta = meta("sealed_tokens")

    address_key = UnicodeAttribute(hash_key=True)
    tracking_id = UnicodeAttribute(range_key=True)
    sealed = BinaryAttribute(legacy_encoding=False)
    expires_at = TTLAttribute()
