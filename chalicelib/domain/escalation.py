"""What happens when a clock runs out (SPEC §5): reminders, overdue, escalation, auto-close.

Pure decisions for the sweep. ``due_steps`` says what is due now and not yet done; ``apply_steps``
records them on the report (which is what makes them happen once: the sweep writes the result with
a conditional write on the version it read); ``next_due_at`` says when to look again, which is the
key of the sparse index the sweep reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain import workdays
from chalicelib.domain.complaint import SYSTEM, Complaint, Event, Status
from chalicelib.domain.deadlines import Limits
from chalicelib.domain.names import REPORTER_RECIPIENT, Audience, agency_recipient
from chalicelib.domain.reference import zone_of

# The clock that a report in each open status is judged by.
ACTIVE_CLOCK = {
    Status.SUBMITTED: "verification",
    Status.FORWARDED: "first_response",
    Status.IN_PROGRESS: "resolution",
    Status.AWAITING_REPORTER: "reporter_reply",
    Status.RESOLVED: "reporter_reply",
}
OMBUDSMAN_STATUSES = {Status.FORWARDED, Status.IN_PROGRESS}


@dataclass(frozen=True)
class Step:
    kind: str  # reminder | overdue | escalation | ombudsman | auto_close | auto_archive
    clock: str
    level: int = 0
    agency_id: str | None = None


@dataclass(frozen=True)
class Notice:
    """A message to send: to an agency (``agency:<id>``) or to the reporter (``reporter``).

    ``facts`` say what happened (the report as it stood, the event, its note, the clock…); the
    notifier writes the message from them in its reader's language (``services/messages.py``).
    ``subject``/``text`` are a ready-made message for a notice without facts.
    """

    recipient: str
    kind: str
    subject: str = ""
    text: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def report_facts(c: Complaint) -> dict[str, Any]:
    """What a message may say about a report: never the reporter's identity or contact details,
    and neither title nor description when the report is confidential."""
    return {
        "tracking_id": c.tracking_id, "kind": c.kind, "title": None if c.confidential else c.title,
        "confidential": c.confidential, "category": c.category, "province_code": c.province_code,
        "regency_code": c.regency_code, "status": str(c.status), "agency_id": c.agency_id,
        "agency_name": c.agency_name, "lang": c.lang, "ombudsman_eligible": c.ombudsman_eligible,
        "deadlines": {name: due.isoformat() for name, due in sorted(c.deadlines.items())},
    }


def notice(recipient: str, kind: str, c: Complaint, **facts: Any) -> Notice:
    return Notice(recipient, kind, facts={"report": report_facts(c), **facts})


def escalation_targets(c: Complaint) -> list[str]:
    """Level 1: the holder's parent; level 2: the province coordinator; level 3: national."""
    path = list(c.agency_path)
    candidates = []
    if len(path) >= 2:
        candidates.append(path[-2])
    if len(path) >= 3:
        candidates.append(path[1])
    if len(path) >= 2:
        candidates.append(path[0])
    targets: list[str] = []
    for agency_id in candidates:
        if agency_id not in targets and agency_id != c.agency_id:
            targets.append(agency_id)
    return targets


def _reminder_key(clock: str, deadline: datetime) -> str:
    return f"{clock}@{deadline.isoformat()}"


def _escalation_time(deadline: datetime, level: int, limits: Limits, zone) -> datetime:
    if level <= 1:
        return deadline
    return workdays.working_deadline(deadline, limits.escalation_step_days * (level - 1), zone)


def _schedule(c: Complaint, now: datetime, limits: Limits) -> list[tuple[datetime, Step]]:
    """Every step still to come for this report, with its time (past or future)."""
    if not c.is_open:
        return []
    zone = zone_of(c.province_code)
    clock = ACTIVE_CLOCK[Status(c.status)]
    deadline = c.deadlines.get(clock)
    plan: list[tuple[datetime, Step]] = []
    if deadline is not None:
        reminder_at = workdays.reminder_time(deadline, zone)
        if _reminder_key(clock, deadline) not in c.reminders_sent and now < deadline:
            plan.append((reminder_at, Step("reminder", clock)))
        if clock == "reporter_reply":
            kind = "auto_close" if c.status == Status.RESOLVED else "auto_archive"
            plan.append((deadline, Step(kind, clock)))
        else:
            if not c.overdue:
                plan.append((deadline, Step("overdue", clock)))
            targets = escalation_targets(c)
            for level in range(c.escalation_level + 1, len(targets) + 1):
                plan.append((_escalation_time(deadline, level, limits, zone),
                             Step("escalation", clock, level, targets[level - 1])))
    resolution = c.deadlines.get("resolution")
    if resolution is not None and c.status in OMBUDSMAN_STATUSES and not c.ombudsman_eligible:
        plan.append((resolution, Step("ombudsman", "resolution")))
    return plan


