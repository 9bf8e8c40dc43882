"""A report (*laporan*) and its lifecycle (SPEC §3, §4): pure data and pure rules.

``apply_action`` is the state machine: it takes a report, who acts, what they do and the time, and
returns the changed report plus the timeline events to append. It never writes anything; the
service layer writes the result with a conditional write on ``version``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain import deadlines as clock
from chalicelib.domain import names
from chalicelib.domain.names import Audience, Role
from chalicelib.errors import Forbidden, InvalidTransition, Problem, ValidationFailed

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

# Reports a citizen can support and find near them (SPEC §12): still being handled. A resolved one
# waits only for its reporter's verdict.
SUPPORTABLE_STATUSES = OPEN_STATUSES - {Status.RESOLVED}


def status_label(status: str, lang: str = "id") -> str:
    id_label, en_label = STATUS_LABELS[Status(status)]
    return en_label if lang == "en" else id_label


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (role + agency), the reporter, or the system (forwarder, sweep)."""

    role: str  # a names.Role
    agency_id: str | None = None
    agency_path: tuple[str, ...] = ()
    # Who exactly (SPEC §10): a signed-in account, or an API key.
    user_id: str | None = None
    name: str | None = None
    key_id: str | None = None
    label: str | None = None

    @property
    def acted_by(self) -> dict[str, str | None] | None:
        """What a timeline event records about who acted: the account or the key."""
        if self.user_id:
            return {"user_id": self.user_id, "name": self.name}
        if self.key_id:
            return {"key_id": self.key_id, "label": self.label}
        return None


SYSTEM = Actor(Role.SYSTEM)
REPORTER = Actor(Role.REPORTER)


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
    audience: str = Audience.PUBLIC
    data: dict[str, Any] = field(default_factory=dict)
    # The account ({"user_id", "name"}) or API key ({"key_id", "label"}) behind a staff action.
    acted_by: dict[str, Any] | None = None


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
    media_url: str | None = None
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
    # When the agency that holds the report now got it (filing, disposition, return): "new" in a digest.
    assigned_at: datetime | None = None
    # Citizens who said "me too" instead of filing it again, and duplicates merged into it (SPEC §12).
    supporters: int = 0
    # Set when staff marked this report a duplicate of another (SPEC §12).
    duplicate_of: str | None = None

    def evolve(self, **changes: Any) -> Complaint:
        return dataclasses.replace(self, **changes)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def listed_nearby(self) -> bool:
        """Shown to citizens filing near it (SPEC §12): has a point, not confidential, still handled."""
        return (self.latitude is not None and self.longitude is not None and not self.confidential
                and self.status in SUPPORTABLE_STATUSES)


@dataclass(frozen=True)
class Target:
    """An agency a report can be given to, with its ancestors (national first)."""

    agency_id: str
    path: tuple[str, ...]
    name: str | None = None


def in_scope(actor: Actor, complaint: Complaint) -> bool:
    """SPEC §1: officer = own agency; coordinator = own agency and below; national = all."""
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.agency_id in complaint.agency_path
    if actor.role == Role.OFFICER:
        return actor.agency_id == complaint.agency_id
    return False


# What each required note is called, and the code pages say it by (catalogs: problem_<code>).
NOTE_CODES = {"a reason": "reason_required", "a response": "response_required", "a question": "question_required",
              "a resolution note": "resolution_required", "a message": "message_required"}


def _require_note(note: str | None, what: str) -> str:
    text = (note or "").strip()
    if not text:
        problem = Problem(NOTE_CODES.get(what, "note_required"), f"{what} is required")
        raise ValidationFailed(f"{what} is required", fields={"note": problem})
    if len(text) > 4000:
        raise ValidationFailed("note too long", fields={
            "note": Problem("max_length", "must be at most 4000 characters", max=4000)})
    return text


def _transition_error(action: str, status: str) -> InvalidTransition:
    return InvalidTransition(Problem("invalid_transition", f"cannot {action} a report that is {status}",
                                     action=action, status=str(status)))


