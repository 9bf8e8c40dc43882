"""What a report contributes to the statistics (SPEC §7 ``/stats``), as pure functions.

Every counter is a function of one report's current state, keyed by scope and by the local day the
report was filed. A change adds ``contribution(after) - contribution(before)``; a rebuild sums
``contribution`` over all reports. Both give the same numbers by construction.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from chalicelib.domain.reference import CATEGORIES, KINDS, zone_of

if TYPE_CHECKING:
    from chalicelib.domain.complaint import Complaint

STATUSES = ("submitted", "forwarded", "in_progress", "awaiting_reporter", "resolved", "closed", "rejected")
# Upper bounds (hours) of the first-response histogram; the last bucket is open.
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 480, 720)

COUNTERS: tuple[str, ...] = (
    "total", "forwarded", "first_response", "first_response_on_time", "reopened", "rated",
    "rating_sum", "escalated", "overdue",
    *(f"kind_{k}" for k in KINDS),
    *(f"category_{c.code}" for c in CATEGORIES),
    *(f"status_{s}" for s in STATUSES),
    *(f"frh_{h}" for h in HOUR_BUCKETS), "frh_more",
)

Counts = dict[str, dict[str, dict[str, int]]]  # scope -> day -> counter -> value


def scopes_of(c: Complaint) -> tuple[str, ...]:
    return ("national", f"province:{c.province_code}", f"regency:{c.regency_code}", f"agency:{c.agency_id}")


def day_of(c: Complaint) -> str:
    return c.submitted_at.astimezone(zone_of(c.province_code)).date().isoformat()


def hour_bucket(hours: float) -> str:
    for bound in HOUR_BUCKETS:
        if hours <= bound:
            return f"frh_{bound}"
    return "frh_more"


def counters_of(c: Complaint) -> dict[str, int]:
    counts = {"total": 1, f"kind_{c.kind}": 1, f"category_{c.category}": 1, f"status_{c.status}": 1}
    if c.first_forwarded_at is not None:
        counts["forwarded"] = 1
    if c.first_response_at is not None and c.first_forwarded_at is not None:
        counts["first_response"] = 1
        if c.first_response_on_time:
            counts["first_response_on_time"] = 1
        hours = (c.first_response_at - c.first_forwarded_at).total_seconds() / 3600
        counts[hour_bucket(hours)] = 1
    if c.reopens:
        counts["reopened"] = 1
    if c.rating is not None:
        counts["rated"] = 1
        counts["rating_sum"] = c.rating
    if c.escalated_to:
        counts["escalated"] = 1
    if c.overdue:
        counts["overdue"] = 1
    return counts


def contribution(c: Complaint | None) -> Counts:
    if c is None:
        return {}
    counters = counters_of(c)
    return {scope: {day_of(c): dict(counters)} for scope in scopes_of(c)}


def delta(before: Complaint | None, after: Complaint | None) -> Counts:
    """What to add to the counters when ``before`` becomes ``after`` (zeros left out)."""
    out: Counts = {}
    merged: dict[tuple[str, str, str], int] = defaultdict(int)
    for sign, counts in ((-1, contribution(before)), (1, contribution(after))):
        for scope, days in counts.items():
            for day, counters in days.items():
                for name, value in counters.items():
                    merged[(scope, day, name)] += sign * value
    for (scope, day, name), value in merged.items():
        if value:
            out.setdefault(scope, {}).setdefault(day, {})[name] = value
    return out


def add_into(total: Counts, more: Counts) -> Counts:
    for scope, days in more.items():
        for day, counters in days.items():
            target = total.setdefault(scope, {}).setdefault(day, {})
            for name, value in counters.items():
                target[name] = target.get(name, 0) + value
    return total
