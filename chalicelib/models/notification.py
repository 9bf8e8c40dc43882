"""One notification to deliver: to an agency (its e-mail addresses and webhook) or to the reporter
(e-mail); services/notify.py records which channels succeeded in ``payload["delivered"]``.

Written in the same transaction as the change that causes it; delivered by the notifier. The sparse
``retry-index`` holds only deliveries that are still to be (re)tried, keyed on when.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, gsi_meta, meta


class RetryIndex(GlobalSecondaryIndex):
    Meta = gsi_meta("retry-index")
    retry_pk = UnicodeAttribute(hash_key=True)
    next_attempt_at = UnicodeAttribute(range_key=True)


class NotificationModel(Model):
    Meta = meta("notifications", stream_view_type="NEW_IMAGE")

    tracking_id = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)
    recipient = UnicodeAttribute()  # agency:<id> | reporter
    kind = UnicodeAttribute()
    state = UnicodeAttribute()  # pending | delivered | dead_lettered
    attempts = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    retry_pk = UnicodeAttribute(null=True)
    next_attempt_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    payload = JSONAttribute()

    retry_index = RetryIndex()

    def __init__(self, hash_key: Any = None, range_key: Any = None, _user_instantiated: bool = True,
                 channel: str | None = None, **attributes: Any) -> None:
        """``channel`` was written ("pending") and never read; it is no longer stored. Accepted and
        dropped until its last writers stop passing it (services/nudges.py, services/reporter_tokens.py).
        Items written before keep the attribute; reading ignores it."""
        super().__init__(hash_key, range_key, _user_instantiated, **attributes)
