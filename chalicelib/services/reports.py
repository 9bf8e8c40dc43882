"""Reading a report: the public view, the reporter's view (with the token), the timeline."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import identifiers, views
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.names import Audience
from chalicelib.errors import Forbidden, NotFound, Problem
from chalicelib.observability import logger
from chalicelib.services import attachments, store

TRACKING_ID_LENGTH = 13


def checked_id(tracking_id: str) -> str:
    """The tracking id as stored (upper case); one that cannot exist is 404 without a read."""
    tracking_id = identifiers.normalize_tracking_id(tracking_id)
    if len(tracking_id) != TRACKING_ID_LENGTH or not tracking_id.startswith("LPR-"):
        raise NotFound(Problem("no_report", f"no report with tracking id {tracking_id}", tracking_id=tracking_id))
    logger.append_keys(tracking_id=tracking_id)
    return tracking_id


def load(tracking_id: str, consistent: bool = False) -> Complaint:
    return store.get(checked_id(tracking_id), consistent=consistent)


def authorize_reporter(complaint: Complaint, token: str | None) -> bool:
    """True with the right token, False without one; a wrong token is 403."""
    if token is None:
        return False
    if not identifiers.reporter_token_matches(token, complaint.reporter_token_hash):
        raise Forbidden("the reporter token does not match this report")
    return True


def view(tracking_id: str, token: str | None = None) -> dict[str, Any]:
    complaint = load(tracking_id)
    now = clock.now()
    if authorize_reporter(complaint, token):
        return attachments.with_links(views.reporter_view(complaint, now), complaint, Audience.REPORTER)
    return attachments.with_links(views.public_view(complaint, now), complaint, Audience.PUBLIC)


def timeline(tracking_id: str, token: str | None = None, details: bool = False) -> dict[str, Any]:
    complaint = load(tracking_id)
    audience = Audience.REPORTER if authorize_reporter(complaint, token) else Audience.PUBLIC
    events = store.timeline(complaint.tracking_id)
    return {"tracking_id": complaint.tracking_id,
            "events": views.timeline_view(events, audience, complaint.confidential, details)}

