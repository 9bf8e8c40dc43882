"""What the reporter does with their token (SPEC §4, §7): reply, accept or reopen."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import characters, notices, views
from chalicelib.domain import complaint as lifecycle
from chalicelib.errors import Problem, Unauthorized, ValidationFailed
from chalicelib.observability import count, logger
from chalicelib.services import limits, reports, store

RATING = Problem("rating", "must be a whole number from 1 to 5")


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
    characters.check(data)
    message = data.get("message", data.get("note"))
    if not isinstance(message, str):
        raise ValidationFailed("a message is required", fields={"message": Problem("required", "required")})
    reply_key = reply_key or data.get("reply_key")
    if reply_key is not None and (not isinstance(reply_key, str) or not 8 <= len(reply_key) <= 128):
        raise ValidationFailed("bad reply key", fields={"reply_key": "8–128 characters"})
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
    characters.check(data)
    decision = data.get("decision")
    rating = data.get("rating")
    comment = data.get("comment") or ""
    fields: dict[str, str] = {}
    if decision not in ("accept", "reopen"):
        fields["decision"] = Problem("decision", "must be accept or reopen")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        fields["rating"] = RATING
    if not isinstance(comment, str) or len(comment) > 2000:
        fields["comment"] = Problem("max_length", "must be text of at most 2000 characters", max=2000)
    if decision == "reopen" and isinstance(comment, str) and not comment.strip():
        fields["comment"] = Problem("reason_required", "a reason is required to reopen")
    if fields:
        raise ValidationFailed("some fields are not valid", fields=fields)
    before = _load_as_reporter(tracking_id, token)
    now = clock.now()
    after, events = lifecycle.reporter_feedback(before, now, store.limits(), decision, rating, comment.strip())
    saved = store.update(before, after, events, now, notices.for_change(before, after, events))
    count("ComplaintReopened" if decision == "reopen" else "ComplaintAccepted")
    logger.info("reporter feedback", extra={"decision": decision, "status": str(saved.status)})
    return views.reporter_view(saved, now)
