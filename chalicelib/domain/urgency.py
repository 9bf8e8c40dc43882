"""How urgent a report is, for the staff console (SPEC §5, §10): its next deadline and how many
working days are left before it (or have passed since it), in the time zone of the report's region.

Pure: ``now`` comes in, holidays come from ``workdays``. The console says "3 hari kerja lagi" or
"terlambat 2 hari kerja" from ``Urgency``; the inbox sorts by ``sort_key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.reference import zone_of
from chalicelib.domain.workdays import working_days_between, working_days_left

FAR_FUTURE = "9999"


@dataclass(frozen=True)
class Urgency:
    deadline: str  # verification | first_response | resolution | reporter_reply
    due: datetime
    late: bool
    working_days: int  # left before the deadline, or passed since it

    @property
    def due_today(self) -> bool:
        return not self.late and self.working_days == 0


def working_days_late(now: datetime, deadline: datetime, zone: Any) -> int:
    """Working days d with the deadline's day < d <= today (0 when not past, or past only by a
    weekend or a holiday)."""
    return working_days_between(deadline.astimezone(zone).date(), now.astimezone(zone).date())


def next_deadline(deadlines: dict[str, Any]) -> tuple[str, datetime] | None:
    """The earliest running deadline of a report view (``{"verification": {"due": iso, ...}}``)."""
    found = [(datetime.fromisoformat(d["due"]), name) for name, d in (deadlines or {}).items()
             if isinstance(d, dict) and d.get("due")]
    if not found:
        return None
    due, name = min(found)
    return name, due


def urgency(report: dict[str, Any], now: datetime) -> Urgency | None:
    """The next deadline of a report view and the working days to it (or since it)."""
    found = next_deadline(report.get("deadlines") or {})
    if found is None:
        return None
    name, due = found
    zone = zone_of(report.get("province_code") or "")
    if now > due:
        return Urgency(name, due, True, working_days_late(now, due, zone))
    return Urgency(name, due, False, working_days_left(now, due, zone))


def sort_key(report: dict[str, Any]) -> tuple[int, str]:
    """Most urgent first: the earliest deadline; a report whose clock is paused (waiting for the
    reporter) or that has no deadline comes last."""
    found = next_deadline(report.get("deadlines") or {})
    if found is None or report.get("status") == "awaiting_reporter":
        return 1, FAR_FUTURE
    return 0, found[1].astimezone(UTC).isoformat()
