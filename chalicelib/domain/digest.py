"""The daily digest (SPEC §13): what an agency that chose ``notify: daily`` reads at 07:00.

An agency on the daily digest gets no e-mail per event (escalations excepted: they stay immediate);
instead, at 07:00 its local time, one e-mail lists its open reports that are

- **new**: it received them (filing into its queue, a disposition, a return) since the previous
  digest, i.e. in the 24 hours before today's 07:00;
- **due soon**: the clock it answers for (verification, first response, resolution) ends within
  2 working days;
- **overdue**: that clock has run out.

Pure: the agency's open reports and the time come in; the sections go out. ``digest_day`` names the
agency's local date, which is what makes "once a day" a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import workdays
from chalicelib.domain.complaint import Complaint, Status
from chalicelib.domain.reference import WIB, WIT, WITA

DIGEST_HOUR = 7
DUE_SOON_WORKING_DAYS = 2
ZONES = (WIB, WITA, WIT)
# The clock an agency answers for in each status (awaiting_reporter and resolved wait on the reporter).
AGENCY_CLOCK = {
    Status.SUBMITTED: "verification",
    Status.FORWARDED: "first_response",
    Status.IN_PROGRESS: "resolution",
}
# Notice kinds an agency on the daily digest still gets at once.
IMMEDIATE_KINDS = frozenset({"escalation", "digest", "participation_nudge"})  # the nudge is a weekly summary


@dataclass(frozen=True)
class Line:
    complaint: Complaint
    clock: str | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class Digest:
    agency_id: str
    day: date
    zone: str
    new: list[Line] = field(default_factory=list)
    due_soon: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.due_soon or self.overdue)


def zones_at_digest_hour(now: datetime) -> list[str]:
    """The time zones where it is 07:xx now: an hourly run picks these zones' agencies."""
    return [zone for zone in ZONES if now.astimezone(ZoneInfo(zone)).hour == DIGEST_HOUR]


def digest_day(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def window(day: date, zone: str) -> tuple[datetime, datetime]:
    """The 24 hours a digest's "new" covers: from yesterday's 07:00 to today's, local time."""
    end = datetime.combine(day, time(DIGEST_HOUR), tzinfo=ZoneInfo(zone))
    return end - timedelta(days=1), end


def _received_at(c: Complaint) -> datetime:
    return c.assigned_at or c.first_forwarded_at or c.submitted_at


def build(agency_id: str, zone: str, open_reports: list[Complaint], now: datetime) -> Digest:
    """Sort an agency's open reports into the digest's sections (a report may be new *and* due)."""
    day = digest_day(now, zone)
    start, end = window(day, zone)
    soon = workdays.working_deadline(now, DUE_SOON_WORKING_DAYS, ZoneInfo(zone))
    new, due_soon, overdue = [], [], []
    for c in open_reports:
        if c.agency_id != agency_id or not c.is_open:
            continue
        clock = AGENCY_CLOCK.get(Status(c.status))
        due = c.deadlines.get(clock) if clock else None
        if start <= _received_at(c) < end:
            new.append(Line(c, clock, due))
        if due is None:
            continue
        if due <= now:
            overdue.append(Line(c, clock, due))
        elif due <= soon:
            due_soon.append(Line(c, clock, due))
    far = datetime.max.replace(tzinfo=ZoneInfo(zone))
    return Digest(
        agency_id, day, zone,
        new=sorted(new, key=lambda line: _received_at(line.complaint)),
        due_soon=sorted(due_soon, key=lambda line: line.due or far),
        overdue=sorted(overdue, key=lambda line: line.due or far),
    )


def held_for_digest(notify_mode: str, kind: str) -> bool:
    """True when an agency's e-mail for this kind of notice waits for its digest instead."""
    return notify_mode == "daily" and kind not in IMMEDIATE_KINDS
