"""What a report contributes to the statistics (SPEC §7 ``/stats``), as pure functions.

Every counter is a function of one report's current state, keyed by scope and by the local day the
report was filed. A change adds ``contribution(after) - contribution(before)``; a rebuild sums
``contribution`` over all reports. Both give the same numbers by construction.

Scopes: ``national``, ``province:<code>``, ``regency:<code>`` (where the problem is),
``agency:<id>`` (the agency holding the report now) and ``within:<id>`` for every agency on the
holder's path below national (the agency and everything under it: a coordinator's scorecard).

The read side (``summarize``) turns summed counters into the published figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain.reference import CATEGORIES, KINDS, regions, zone_of
from chalicelib.errors import ValidationFailed

if TYPE_CHECKING:
    from chalicelib.domain.complaint import Complaint

STATUSES = ("submitted", "forwarded", "in_progress", "awaiting_reporter", "resolved", "closed", "rejected")
# Upper bounds (hours) of the first-response histogram; the last bucket is open.
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 480, 720)

COUNTERS: tuple[str, ...] = (
    "total", "forwarded", "first_response", "first_response_on_time", "reopened", "rated",
    "rating_sum", "escalated", "overdue", "ever_resolved", "duplicates", "duplicates_forwarded",
    *(f"kind_{k}" for k in KINDS),
    *(f"category_{c.code}" for c in CATEGORIES),
    *(f"status_{s}" for s in STATUSES),
    *(f"frh_{h}" for h in HOUR_BUCKETS), "frh_more",
)

Counts = dict[str, dict[str, dict[str, int]]]  # scope -> day -> counter -> value


def scopes_of(c: Complaint) -> tuple[str, ...]:
    within = tuple(f"within:{agency_id}" for agency_id in c.agency_path[1:])
    return ("national", f"province:{c.province_code}", f"regency:{c.regency_code}", f"agency:{c.agency_id}",
            *within)


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
    if c.duplicate_of is not None:
        # Closed as a duplicate (SPEC §12): counted apart, and left out of the resolution rates.
        counts["duplicates"] = 1
        if c.first_forwarded_at is not None:
            counts["duplicates_forwarded"] = 1
    if c.reopens or (c.status in ("resolved", "closed") and c.duplicate_of is None):
        # Resolved at least once: closed is only ever reached from resolved (or as a duplicate).
        counts["ever_resolved"] = 1
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


def rebuilt(complaints: Iterable[Complaint]) -> Counts:
    """Every counter from scratch: the sum of what each report contributes."""
    total: Counts = {}
    for c in complaints:
        add_into(total, contribution(c))
    return total


def difference(target: Counts, current: Counts) -> Counts:
    """What to add to ``current`` so that it becomes ``target`` (zeros left out)."""
    out: Counts = {}
    for sign, counts in ((1, target), (-1, current)):
        for scope, days in counts.items():
            for day, counters in days.items():
                bucket = out.setdefault(scope, {}).setdefault(day, {})
                for name, value in counters.items():
                    bucket[name] = bucket.get(name, 0) + sign * value
    return {scope: cleaned for scope, days in out.items()
            if (cleaned := {day: nonzero for day, counters in days.items()
                            if (nonzero := {k: v for k, v in counters.items() if v})})}


def without_zeros(counts: Counts) -> Counts:
    return difference(counts, {})


# --- the read side ---------------------------------------------------------------------------------

SCOPE_KINDS = ("national", "province", "regency", "agency")
AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{1,80}$")
MAX_RANGE_DAYS = 3660


def parse_scope(text: str | None, *, kinds: tuple[str, ...] = SCOPE_KINDS) -> str:
    """``national``, ``province:73``, ``regency:73.71`` or ``agency:<id>``; 422 for anything else."""
    scope = (text or "national").strip()
    kind, _, value = scope.partition(":")
    problem = None
    if kind not in kinds:
        problem = f"one of national, {', '.join(f'{k}:…' for k in kinds if k != 'national')}"
    elif kind == "national":
        problem = None if not value else "national takes no code"
    elif kind == "province":
        problem = None if value in regions().provinces else "unknown province code (see GET /regions)"
    elif kind == "regency":
        problem = None if value in regions().regencies else "unknown regency code (see GET /regions/{province})"
    elif not AGENCY_ID.match(value):
        problem = "not an agency id (see GET /agencies)"
    if problem:
        raise ValidationFailed("bad scope", fields={"scope": problem})
    return scope


# Days a query may name (SPEC §11: an out-of-range date is a 4xx, never an overflow).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def parse_day(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"bad {name}", fields={name: "must be a date YYYY-MM-DD"}) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationFailed(f"bad {name}", fields={
            name: f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"})
    return day


_parse_day = parse_day


def date_range(start: str | None, end: str | None, today: date, default_days: int = 30) -> tuple[date, date]:
    """``from``/``to`` (inclusive local days). Default: the last ``default_days`` days up to today."""
    last = _parse_day(end, "to") if end else today
    first = _parse_day(start, "from") if start else last - timedelta(days=default_days - 1)
    if first > last:
        raise ValidationFailed("empty range", fields={"from": "must not be after to"})
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationFailed("range too long", fields={"from": f"at most {MAX_RANGE_DAYS} days per request"})
    return first, last


def bucket_range(first: date, last: date) -> tuple[str, str]:
    """The sort-key range of the counter items of these days (``<day>#<shard>``)."""
    return first.isoformat(), last.isoformat() + "~"


def sum_days(days: dict[str, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for counters in days.values():
        for name, value in counters.items():
            total[name] += value
    return dict(total)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def median_hours(totals: dict[str, int]) -> float | None:
    """The median first response from the histogram: the bucket holding the middle report, and a
    straight line inside it (the grouped-data median). The last bucket is open: its lower bound."""
    bounds = [(lower, upper, totals.get(f"frh_{upper}", 0))
              for lower, upper in zip((0, *HOUR_BUCKETS[:-1]), HOUR_BUCKETS, strict=True)]
    bounds.append((HOUR_BUCKETS[-1], None, totals.get("frh_more", 0)))
    n = sum(count for _, _, count in bounds)
    if not n:
        return None
    half, below = n / 2, 0
    for lower, upper, count in bounds:
        if count and below + count >= half:
            if upper is None:
                return float(lower)
            return round(lower + (half - below) / count * (upper - lower), 1)
        below += count
    return None  # pragma: no cover - the loop always finds the middle


def summarize(totals: dict[str, int]) -> dict[str, Any]:
    """The published figures from summed counters (SPEC §7 ``/stats``)."""
    get = totals.get
    # A duplicate is closed without being resolved: out of the resolved count and of the rate.
    resolved = get("status_resolved", 0) + get("status_closed", 0) - get("duplicates", 0)
    forwarded = get("forwarded", 0)
    return {
        "total": get("total", 0),
        "by_status": {s: get(f"status_{s}", 0) for s in STATUSES},
        "by_kind": {k: get(f"kind_{k}", 0) for k in KINDS},
        "by_category": {c.code: get(f"category_{c.code}", 0) for c in CATEGORIES},
        "forwarded": forwarded,
        "resolved": resolved,
        # Of the reports that reached an agency (duplicates left out), the share now resolved or closed.
        "resolved_pct": _pct(resolved, forwarded - get("duplicates_forwarded", 0)),
        # Of the first responses given, the share given within the first-response limit.
        "on_time_pct": _pct(get("first_response_on_time", 0), get("first_response", 0)),
        "first_responses": get("first_response", 0),
        "median_first_response_hours": median_hours(totals),
        # Of the reports resolved at least once, the share the reporter reopened.
        "reopen_rate": _pct(get("reopened", 0), get("ever_resolved", 0)),
        "satisfaction_avg": round(get("rating_sum", 0) / get("rated", 0), 2) if get("rated", 0) else None,
        "ratings": get("rated", 0),
        "escalated": get("escalated", 0),
        "overdue": get("overdue", 0),
        "duplicates": get("duplicates", 0),
    }


def by_month(days: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Reports filed per month, and how many of them are resolved or closed now."""
    months: dict[str, dict[str, int]] = {}
    for day, counters in days.items():
        month = months.setdefault(day[:7], {"total": 0, "resolved": 0})
        month["total"] += counters.get("total", 0)
        month["resolved"] += (counters.get("status_resolved", 0) + counters.get("status_closed", 0)
                              - counters.get("duplicates", 0))
    return [{"month": month, **values} for month, values in sorted(months.items())]
