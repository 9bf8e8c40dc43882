"""A reporter's e-mail address and whether it may be mailed (SPEC §11): ``pending`` (asked to
confirm, holding the single-use token's hash), ``confirmed``, or ``suppressed`` (it bounced or
complained, SES events: never mailed again). Keyed by a digest of the address, not the address."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class AddressModel(Model):
    Meta = meta("addresses")

    address_key = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # pending | confirmed | suppressed
    token_hash = UnicodeAttribute(null=True)
    asked_at = UnicodeAttribute(null=True)
    confirmed_at = UnicodeAttribute(null=True)
    suppressed_at = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # bounce | complaint
