"""Participation markers (SPEC §14): when an agency's people last acted, signed in, used a key.

One table, keyed by agency and marker, written with plain unconditional ``UpdateItem`` calls *after*
the change they record, never inside a report's transaction, so that twenty officers of one agency
acting at once never conflict with each other or with the report writes:

- ``day#<YYYY-MM-DD>`` (the day in WIB): ``last_action_at`` (SET) and ``actions`` (ADD) for every
  staff action taken by the agency's people that day;
- ``latest``: ``last_action_day`` (set by the first action of each day only), ``last_sign_in_at``
  and ``last_key_use_at`` (a key is recorded at most once a day). One ``BatchGetItem`` reads it
  for 100 agencies.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class ParticipationModel(Model):
    Meta = meta("participation")

    agency_id = UnicodeAttribute(hash_key=True)
    marker = UnicodeAttribute(range_key=True)  # "latest" or "day#YYYY-MM-DD"
    last_action_at = UnicodeAttribute(null=True)
    actions = NumberAttribute(null=True)
    last_action_day = UnicodeAttribute(null=True)
    last_sign_in_at = UnicodeAttribute(null=True)
    sign_ins = NumberAttribute(null=True)
    last_key_use_at = UnicodeAttribute(null=True)
