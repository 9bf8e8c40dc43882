"""One delivery of one notification over one channel (agency e-mail, webhook, reporter e-mail).

Written in the same transaction as the change that causes it; delivered by the notifier. The sparse
``retry-index`` holds only deliveries that are still to be (re)tried, keyed on when.
"""

from __future__ import annotations

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
    channel = UnicodeAttribute()  # email | webhook
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
