"""Between the domain's records and the storage shape."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.complaint import Complaint, Event
from chalicelib.domain.places import geohash
from chalicelib.models.complaint import ComplaintModel, EventModel

_DATETIME_FIELDS = ("submitted_at", "updated_at", "first_forwarded_at", "first_response_at",
                    "resolved_at", "closed_at", "assigned_at")
_TUPLE_FIELDS = ("agency_path", "attachments", "escalated_to", "reminders_sent", "reply_keys")
# Stored as their own attributes (keys, index keys, filters); the rest travels in ``body``.
_TOP_LEVEL = ("tracking_id", "kind", "title", "description", "category", "province_code",
              "regency_code", "reporter_token_hash", "submitted_at", "updated_at", "status",
              "agency_id", "agency_path", "version", "overdue")
DUE_PARTITION = "due"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def utc_key(moment: datetime) -> str:
    """A sortable UTC timestamp (fixed width, microseconds) for index range keys."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def near_key(cell: str, category: str) -> str:
    return f"{cell}#{category}"


def to_model(c: Complaint, next_due: datetime | None) -> ComplaintModel:
    body: dict[str, Any] = {}
    for name in Complaint.__dataclass_fields__:
        if name in _TOP_LEVEL:
            continue
        value = getattr(c, name)
        if name in _DATETIME_FIELDS:
            value = iso(value)
        elif name in _TUPLE_FIELDS:
            value = list(value)
        elif name == "deadlines":
            value = {k: iso(v) for k, v in value.items()}
        body[name] = value
    path = list(c.agency_path)
    scopes = {f"scope{depth}": path[depth] if depth < len(path) else None for depth in range(4)}
    return ComplaintModel(
        c.tracking_id, kind=c.kind, title=c.title, description=c.description, category=c.category,
        province_code=c.province_code, regency_code=c.regency_code,
        reporter_token_hash=c.reporter_token_hash, submitted_at=iso(c.submitted_at),
        submitted_key=f"{utc_key(c.submitted_at)}#{c.tracking_id}", updated_at=iso(c.updated_at),
        status=str(c.status), agency_id=c.agency_id, agency_path=path, version=c.version,
        overdue=c.overdue, body=body,
        due_pk=DUE_PARTITION if next_due else None, due_at=utc_key(next_due) if next_due else None,
        open_agency=c.agency_id if c.is_open else None,
        near_pk=near_key(geohash(c.latitude, c.longitude), c.category) if c.listed_nearby else None,
        **scopes,
    )


def from_model(m: ComplaintModel) -> Complaint:
    body = dict(m.body or {})
    values: dict[str, Any] = {name: getattr(m, name) for name in _TOP_LEVEL}
    values["version"] = int(m.version)
    values["overdue"] = bool(m.overdue)
    for name in Complaint.__dataclass_fields__:
        if name in values or name not in body:
            continue
        values[name] = body[name]
    for name in _DATETIME_FIELDS:
        value = values.get(name)
        values[name] = parse_time(value) if isinstance(value, str) else value
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values.get(name) or ())
    values["deadlines"] = {k: parse_time(v) for k, v in (values.get("deadlines") or {}).items()}
    return Complaint(**values)


def event_to_model(tracking_id: str, event: Event, seq: int = 0) -> EventModel:
    """Events of one change share a time; ``seq`` keeps their order, the random tail keeps two
    changes at the same microsecond apart."""
    key = f"{utc_key(event.at)}#{seq:02d}{secrets.token_hex(3)}"
    return EventModel(
        tracking_id, key, at=iso(event.at), type=event.type, actor_role=event.actor_role,
        actor_agency_id=event.actor_agency_id, status=str(event.status), agency_id=event.agency_id,
        note=event.note or None, audience=event.audience, data=event.data or None,
        acted_by=event.acted_by or None,
    )


def event_from_model(m: EventModel) -> Event:
    return Event(at=datetime.fromisoformat(m.at), type=m.type, actor_role=m.actor_role,
                 status=m.status, actor_agency_id=m.actor_agency_id, agency_id=m.agency_id,
                 note=m.note or "", audience=m.audience, data=m.data or {}, acted_by=m.acted_by or None)
