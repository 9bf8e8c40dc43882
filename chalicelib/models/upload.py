"""Which report an upload belongs to (SPEC §11: an upload belongs to one report). Written with the
report, put-if-absent, in the filing's own transaction: a second report naming it fails there."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class UploadModel(Model):
    Meta = meta("uploads")

    upload_id = UnicodeAttribute(hash_key=True)
    tracking_id = UnicodeAttribute()
    attached_at = UnicodeAttribute()
