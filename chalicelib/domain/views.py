"""What each audience may see of a report (SPEC §1, §3, §7).

- public: no reporter identity, no address or coordinates; title, description and attachments
  hidden when the report is confidential;
- reporter (holds the token): everything about their own report;
- staff: everything but the identity of an anonymous reporter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import STATUS_LABELS, Complaint, Event, status_label
from chalicelib.domain.names import AUDIENCE_ORDER, Audience, Role
from chalicelib.domain.reference import CATEGORIES, KINDS

_CATEGORY_LABELS = {c.code: c.label_id for c in CATEGORIES}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _deadlines(c: Complaint, now: datetime) -> dict[str, Any]:
    return {name: {"due": due.isoformat(), "met": None if now <= due else False}
            for name, due in sorted(c.deadlines.items())}


def _base(c: Complaint, now: datetime) -> dict[str, Any]:
    return {
        "tracking_id": c.tracking_id,
        "kind": c.kind,
        "kind_label": KINDS[c.kind][0],
        "category": c.category,
        "category_label": _CATEGORY_LABELS.get(c.category, c.category),
        "province_code": c.province_code,
        "regency_code": c.regency_code,
        "status": str(c.status),
        "status_label": status_label(c.status),
        "status_label_en": status_label(c.status, "en"),
        "agency_id": c.agency_id,
        "agency_name": c.agency_name,
        "submitted_at": _iso(c.submitted_at),
        "updated_at": _iso(c.updated_at),
        "deadlines": _deadlines(c, now),
        "overdue": c.overdue or any(now > due for due in c.deadlines.values()),
        "escalation_level": c.escalation_level,
        "returns": c.returns,
        "ombudsman_eligible": c.ombudsman_eligible,
        "anonymous": c.anonymous,
        "confidential": c.confidential,
        "incident_date": c.incident_date,
        "supporters": c.supporters,
        "duplicate_of": c.duplicate_of,
    }


def public_view(c: Complaint, now: datetime) -> dict[str, Any]:
    view = _base(c, now)
    view["view"] = Audience.PUBLIC
    if c.confidential:
        view["title"] = None
        view["description"] = None
    else:
        view["title"] = c.title
        view["description"] = c.description
    return view


def _content(c: Complaint) -> dict[str, Any]:
    return {
        "title": c.title,
        "description": c.description,
        "address": c.address,
        "latitude": c.latitude,
        "longitude": c.longitude,
        "target_agency_id": c.target_agency_id,
        "media_url": c.media_url,
        "attachments": list(c.attachments),
        "version": c.version,
        "reopens": c.reopens,
        "rating": c.rating,
        "lang": c.lang,
    }


def _reporter(c: Complaint) -> dict[str, Any]:
    return {"name": c.reporter_name, "email": c.reporter_email, "phone": c.reporter_phone}


def reporter_view(c: Complaint, now: datetime) -> dict[str, Any]:
    view = _base(c, now) | _content(c)
    view["view"] = Audience.REPORTER
    view["reporter"] = _reporter(c)
    return view


def staff_view(c: Complaint, now: datetime) -> dict[str, Any]:
    view = _base(c, now) | _content(c)
    view["view"] = Audience.STAFF
    view["reporter"] = None if c.anonymous else _reporter(c)
    view["agency_path"] = list(c.agency_path)
    view["escalated_to"] = list(c.escalated_to)
    return view


# What the web page may say about the system's own steps, in words instead of its stored note.
PAGE_DETAILS = ("clock", "level", "to_agency_id")


def event_view(e: Event, audience: str, confidential: bool, details: bool = False) -> dict[str, Any] | None:
    """One timeline line for ``audience`` (public | reporter | staff), or None if hidden. With
    ``details`` (the tracking page), a system step also carries its clock, level and target, so the
    page says it in words rather than showing the note the system wrote for staff."""
    if AUDIENCE_ORDER[Audience(e.audience)] > AUDIENCE_ORDER[Audience(audience)]:
        return None
    show_note = audience != Audience.PUBLIC or not confidential
    line = {
        "at": e.at.isoformat(),
        "type": e.type,
        "status": e.status,
        "status_label": status_label(e.status) if e.status in STATUS_LABELS else None,
        "actor": e.actor_role if e.actor_role in {Role.REPORTER, Role.SYSTEM} else "agency",
        "agency_id": e.agency_id,
        "note": (e.note or None) if show_note else None,
    }
    if audience == Audience.STAFF:
        line["actor_role"] = e.actor_role
        line["actor_agency_id"] = e.actor_agency_id
        line["acted_by"] = e.acted_by
        line["data"] = e.data
    elif details and e.actor_role == Role.SYSTEM:
        line["details"] = {k: e.data[k] for k in PAGE_DETAILS if k in e.data}
    return line


def timeline_view(events: list[Event], audience: str, confidential: bool,
                  details: bool = False) -> list[dict[str, Any]]:
    return [line for e in events if (line := event_view(e, audience, confidential, details)) is not None]


def inbox_item(c: Complaint, now: datetime) -> dict[str, Any]:
    """One line of a staff inbox."""
    base = _base(c, now)
    keep = ("tracking_id", "kind", "category", "category_label", "status", "status_label", "agency_id",
            "agency_name", "province_code", "regency_code", "submitted_at", "updated_at", "deadlines",
            "overdue", "escalation_level", "returns", "anonymous", "confidential", "supporters", "duplicate_of")
    return {"title": c.title, **{k: base[k] for k in keep}, "escalated_to": list(c.escalated_to)}
