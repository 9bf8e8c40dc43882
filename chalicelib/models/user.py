"""Staff accounts as the app lists them (SPEC §10). Cognito holds the credentials, the group (role)
and ``custom:agency_id``; this table mirrors who the account is so that an agency's accounts are one
Query (Cognito's ListUsers cannot filter on a custom attribute) and a timeline can name them."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, gsi_meta, meta


class UserAgencyIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("agency-index")
    agency_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class UserModel(Model):
    Meta = meta("users")

    user_id = UnicodeAttribute(hash_key=True)  # Cognito's ``sub``
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    agency_path = ListAttribute(of=UnicodeAttribute, null=True)
    enabled = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)

    agency_index = UserAgencyIndex()