@dataclass(frozen=True)
class Request:
    """What a staff action needs besides the report: who, when, under which limits, and the inputs
    some actions take (the service resolves agency ids to ``Target``s before the domain sees them)."""

    actor: Actor
    now: datetime
    limits: clock.Limits
    note: str | None = None
    target: Target | None = None
    return_queue: Target | None = None
    original: Complaint | None = None  # mark_duplicate: the report this one repeats


Result = tuple[Complaint, list[Event]]


def _forward(c: Complaint, r: Request) -> Result:
    if r.target is None:
        raise ValidationFailed("agency_id is required", fields={"agency_id": "required for forward"})
    if r.target.agency_id == c.agency_id and c.status == Status.FORWARDED:
        raise InvalidTransition(Problem("already_with_agency", "the report is already with that agency"))
    return forward(c, r.target, r.now, r.limits, actor=r.actor, note=(r.note or "").strip())


def _reject(c: Complaint, r: Request) -> Result:
    text = _require_note(r.note, "a reason")
    return _close(c, Status.REJECTED, "rejected", r.now, r.actor, text)


def _return(c: Complaint, r: Request) -> Result:
    """Bukan wewenang: back to a verification queue (``returns_destination`` picks which)."""
    text = _require_note(r.note, "a reason")
    if r.return_queue is None:
        raise InvalidTransition(Problem("no_return_queue", "no queue to return the report to"))
    queue = r.return_queue
    deadlines = {k: v for k, v in c.deadlines.items() if k == "resolution"}
    deadlines["verification"] = clock.verification_deadline(r.now, c.province_code, r.limits)
    changed = c.evolve(
        status=Status.SUBMITTED, agency_id=queue.agency_id, agency_path=queue.path, agency_name=queue.name,
        assigned_at=r.now, returns=c.returns + 1, deadlines=deadlines, updated_at=r.now, escalation_level=0,
        overdue=False,
    )
    return changed, [_event(r.now, "returned", r.actor, changed, text, agency_id=queue.agency_id,
                            data={"from_agency_id": c.agency_id, "returns": changed.returns})]


def _respond(c: Complaint, r: Request) -> Result:
    """The first response stops the first-response clock and records whether it was on time."""
    text = _require_note(r.note, "a response")
    changes: dict[str, Any] = {"status": Status.IN_PROGRESS, "updated_at": r.now}
    if c.first_response_at is None:
        due = c.deadlines.get("first_response")
        changes["first_response_at"] = r.now
        changes["first_response_on_time"] = due is None or r.now <= due
    if c.status == Status.FORWARDED:
        changes["deadlines"] = {k: v for k, v in c.deadlines.items() if k != "first_response"}
        changes["escalation_level"] = 0
        changes["overdue"] = clock.is_past(changes["deadlines"].get("resolution"), r.now)
    changed = c.evolve(**changes)
    return changed, [_event(r.now, "responded", r.actor, changed, text)]


def _request_info(c: Complaint, r: Request) -> Result:
    text = _require_note(r.note, "a question")
    changed = pause(c, r.now, r.limits)
    return changed, [_event(r.now, "info_requested", r.actor, changed, text)]


def _resolve(c: Complaint, r: Request) -> Result:
    text = _require_note(r.note, "a resolution note")
    changed = c.evolve(
        status=Status.RESOLVED, resolved_at=r.now, updated_at=r.now, overdue=False, escalation_level=0,
        deadlines={"reporter_reply": clock.reporter_deadline(r.now, c.province_code, r.limits)},
    )
    return changed, [_event(r.now, "resolved", r.actor, changed, text)]


def _duplicate_field(message: str) -> ValidationFailed:
    return ValidationFailed("duplicate_of is not valid", fields={"duplicate_of": message})


