"""Is every agency connected and answering? (SPEC §14), as pure functions.

- **connected**: at least one active staff account, or an API key used in the last 30 days;
- **silent**: holds reports that wait for it (``submitted`` in its verification queue,
  ``forwarded``, ``in_progress``) and nobody of the agency took a staff action for 5 working days.
  The silence clock starts at the later of the agency's last action and the filing day of the
  oldest report it holds: an agency that just received its first report is not silent yet.
  Like every deadline (SPEC §5), "5 working days" ends at 23:59:59 of the 5th working day after
  that day, in the agency's time zone, holidays and cuti bersama excluded.

What an agency holds now comes from its open reports (the complaints table's sparse ``open-index``,
a few attributes of each), its recent figures (reports filed in the last 30 days, the median first
response) from the statistics counters of the last 30 filing days, what its people did from the
participation markers.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain import stats, workdays
from chalicelib.domain.agencies import LEVELS

SILENT_AFTER_WORKING_DAYS = 5
KEY_ACTIVE_DAYS = 30
RECENT_DAYS = 30  # reports_30d
# The median first response over the reports filed in the same 30 days: one Query over 30 days of
# counters per agency, whatever its history (90 days read three times the items, for every agency).
MEDIAN_DAYS = RECENT_DAYS
# Reports that wait for the agency to act (the others wait for the reporter or are finished).
WAITING_STATUSES = ("submitted", "forwarded", "in_progress")
STATUSES = ("connected", "not_connected", "silent")
COLUMNS = ("agency_id", "name", "level", "parent_id", "parent_name", "province_code", "connected", "silent",
           "active_accounts", "keys_used_30d", "last_sign_in_at", "last_action_at", "last_key_use_at",
           "held", "overdue", "reports_30d", "median_first_response_hours")


# The counters ``recent`` reads (``agency:<id>``), so a Query can ask for these alone.
COUNTERS_READ: tuple[str, ...] = ("total", *(f"frh_{h}" for h in stats.HOUR_BUCKETS), "frh_more")


@dataclass(frozen=True)
class Activity:
    """What the agency's people did (the participation markers and the accounts)."""

    last_action_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    last_key_use_at: datetime | None = None
    active_accounts: int = 0
    last_action_day: date | None = None  # the day of ``last_action_at`` as its marker names it


def acted_between(activity: Activity, first: date, last: date) -> bool | None:
    """Did the agency act on a day from ``first`` to ``last``, as far as its last action day tells
    (None: it acted after ``last``, so only its day markers can tell)?"""
    day = activity.last_action_day
    if day is None or day < first:
        return False
    return True if day <= last else None


@dataclass(frozen=True)
class Holdings:
    """What the agency holds now (its open reports) and its recent figures (its counters)."""

    held: int = 0
    overdue: int = 0
    reports_30d: int = 0
    median_first_response_hours: float | None = None
    oldest_held_day: date | None = None


@dataclass(frozen=True)
class OpenReport:
    """The little of an open report that participation reads from the ``open-index``."""

    status: str
    overdue: bool
    filed_on: date  # the day it was filed, in the holding agency's time zone (where silence is counted)


def held_now(reports: Iterable[OpenReport]) -> Holdings:
    """From the open reports the agency holds: those that wait for it, how many are overdue (the
    report's ``overdue`` flag, the same one the counters count), the filing day of the oldest."""
    held = overdue = 0
    oldest: date | None = None
    for r in reports:
        if r.overdue:
            overdue += 1
        if r.status in WAITING_STATUSES:
            held += 1
            oldest = r.filed_on if oldest is None else min(oldest, r.filed_on)
    return Holdings(held=held, overdue=overdue, oldest_held_day=oldest)


def recent(held: Holdings, days: dict[str, dict[str, int]], today: date) -> Holdings:
    """``held`` with the figures of the last filing days added, from one agency's counters per day
    (shards summed): reports filed in the last 30 days and their median first response."""
    recent_count = 0
    recent_from = (today - timedelta(days=RECENT_DAYS - 1)).isoformat()
    median_from = (today - timedelta(days=MEDIAN_DAYS - 1)).isoformat()
    median_counts: dict[str, int] = defaultdict(int)
    for day, counters in days.items():
        if day >= recent_from:
            recent_count += counters.get("total", 0)
        if day >= median_from:
            for name, value in counters.items():
                if name.startswith("frh_"):
                    median_counts[name] += value
    return dataclasses.replace(held, reports_30d=recent_count,
                               median_first_response_hours=stats.median_hours(median_counts))


