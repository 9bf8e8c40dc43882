"""What the reporter does with their token (SPEC §4, §7): reply, accept or reopen."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import characters, notices, views
from chalicelib.domain import complaint as lifecycle
from chalicelib.errors import Unauthorized
from chalicelib.observability import count, logger
from chalicelib.services import limits, reports, store

RATING = lifecycle.RATING


def _load_as_reporter(tracking_id: str, token: str | None):
    if not token:
        raise Unauthorized("send the reporter token in X-Reporter-Token")
    complaint = reports.load(tracking_id, consistent=True)
    reports.authorize_reporter(complaint, token)
    logger.append_keys(tracking_id=complaint.tracking_id)
    return complaint


def reply(tracking_id: str, token: str | None, data: dict[str, Any],
          reply_key: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Add a reply. With a ``reply_key`` (Idempotency-Key header, or the page's hidden field), the
    same reply sent again is recorded once and answered with the report as it stands."""
    from chalicelib.domain import bodies  # pydantic: loaded with the first reply, not on the cold start

    characters.check(data)
    body = bodies.reply(data, reply_key)
    message, reply_key = body.message, body.reply_key
    before = _load_as_reporter(tracking_id, token)
    now = clock.now()
    limits.hit("reply", "address", source, now)
    after, events = lifecycle.reporter_reply(before, now, message, reply_key)
    if not events:
        return views.reporter_view(before, now)
    saved = store.update(before, after, events, now, notices.for_change(before, after, events))
    logger.info("reporter replied", extra={"status": str(saved.status)})
    return views.reporter_view(saved, now)


def feedback(tracking_id: str, token: str | None, data: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.domain import bodies  # pydantic: loaded with the first feedback, not on the cold start

    characters.check(data)
    body = bodies.feedback(data)
    decision, rating, comment = body.decision, body.rating, body.comment
    before = _load_as_reporter(tracking_id, token)
    now = clock.now()
    after, events = lifecycle.reporter_feedback(before, now, store.limits(), decision, rating, comment.strip())
    saved = store.update(before, after, events, now, notices.for_change(before, after, events))
    count("ComplaintReopened" if decision == "reopen" else "ComplaintAccepted")
    logger.info("reporter feedback", extra={"decision": decision, "status": str(saved.status)})
    return views.reporter_view(saved, now)