def _mark_duplicate(c: Complaint, r: Request) -> Result:
    """SPEC §12: the report repeats another of the same regency (not itself a duplicate): it is
    closed with ``duplicate_of``; its reporter learns the original's tracking id from the event and
    the notice. The original gains a supporter (``merge_duplicate``, in the same transaction)."""
    original = r.original
    if original is None:
        raise _duplicate_field("required for mark_duplicate: the original's tracking id")
    if original.tracking_id == c.tracking_id:
        raise _duplicate_field("a report cannot be a duplicate of itself")
    if original.regency_code != c.regency_code:
        raise _duplicate_field("must be a report of the same regency/city")
    if original.duplicate_of is not None:
        raise _duplicate_field(f"that report is itself a duplicate of {original.duplicate_of}: name that one")
    if not original.is_open:
        raise _duplicate_field("that report is already closed")
    note = (r.note or "").strip() or f"Laporan ini sama dengan laporan {original.tracking_id}."
    if len(note) > 4000:
        raise ValidationFailed("note too long", fields={"note": "must be at most 4000 characters"})
    changed = c.evolve(status=Status.CLOSED, duplicate_of=original.tracking_id, deadlines={}, paused={},
                       updated_at=r.now, closed_at=r.now, overdue=False, escalation_level=0)
    return changed, [_event(r.now, "marked_duplicate", r.actor, changed, note,
                            data={"duplicate_of": original.tracking_id})]


def merge_duplicate(original: Complaint, duplicate: Complaint, actor: Actor, now: datetime) -> Result:
    """The original's side of ``mark_duplicate``: one more supporter, and a staff-only line that
    names the duplicate."""
    changed = original.evolve(supporters=original.supporters + 1)
    return changed, [_event(now, "duplicate_merged", actor, changed, audience=Audience.STAFF,
                            data={"duplicate": duplicate.tracking_id})]


VERIFIERS = names.VERIFIERS


@dataclass(frozen=True)
class Rule:
    """One row of SPEC §4's transition table: the statuses an action applies to, who may take it
    (beyond being in scope), the function that decides, and the business metric it counts."""

    run: Callable[[Complaint, Request], Result]
    from_statuses: frozenset[str]
    metric: str
    roles: frozenset[str] | None = None  # None: any staff role in scope


# Adding a staff action is one entry here (plus its function above).
ACTIONS: dict[str, Rule] = {
    "forward": Rule(_forward, frozenset({Status.SUBMITTED, Status.FORWARDED}), "ComplaintForwarded", VERIFIERS),
    "reject": Rule(_reject, frozenset({Status.SUBMITTED}), "ComplaintRejected", VERIFIERS),
    "return": Rule(_return, frozenset({Status.FORWARDED, Status.IN_PROGRESS}), "ComplaintReturned"),
    "respond": Rule(_respond, frozenset({Status.FORWARDED, Status.IN_PROGRESS}), "ComplaintResponded"),
    "request_info": Rule(_request_info, frozenset({Status.SUBMITTED, Status.FORWARDED, Status.IN_PROGRESS}),
                         "InformationRequested"),
    "resolve": Rule(_resolve, frozenset({Status.IN_PROGRESS}), "ComplaintResolved"),
    "mark_duplicate": Rule(_mark_duplicate, frozenset({Status.SUBMITTED, Status.FORWARDED, Status.IN_PROGRESS,
                                                       Status.AWAITING_REPORTER}), "ComplaintMarkedDuplicate",
                           VERIFIERS),
}
STAFF_ACTIONS = tuple(ACTIONS)


def check_permission(actor: Actor, complaint: Complaint, action: str) -> None:
    """Who may do what (SPEC §1, §4), before anything else is looked at."""
    rule = ACTIONS.get(action)
    if rule is None:
        raise ValidationFailed("unknown action", fields={"action": f"must be one of: {', '.join(STAFF_ACTIONS)}"})
    if not in_scope(actor, complaint):
        raise Forbidden(Problem("report_outside_scope", "this report is outside your scope"))
    if rule.roles is not None and actor.role not in rule.roles:
        raise Forbidden(Problem("action_roles", f"only a coordinator or the national admin can {action}"))


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
    original: Complaint | None = None,
) -> Result:
    """A staff action (SPEC §4): permission, then the status it applies to, then the action's own
    rule. Raises Forbidden, InvalidTransition or ValidationFailed; never writes anything."""
    check_permission(actor, complaint, action)
    rule = ACTIONS[action]
    if complaint.status not in rule.from_statuses:
        raise _transition_error(action, complaint.status)
    return rule.run(complaint, Request(actor, now, limits, note=note, target=target, return_queue=return_queue,
                                       original=original))