def is_connected(activity: Activity, now: datetime) -> bool:
    if activity.active_accounts > 0:
        return True
    used = activity.last_key_use_at
    return used is not None and now - used <= timedelta(days=KEY_ACTIVE_DAYS)


def silent_since(activity: Activity, held: Holdings, zone: ZoneInfo) -> date | None:
    """The local day the silence clock runs from; None when the agency waits for nobody."""
    if held.held <= 0:
        return None
    days = [d for d in (held.oldest_held_day,
                        activity.last_action_at.astimezone(zone).date() if activity.last_action_at else None) if d]
    return max(days) if days else None


def is_silent(activity: Activity, held: Holdings, now: datetime, zone: ZoneInfo) -> bool:
    start = silent_since(activity, held, zone)
    if start is None:
        return False
    last_day = workdays.nth_working_day_after(start, SILENT_AFTER_WORKING_DAYS)
    return now.astimezone(zone).date() > last_day


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def row(agency: dict[str, Any], activity: Activity, held: Holdings, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """One agency's line of ``GET /agency/participation``."""
    key_used = activity.last_key_use_at is not None and now - activity.last_key_use_at <= timedelta(
        days=KEY_ACTIVE_DAYS)
    return {
        "agency_id": agency["agency_id"], "name": agency["name"], "level": agency["level"],
        "parent_id": agency.get("parent_id"), "province_code": agency.get("province_code"),
        "connected": is_connected(activity, now), "silent": is_silent(activity, held, now, zone),
        "active_accounts": activity.active_accounts, "keys_used_30d": key_used,
        "last_sign_in_at": _iso(activity.last_sign_in_at), "last_action_at": _iso(activity.last_action_at),
        "last_key_use_at": _iso(activity.last_key_use_at),
        "held": held.held, "overdue": held.overdue, "reports_30d": held.reports_30d,
        "median_first_response_hours": held.median_first_response_hours,
    }


def matches(r: dict[str, Any], status: str | None) -> bool:
    if status is None:
        return True
    if status == "connected":
        return r["connected"]
    if status == "not_connected":
        return not r["connected"]
    return r["silent"]


def attention_order(r: dict[str, Any]) -> tuple:
    """Not connected first, then silent, then the most overdue; by name within each."""
    return (r["connected"], not r["silent"], -r["overdue"], r["name"].lower(), r["agency_id"])


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def totals(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    rows = list(rows)
    connected = sum(1 for r in rows if r["connected"])
    return {"agencies": len(rows), "connected": connected, "connected_pct": _pct(connected, len(rows)),
            "silent": sum(1 for r in rows if r["silent"]),
            "not_connected": len(rows) - connected}


def totals_by(rows: Iterable[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get(key):
            groups[r[key]].append(r)
    order = {level: i for i, level in enumerate(LEVELS)}
    return {name: totals(members) for name, members in sorted(groups.items(), key=lambda kv: (order.get(kv[0], 99),
                                                                                               kv[0]))}


# --- who hears that an agency is silent (the nudges) -----------------------------------------------

def told_about(agency: dict[str, Any], levels: dict[str, str]) -> tuple[str, ...]:
    """The coordinators told that ``agency`` is silent: its direct parent and, for an agency below
    a province's own level, that province's coordinator too (Dinas Kominfo monitors the OPDs of the
    province *and* of its regencies and cities). ``levels``: agency id → level, for the path."""
    told = [agency["parent_id"]] if agency.get("parent_id") else []
    path = list(agency.get("path") or [])
    if len(path) > 2 and levels.get(path[1]) == "province" and path[1] not in told and path[1] != agency["agency_id"]:
        told.append(path[1])
    return tuple(told)


def silent_by_coordinator(agencies: Iterable[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> dict[str, list]:
    """Each coordinator's silent agencies (rows, in attention order), from every agency's row."""
    agencies = list(agencies)
    levels = {a["agency_id"]: a["level"] for a in agencies}
    by_id = {a["agency_id"]: a for a in agencies}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(rows, key=attention_order):
        if r["silent"] and r["agency_id"] in by_id:
            for coordinator in told_about(by_id[r["agency_id"]], levels):
                out[coordinator].append(r)
    return dict(out)
