"""A report (*laporan*) and its lifecycle (SPEC §3, §4): pure data and pure rules.

``apply_action`` is the state machine: it takes a report, who acts, what they do and the time, and
returns the changed report plus the timeline events to append. It never writes anything; the
service layer writes the result with a conditional write on ``version``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain import deadlines as clock
from chalicelib.errors import Forbidden, InvalidTransition, ValidationFailed

NATIONAL_AGENCY_ID = "kemenpanrb"


class Status(StrEnum):
    SUBMITTED = "submitted"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    AWAITING_REPORTER = "awaiting_reporter"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    Status.SUBMITTED: ("Belum Terverifikasi", "Not yet verified"),
    Status.FORWARDED: ("Terdisposisi", "Forwarded"),
    Status.IN_PROGRESS: ("Ditindaklanjuti", "In progress"),
    Status.AWAITING_REPORTER: ("Menunggu Tanggapan Pelapor", "Awaiting the reporter"),
    Status.RESOLVED: ("Selesai Ditindaklanjuti", "Resolved"),
    Status.CLOSED: ("Selesai", "Closed"),
    Status.REJECTED: ("Diarsipkan", "Archived"),
}

OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.FORWARDED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.RESOLVED}
)

STAFF_ACTIONS = ("forward", "reject", "return", "respond", "request_info", "resolve")


def status_label(status: str, lang: str = "id") -> str:
    id_label, en_label = STATUS_LABELS[Status(status)]
    return en_label if lang == "en" else id_label


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (role + agency), the reporter, or the system (forwarder, sweep)."""

    role: str  # national_admin | coordinator | officer | open311 | reporter | system
    agency_id: str | None = None
    agency_path: tuple[str, ...] = ()

    @property
    def is_staff(self) -> bool:
        return self.role in {"national_admin", "coordinator", "officer"}


SYSTEM = Actor("system")
REPORTER = Actor("reporter")


@dataclass(frozen=True)
class Event:
    """One line of the append-only timeline."""

    at: datetime
    type: str
    actor_role: str
    status: str
    actor_agency_id: str | None = None
    agency_id: str | None = None
    note: str = ""
    # "public": anyone may see that it happened (the note only when the report is not
    # confidential); "reporter": the reporter and staff; "staff": staff only.
    audience: str = "public"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Complaint:
    tracking_id: str
    kind: str
    title: str
    description: str
    category: str
    province_code: str
    regency_code: str
    reporter_token_hash: str
    submitted_at: datetime
    updated_at: datetime
    status: str = Status.SUBMITTED
    # The agency that holds the report now: its verification queue (submitted) or its assignee.
    agency_id: str = NATIONAL_AGENCY_ID
    # That agency and its ancestors, national first: drives scope and escalation.
    agency_path: tuple[str, ...] = (NATIONAL_AGENCY_ID,)
    agency_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    incident_date: str | None = None
    target_agency_id: str | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    attachments: tuple[str, ...] = ()
    version: int = 1
    deadlines: dict[str, datetime] = field(default_factory=dict)
    paused: dict[str, Any] = field(default_factory=dict)
    escalation_level: int = 0
    escalated_to: tuple[str, ...] = ()
    overdue: bool = False
    ombudsman_eligible: bool = False
    reminders_sent: tuple[str, ...] = ()
    # The last few keys of reporter replies, so a resent reply (a refreshed page, a retry) is
    # recorded once.
    reply_keys: tuple[str, ...] = ()
    returns: int = 0
    reopens: int = 0
    first_forwarded_at: datetime | None = None
    first_response_at: datetime | None = None
    first_response_on_time: bool | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    source: str = "web"
    # The reporter's language at filing (SPEC §13): their messages are written in it.
    lang: str = "id"

    def evolve(self, **changes: Any) -> Complaint:
        return dataclasses.replace(self, **changes)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Target:
    """An agency a report can be given to, with its ancestors (national first)."""

    agency_id: str
    path: tuple[str, ...]
    name: str | None = None


def in_scope(actor: Actor, complaint: Complaint) -> bool:
    """SPEC §1: officer = own agency; coordinator = own agency and below; national = all."""
    if actor.role == "national_admin":
        return True
    if actor.role == "coordinator":
        return actor.agency_id in complaint.agency_path
    if actor.role == "officer":
        return actor.agency_id == complaint.agency_id
    return False


VERIFIER_ACTIONS = {"forward", "reject"}


def check_permission(actor: Actor, complaint: Complaint, action: str) -> None:
    """Who may do what (SPEC §1, §4), before anything else is looked at."""
    if action not in STAFF_ACTIONS:
        raise ValidationFailed("unknown action", fields={"action": f"must be one of: {', '.join(STAFF_ACTIONS)}"})
    if not in_scope(actor, complaint):
        raise Forbidden("this report is outside your scope")
    if action in VERIFIER_ACTIONS and actor.role not in {"coordinator", "national_admin"}:
        raise Forbidden(f"only a coordinator or the national admin can {action}")


