"""Staff API keys, stored only as a SHA-256 hash of the key."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, gsi_meta, meta


class KeyIdIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("key-id-index")
    key_id = UnicodeAttribute(hash_key=True)


class KeyAgencyIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("agency-index")
    agency_id = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute(range_key=True)


class ApiKeyModel(Model):
    Meta = meta("api_keys")

    key_hash = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute()  # public handle, for listing and revoking
    role = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    # The agency and its ancestors (national first), so a request's scope needs no other read.
    agency_path = ListAttribute(of=UnicodeAttribute, null=True)
    label = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)
    last_used_on = UnicodeAttribute(null=True)  # the WIB day of its last use, written once a day

    key_id_index = KeyIdIndex()
    agency_index = KeyAgencyIndex()
