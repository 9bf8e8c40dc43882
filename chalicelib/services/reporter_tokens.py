"""The tracking number and reporter token by e-mail, after confirmation (SPEC §11, §13).

A reporter who ticks "send me the tracking number and token by e-mail" gets, once the address they
gave is confirmed, one e-mail with the tracking number, the token (grouped as they saw it) and an
absolute link to the tracking page. The token is never stored in plain text and never sent to an
address nobody has confirmed:

1. Filing seals the token with the deployment's KMS key (``adapters/sealing.py``), bound by the
   encryption context to this report and this address, and writes it (``SealedTokenModel``, TTL
   ``SEALED_TOKEN_DAYS``) with a ``token_by_email`` notice, in the filing's own transaction.
2. The notifier delivers that notice: an address never asked is asked to confirm (in the filing's
   language); a confirmed one gets the token queued at once; a pending one waits for step 3.
3. Confirming the address (only the one request whose conditional write wins) queues every token
   still waiting for it.
4. Queuing puts one notification row per report under a fixed id (``reporter-token``), written
   only if absent: however often the link is clicked, or steps 2 and 3 race, there is one row. Its
   delivery opens the token, sends it and deletes the sealed item; a retry finds nothing to send.

A token whose address is never confirmed expires: DynamoDB's TTL deletes the item, and every read
treats it as gone from ``expires_at`` on (the TTL sweep may run days later).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters import email, sealing
from chalicelib.config import get_settings
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.escalation import Notice, report_facts
from chalicelib.domain.names import Delivery
from chalicelib.models import NotificationModel, SealedTokenModel
from chalicelib.models.mapping import iso, utc_key
from chalicelib.observability import count

ASK = "token_by_email"  # the filing's notice: confirm the address (or queue the token if it is)
SEND = "reporter_token"  # the one message that carries the token
SEND_ID = "reporter-token"
MAX_WAITING = 50  # tokens one confirmation releases (filings per reporter e-mail are limited to a few a day)


def _context(tracking_id: str, key: str) -> dict[str, str]:
    return {"purpose": "reporter-token-mail", "tracking_id": tracking_id, "address": key}


def seal(tracking_id: str, key: str, token: str, now: datetime) -> SealedTokenModel:
    """The sealed token to write with the report (``key``: the address's digest)."""
    return SealedTokenModel(key, tracking_id, sealed=sealing.seal(token, _context(tracking_id, key)),
                            expires_at=now + timedelta(days=get_settings().sealed_token_days))


def filing_notice(c: Complaint) -> Notice:
    return Notice("reporter", ASK, facts={"report": report_facts(c)})


def _live(row: SealedTokenModel, now: datetime) -> bool:
    return row.expires_at > now


def waiting(key: str, tracking_id: str, now: datetime) -> bool:
    try:
        return _live(SealedTokenModel.get(key, tracking_id, consistent_read=True), now)
    except DoesNotExist:
        return False


def queue(tracking_id: str, now: datetime) -> bool:
    """The one notification that will send this report's token; False when it is already there."""
    row = NotificationModel(tracking_id, SEND_ID, channel="pending", recipient="reporter", kind=SEND,
                            state=Delivery.PENDING, attempts=0, created_at=iso(now), retry_pk="retry",
                            next_attempt_at=utc_key(now + timedelta(minutes=2)), payload={})
    try:
        row.save(condition=NotificationModel.tracking_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(key: str, now: datetime) -> int:
    """The address ``key`` was just confirmed: queue every token still waiting for it."""
    queued = 0
    for row in SealedTokenModel.query(key, consistent_read=True, limit=MAX_WAITING):
        if _live(row, now) and queue(row.tracking_id, now):
            queued += 1
    return queued


def send(address: str, key: str, c: Complaint, now: datetime) -> bool:
    """Open this report's sealed token, mail it to the confirmed ``address`` and delete it. False
    (nothing sent) when there is none: already sent, expired, or never asked for."""
    try:
        row = SealedTokenModel.get(key, c.tracking_id, consistent_read=True)
    except DoesNotExist:
        return False
    if not _live(row, now):
        row.delete()
        count("ReporterTokenExpired")
        return False
    from chalicelib.services import messages  # the templates: the notifier's, not a filing's

    token = sealing.unseal(row.sealed, _context(c.tracking_id, key))
    message = messages.compose_reporter_token({"report": {"tracking_id": c.tracking_id, "lang": c.lang},
                                               "token": token})
    email.send([address], message.subject, message.text, tracking_id=c.tracking_id, recipient="reporter",
               html=message.html)
    row.delete()
    count("ReporterTokenMailed")
    return True