def due_steps(c: Complaint, now: datetime, limits: Limits) -> list[Step]:
    steps = [step for at, step in sorted(_schedule(c, now, limits), key=lambda p: p[0]) if at <= now]
    if any(step.kind in {"auto_close", "auto_archive"} for step in steps):
        return [step for step in steps if step.kind in {"auto_close", "auto_archive"}]
    return steps


def next_due_at(c: Complaint, now: datetime, limits: Limits) -> datetime | None:
    times = [at for at, _ in _schedule(c, now, limits)]
    return min(times) if times else None


def _responsible(c: Complaint, clock: str) -> str:
    return REPORTER_RECIPIENT if clock == "reporter_reply" else agency_recipient(c.agency_id)


def apply_steps(c: Complaint, steps: list[Step], now: datetime,
                names: dict[str, str] | None = None) -> tuple[Complaint, list[Event], list[Notice]]:
    """Record the steps on the report; return the timeline events and the messages to send."""
    names = names or {}
    events: list[Event] = []
    notices: list[Notice] = []
    changes: dict = {}
    reminders = list(c.reminders_sent)
    escalated_to = list(c.escalated_to)
    level = c.escalation_level

    def event(type_: str, note: str, audience: str = Audience.STAFF, **data) -> None:
        events.append(Event(at=now, type=type_, actor_role=SYSTEM.role, status=c.status,
                            agency_id=c.agency_id, note=note, audience=audience, data=data))

    for step in steps:
        deadline = c.deadlines.get(step.clock)
        if step.kind == "reminder":
            reminders.append(_reminder_key(step.clock, deadline))
            due = deadline.astimezone(zone_of(c.province_code)).strftime("%Y-%m-%d %H:%M %Z")
            event("reminder", f"{step.clock} due {due}", clock=step.clock)
            notices.append(notice(_responsible(c, step.clock), "reminder", c, clock=step.clock,
                                  due=deadline.isoformat()))
        elif step.kind == "overdue":
            changes["overdue"] = True
            event("overdue", f"{step.clock} deadline passed", audience=Audience.PUBLIC, clock=step.clock)
            notices.append(notice(agency_recipient(c.agency_id), "overdue", c, clock=step.clock,
                                  due=deadline.isoformat()))
        elif step.kind == "escalation":
            level = max(level, step.level)
            if step.agency_id not in escalated_to:
                escalated_to.append(step.agency_id)
            target_name = names.get(step.agency_id, step.agency_id)
            event("escalated", f"escalated to {target_name} (level {step.level})", audience=Audience.PUBLIC,
                  level=step.level, to_agency_id=step.agency_id)
            facts = {"clock": step.clock, "due": deadline.isoformat(), "level": step.level,
                     "to_agency_id": step.agency_id}
            notices.append(notice(agency_recipient(step.agency_id), "escalation", c, audience="target", **facts))
            notices.append(notice(agency_recipient(c.agency_id), "escalation", c, audience="holder", **facts))
        elif step.kind == "ombudsman":
            changes["ombudsman_eligible"] = True
            event("ombudsman_eligible", "unresolved 60 days after disposition", audience=Audience.REPORTER)
            notices.append(notice(REPORTER_RECIPIENT, "ombudsman", c, due=deadline.isoformat()))
        else:
            status = Status.CLOSED if step.kind == "auto_close" else Status.REJECTED
            changes.update(status=status, deadlines={}, paused={}, closed_at=now, overdue=False)
            label = "closed: the reply window passed" if status == Status.CLOSED else \
                "archived: no reply from the reporter"
            event_type = "closed" if status == Status.CLOSED else "archived"
            events.append(Event(at=now, type=event_type, actor_role=SYSTEM.role, status=status,
                                agency_id=c.agency_id, note=label))
            closed = c.evolve(status=status)
            for recipient in (REPORTER_RECIPIENT, agency_recipient(c.agency_id)):
                notices.append(notice(recipient, event_type, closed, event=event_type))
    changed = c.evolve(reminders_sent=tuple(reminders), escalated_to=tuple(escalated_to),
                       escalation_level=level, updated_at=now, **changes)
    return changed, events, notices
