"""The agency directory (SPEC §2) and routing rules (category × region → agency)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, gsi_meta, meta


class LevelIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("level-index")
    level = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(range_key=True)


class ProvinceIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("province-index")
    province_code = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(range_key=True)


class RegencyIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("regency-index")
    regency_code = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(range_key=True)


class ParentIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("parent-index")
    parent_id = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(range_key=True)


class DigestIndex(GlobalSecondaryIndex):
    """Sparse: only agencies that chose the daily digest, by their time zone (SPEC §13)."""

    Meta = gsi_meta("digest-index")
    digest_zone = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(range_key=True)


class AgencyModel(Model):
    Meta = meta("agencies")

    agency_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    level = UnicodeAttribute()  # national | ministry | province | regency | unit
    parent_id = UnicodeAttribute(null=True)
    # The agency's ancestors and itself, national first.
    path = ListAttribute(of=UnicodeAttribute)
    province_code = UnicodeAttribute(null=True)
    regency_code = UnicodeAttribute(null=True)
    emails = ListAttribute(of=UnicodeAttribute, null=True)
    webhook_url = UnicodeAttribute(null=True)
    webhook_secret = UnicodeAttribute(null=True)
    # After a rotation the old secret also signs until this time, so receivers can switch over.
    webhook_previous_secret = UnicodeAttribute(null=True)
    webhook_previous_until = UnicodeAttribute(null=True)
    # immediate (one e-mail per event; the default) | daily (one digest at 07:00 local time)
    notify = UnicodeAttribute(null=True)
    digest_zone = UnicodeAttribute(null=True)  # set only when notify is daily: the digest-index key
    updated_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)

    level_index = LevelIndex()
    province_index = ProvinceIndex()
    regency_index = RegencyIndex()
    parent_index = ParentIndex()
    digest_index = DigestIndex()


class RoutingRuleModel(Model):
    """``region_code`` is a regency code (``73.71``) or a province code (``73``)."""

    Meta = meta("routing_rules")

    region_code = UnicodeAttribute(hash_key=True)
    category = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