def _require_note(note: str | None, what: str) -> str:
    text = (note or "").strip()
    if not text:
        raise ValidationFailed(f"{what} is required", fields={"note": f"{what} is required"})
    if len(text) > 4000:
        raise ValidationFailed("note too long", fields={"note": "must be at most 4000 characters"})
    return text


def _transition_error(action: str, status: str) -> InvalidTransition:
    return InvalidTransition(f"cannot {action} a report that is {status}")


def apply_action(
    complaint: Complaint,
    actor: Actor,
    action: str,
    now: datetime,
    limits: clock.Limits,
    *,
    note: str | None = None,
    target: Target | None = None,
    return_queue: Target | None = None,
) -> tuple[Complaint, list[Event]]:
    """A staff action (SPEC §4). Raises Forbidden, InvalidTransition or ValidationFailed."""
    check_permission(actor, complaint, action)
    status = complaint.status
    c = complaint
    if action == "forward":
        if status not in {Status.SUBMITTED, Status.FORWARDED}:
            raise _transition_error(action, status)
        if target is None:
            raise ValidationFailed("agency_id is required", fields={"agency_id": "required for forward"})
        if target.agency_id == c.agency_id and status == Status.FORWARDED:
            raise InvalidTransition("the report is already with that agency")
        text = (note or "").strip()
        return forward(c, target, now, limits, actor=actor, note=text)
    if action == "reject":
        if status != Status.SUBMITTED:
            raise _transition_error(action, status)
        text = _require_note(note, "a reason")
        return _close(c, Status.REJECTED, "rejected", now, actor, text)
    if action == "return":
        if status not in {Status.FORWARDED, Status.IN_PROGRESS}:
            raise _transition_error(action, status)
        text = _require_note(note, "a reason")
        if return_queue is None:
            raise InvalidTransition("no queue to return the report to")
        deadlines = {k: v for k, v in c.deadlines.items() if k == "resolution"}
        deadlines["verification"] = clock.verification_deadline(now, c.province_code, limits)
        changed = c.evolve(
            status=Status.SUBMITTED, agency_id=return_queue.agency_id, agency_path=return_queue.path,
            agency_name=return_queue.name,
            returns=c.returns + 1, deadlines=deadlines, updated_at=now,
            escalation_level=0, overdue=False,
        )
        return changed, [_event(now, "returned", actor, changed, text, agency_id=return_queue.agency_id,
                                data={"from_agency_id": c.agency_id, "returns": changed.returns})]
    if action == "respond":
        if status not in {Status.FORWARDED, Status.IN_PROGRESS}:
            raise _transition_error(action, status)
        text = _require_note(note, "a response")
        changes: dict[str, Any] = {"status": Status.IN_PROGRESS, "updated_at": now}
        if c.first_response_at is None:
            due = c.deadlines.get("first_response")
            changes["first_response_at"] = now
            changes["first_response_on_time"] = due is None or now <= due
        if status == Status.FORWARDED:
            changes["deadlines"] = {k: v for k, v in c.deadlines.items() if k != "first_response"}
            changes["escalation_level"] = 0
            changes["overdue"] = clock.is_past(changes["deadlines"].get("resolution"), now)
        changed = c.evolve(**changes)
        return changed, [_event(now, "responded", actor, changed, text)]
    if action == "request_info":
        if status not in {Status.SUBMITTED, Status.FORWARDED, Status.IN_PROGRESS}:
            raise _transition_error(action, status)
        text = _require_note(note, "a question")
        changed = pause(c, now, limits)
        return changed, [_event(now, "info_requested", actor, changed, text)]
    # resolve
    if status != Status.IN_PROGRESS:
        raise _transition_error(action, status)
    text = _require_note(note, "a resolution note")
    changed = c.evolve(
        status=Status.RESOLVED, resolved_at=now, updated_at=now, overdue=False, escalation_level=0,
        deadlines={"reporter_reply": clock.reporter_deadline(now, c.province_code, limits)},
    )
    return changed, [_event(now, "resolved", actor, changed, text)]


def forward(c: Complaint, target: Target, now: datetime, limits: clock.Limits, *,
            actor: Actor = SYSTEM, note: str = "") -> tuple[Complaint, list[Event]]:
    """Dispose a report to an agency: the first-response clock starts, the 60-day one once."""
    deadlines = {"first_response": clock.first_response_deadline(now, c.province_code, limits)}
    deadlines["resolution"] = c.deadlines.get("resolution") or clock.resolution_deadline(now, limits)
    changed = c.evolve(
        status=Status.FORWARDED, agency_id=target.agency_id, agency_path=target.path,
        agency_name=target.name,
        deadlines=deadlines, updated_at=now, escalation_level=0, overdue=False,
        first_forwarded_at=c.first_forwarded_at or now,
    )
    return changed, [_event(now, "forwarded", actor, changed, note, agency_id=target.agency_id,
                            data={"from_agency_id": c.agency_id})]