def forward(c: Complaint, target: Target, now: datetime, limits: clock.Limits, *,
            actor: Actor = SYSTEM, note: str = "") -> tuple[Complaint, list[Event]]:
    """Dispose a report to an agency: the first-response clock starts, the 60-day one once."""
    deadlines = {"first_response": clock.first_response_deadline(now, c.province_code, limits)}
    deadlines["resolution"] = c.deadlines.get("resolution") or clock.resolution_deadline(now, limits)
    changed = c.evolve(
        status=Status.FORWARDED, agency_id=target.agency_id, agency_path=target.path,
        agency_name=target.name, assigned_at=now,
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
RATING = Problem("rating", "must be a whole number from 1 to 5")  # the reporter's rating of a resolution


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
        return changed, [_event(now, "reporter_replied", REPORTER, changed, text, audience=Audience.REPORTER)]
    previous = c.paused.get("from_status", Status.SUBMITTED)
    deadlines = clock.resume(c.paused.get("remaining", {}), now, c.province_code)
    changed = c.evolve(status=previous, paused={}, deadlines=deadlines, updated_at=now)
    return changed, [_event(now, "reporter_replied", REPORTER, changed, text, audience=Audience.REPORTER)]


def reporter_feedback(c: Complaint, now: datetime, limits: clock.Limits, decision: str,
                      rating: int | None, comment: str) -> tuple[Complaint, list[Event]]:
    if c.status != Status.RESOLVED:
        raise _transition_error("give feedback on", c.status)
    if decision == "accept":
        changed, events = _close(c, Status.CLOSED, "accepted", now, REPORTER, comment)
        changed = changed.evolve(rating=rating)
        return changed, [dataclasses.replace(events[0], status=changed.status, data={"rating": rating})]
    if c.reopens >= limits.max_reopens:
        raise InvalidTransition(Problem("reopen_limit", f"a report can be reopened at most {limits.max_reopens} times",
                                        max=limits.max_reopens))
    if clock.is_past(c.deadlines.get("reporter_reply"), now):
        raise InvalidTransition(Problem("reopen_window_passed", "the window to reopen this report has passed"))
    text = _require_note(comment, "a reason")
    deadlines = {k: v for k, v in c.deadlines.items() if k != "reporter_reply"}
    if c.first_forwarded_at is not None:
        deadlines["resolution"] = clock.resolution_deadline(c.first_forwarded_at, limits)
    changed = c.evolve(status=Status.IN_PROGRESS, reopens=c.reopens + 1, deadlines=deadlines,
                       updated_at=now, resolved_at=None,
                       overdue=clock.is_past(deadlines.get("resolution"), now))
    return changed, [_event(now, "reopened", REPORTER, changed, text, audience=Audience.REPORTER)]


def support(c: Complaint) -> Complaint:
    """A citizen supports the report instead of filing it again (SPEC §12)."""
    if c.confidential:
        raise InvalidTransition("a confidential report cannot be supported")
    if c.status not in SUPPORTABLE_STATUSES:
        raise _transition_error("support", c.status)
    return c.evolve(supporters=c.supporters + 1)


def _close(c: Complaint, status: Status, event_type: str, now: datetime, actor: Actor,
           note: str) -> tuple[Complaint, list[Event]]:
    changed = c.evolve(status=status, deadlines={}, paused={}, updated_at=now, closed_at=now,
                       overdue=False)
    return changed, [_event(now, event_type, actor, changed, note)]


def _event(now: datetime, type_: str, actor: Actor, c: Complaint, note: str = "", *,
           agency_id: str | None = None, audience: str = Audience.PUBLIC,
           data: dict[str, Any] | None = None) -> Event:
    return Event(at=now, type=type_, actor_role=actor.role, actor_agency_id=actor.agency_id,
                 status=c.status, agency_id=agency_id or c.agency_id, note=note,
                 audience=audience, data=data or {}, acted_by=actor.acted_by)


def submitted_event(c: Complaint) -> Event:
    return Event(at=c.submitted_at, type="submitted", actor_role=Role.REPORTER, status=c.status,
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
