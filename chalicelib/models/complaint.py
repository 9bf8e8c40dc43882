"""Reports and their timelines.

Indexes on the complaints table (all projected in full, so a page is one Query):
- ``agency-index``: the agency that holds the report (an officer's inbox, a coordinator's queue);
- ``scope1-index`` … ``scope3-index``: the ancestor at depth 1..3 of the holding agency, so a
  coordinator's inbox (their agency and everything below) is one Query; ``scope0`` is national;
- ``due-index``: sparse, only open reports with a next reminder/escalation/auto-close time, keyed
  on that time, so the sweep reads only what is due;
- ``open-index``: sparse, only open reports, by the agency that holds them: an agency's daily
  digest (SPEC §13) reads that agency's open reports and nothing else;
- ``nearby-index``: sparse, only reports a citizen may find near them (with a point, not
  confidential, still being handled; SPEC §12), keyed on ``<geohash of 5>#<category>`` and the
  submission time, so "this category near here in the last 60 days" is one Query per cell.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, gsi_meta, meta


def _scope_index(depth: int) -> type[GlobalSecondaryIndex]:
    attrs = {
        "Meta": gsi_meta(f"scope{depth}-index"),
        f"scope{depth}": UnicodeAttribute(hash_key=True),
        "submitted_key": UnicodeAttribute(range_key=True),
    }
    return type(f"Scope{depth}Index", (GlobalSecondaryIndex,), attrs)


class AgencyIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("agency-index")
    agency_id = UnicodeAttribute(hash_key=True)
    submitted_key = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("due-index")
    due_pk = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class OpenIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("open-index")
    open_agency = UnicodeAttribute(hash_key=True)
    submitted_key = UnicodeAttribute(range_key=True)


class NearbyIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("nearby-index")
    near_pk = UnicodeAttribute(hash_key=True)
    submitted_key = UnicodeAttribute(range_key=True)


class ComplaintModel(Model):
    Meta = meta("complaints", stream_view_type="NEW_AND_OLD_IMAGES")

    tracking_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    category = UnicodeAttribute()
    province_code = UnicodeAttribute()
    regency_code = UnicodeAttribute()
    reporter_token_hash = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    # UTC ISO time + tracking id: sorts newest-first on every index and never collides.
    submitted_key = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    status = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    agency_name = UnicodeAttribute(null=True)
    agency_path = ListAttribute(of=UnicodeAttribute)
    scope0 = UnicodeAttribute(null=True)
    scope1 = UnicodeAttribute(null=True)
    scope2 = UnicodeAttribute(null=True)
    scope3 = UnicodeAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    open_agency = UnicodeAttribute(null=True)
    near_pk = UnicodeAttribute(null=True)
    version = NumberAttribute()
    # Everything else of the domain record, as one JSON document (see models/mapping.py).
    body = JSONAttribute()
    overdue = BooleanAttribute(default=False)

    agency_index = AgencyIndex()
    scope0_index = _scope_index(0)()
    scope1_index = _scope_index(1)()
    scope2_index = _scope_index(2)()
    scope3_index = _scope_index(3)()
    due_index = DueIndex()
    open_index = OpenIndex()
    nearby_index = NearbyIndex()


SCOPE_INDEXES = (ComplaintModel.scope0_index, ComplaintModel.scope1_index,
                 ComplaintModel.scope2_index, ComplaintModel.scope3_index)


class EventModel(Model):
    """One timeline line; the key is ``<UTC time>#<seq>`` so a Query returns them in order."""

    Meta = meta("events")

    tracking_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    type = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    actor_agency_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    agency_id = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    audience = UnicodeAttribute()
    data = JSONAttribute(null=True)
    acted_by = JSONAttribute(null=True)  # the account or API key behind a staff action