def pause(c: Complaint, now: datetime, limits: clock.Limits) -> Complaint:
    """awaiting_reporter stops every running clock; the remainder is kept for the resume."""
    remaining = clock.remaining(c.deadlines, now, c.province_code)
    return c.evolve(
        status=Status.AWAITING_REPORTER, updated_at=now,
        paused={"from_status": c.status, "remaining": remaining},
        deadlines={"reporter_reply": clock.reporter_deadline(now, c.province_code, limits)},
    )


REPLY_KEYS_KEPT = 20


def reporter_reply(c: Complaint, now: datetime, note: str | None,
                   reply_key: str | None = None) -> tuple[Complaint, list[Event]]:
    """The reporter adds information; in awaiting_reporter the report goes back and clocks resume.
    A reply whose ``reply_key`` was seen already changes nothing (no events)."""
    if reply_key and reply_key in c.reply_keys:
        return c, []
    if not c.is_open:
        raise _transition_error("reply to", c.status)
    text = _require_note(note, "a message")
    if reply_key:
        c = c.evolve(reply_keys=(*c.reply_keys, reply_key)[-REPLY_KEYS_KEPT:])
    if c.status != Status.AWAITING_REPORTER:
        changed = c.evolve(updated_at=now)
        return changed, [_event(now, "reporter_replied", REPORTER, changed, text, audience="reporter")]
    previous = c.paused.get("from_status", Status.SUBMITTED)
    deadlines = clock.resume(c.paused.get("remaining", {}), now, c.province_code)
    changed = c.evolve(status=previous, paused={}, deadlines=deadlines, updated_at=now)
    return changed, [_event(now, "reporter_replied", REPORTER, changed, text, audience="reporter")]


def reporter_feedback(c: Complaint, now: datetime, limits: clock.Limits, decision: str,
                      rating: int | None, comment: str) -> tuple[Complaint, list[Event]]:
    if c.status != Status.RESOLVED:
        raise _transition_error("give feedback on", c.status)
    if decision == "accept":
        changed, events = _close(c, Status.CLOSED, "accepted", now, REPORTER, comment)
        changed = changed.evolve(rating=rating)
        return changed, [dataclasses.replace(events[0], status=changed.status, data={"rating": rating})]
    if c.reopens >= limits.max_reopens:
        raise InvalidTransition(f"a report can be reopened at most {limits.max_reopens} times")
    if clock.is_past(c.deadlines.get("reporter_reply"), now):
        raise InvalidTransition("the window to reopen this report has passed")
    text = _require_note(comment, "a reason")
    deadlines = {k: v for k, v in c.deadlines.items() if k != "reporter_reply"}
    if c.first_forwarded_at is not None:
        deadlines["resolution"] = clock.resolution_deadline(c.first_forwarded_at, limits)
    changed = c.evolve(status=Status.IN_PROGRESS, reopens=c.reopens + 1, deadlines=deadlines,
                       updated_at=now, resolved_at=None,
                       overdue=clock.is_past(deadlines.get("resolution"), now))
    return changed, [_event(now, "reopened", REPORTER, changed, text, audience="reporter")]


def _close(c: Complaint, status: Status, event_type: str, now: datetime, actor: Actor,
           note: str) -> tuple[Complaint, list[Event]]:
    changed = c.evolve(status=status, deadlines={}, paused={}, updated_at=now, closed_at=now,
                       overdue=False)
    return changed, [_event(now, event_type, actor, changed, note)]


def _event(now: datetime, type_: str, actor: Actor, c: Complaint, note: str = "", *,
           agency_id: str | None = None, audience: str = "public",
           data: dict[str, Any] | None = None) -> Event:
    return Event(at=now, type=type_, actor_role=actor.role, actor_agency_id=actor.agency_id,
                 status=c.status, agency_id=agency_id or c.agency_id, note=note,
                 audience=audience, data=data or {})


def submitted_event(c: Complaint) -> Event:
    return Event(at=c.submitted_at, type="submitted", actor_role="reporter", status=c.status,
                 agency_id=c.agency_id)


def returns_destination(c: Complaint, province_coordinator: Target, national: Target) -> Target:
    """Bukan wewenang: the 1st return goes to the parent coordinator, the 2nd to the province,
    the 3rd and later to national."""
    returns = c.returns + 1
    if returns == 1 and len(c.agency_path) >= 2:
        return Target(c.agency_path[-2], c.agency_path[:-1])
    if returns <= 2 and province_coordinator.agency_id != c.agency_id:
        return province_coordinator
    return national
