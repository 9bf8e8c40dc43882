"""Reading the statistics (SPEC §7 ``/stats``, ``/agency/stats``) and rebuilding them.

Reads never scan: a scope's counters for a date range are one Query on the ``stats`` table
(``bucket between <from> and <to>~``), and a scorecard page is one Query per agency row, run a few
at a time. The counters themselves are written by ``services/store.py`` in the same transaction as
each change.

``rebuild`` is the exception, for migrations and drift: an offline maintenance job that Scans the
complaints and stats tables and corrects the counters (see ``devtools/rebuild_stats.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import DoesNotExist, QueryError

from chalicelib.adapters import clock
from chalicelib.domain import stats
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Actor, Complaint
from chalicelib.domain.names import Role
from chalicelib.domain.reference import WIT
from chalicelib.errors import Forbidden, Problem, ServiceUnavailable, ValidationFailed
from chalicelib.models import AgencyModel, ComplaintModel, StatModel
from chalicelib.models.mapping import from_model

PARALLEL_QUERIES = 8
SORT_KEYS = ("name", "reports", "resolved_pct", "on_time_pct", "median_first_response_hours", "overdue",
             "escalated", "satisfaction_avg", "reopen_rate")
DEFAULT_SORT = "-reports"


def today() -> date:
    """Judged in the easternmost zone, so that no region's today is left out of a default range."""
    return clock.now().astimezone(ZoneInfo(WIT)).date()


def _counters_of(item: Any) -> dict[str, int]:
    values = {}
    for name in stats.COUNTERS:
        value = getattr(item, name, None)
        if value:
            values[name] = int(value)
    return values


def read_days(scope: str, first: date, last: date) -> dict[str, dict[str, int]]:
    """One scope's counters per local day: a single (paginated) Query, shards summed."""
    low, high = stats.bucket_range(first, last)
    days: dict[str, dict[str, int]] = {}
    try:
        for item in StatModel.query(scope, StatModel.bucket.between(low, high)):
            counters = days.setdefault(item.bucket.split("#", 1)[0], {})
            for name, value in _counters_of(item).items():
                counters[name] = counters.get(name, 0) + value
    except QueryError as error:
        raise ServiceUnavailable("the statistics are busy; please retry", headers={"Retry-After": "1"}) from error
    return days


def read_many(scopes: list[str], first: date, last: date) -> dict[str, dict[str, dict[str, int]]]:
    """Several scopes at once, a few Queries in parallel."""
    unique = list(dict.fromkeys(scopes))
    if len(unique) == 1:
        return {unique[0]: read_days(unique[0], first, last)}
    with ThreadPoolExecutor(max_workers=min(PARALLEL_QUERIES, len(unique))) as pool:
        results = pool.map(lambda scope: read_days(scope, first, last), unique)
        return dict(zip(unique, results, strict=True))


def _agency(agency_id: str) -> AgencyModel | None:
    try:
        return AgencyModel.get(agency_id)
    except DoesNotExist:
        return None


def public_stats(scope: str | None, start: str | None, end: str | None) -> dict[str, Any]:
    """``GET /stats``: counts and rates only; nothing about any one report."""
    scope = stats.parse_scope(scope)
    first, last = stats.date_range(start, end, today())
    if scope.startswith("agency:") and _agency(scope.partition(":")[2]) is None:
        raise ValidationFailed("unknown agency", fields={"scope": "unknown agency (see GET /agencies)"})
    days = read_days(scope, first, last)
    answer = {"scope": scope, "from": first.isoformat(), "to": last.isoformat(),
              **stats.summarize(stats.sum_days(days)), "by_month": stats.by_month(days)}
    if scope == "national" or scope.startswith("province:"):
        from chalicelib.services import participation

        answer["connected_pct"] = participation.connected_pct(scope)  # SPEC §14: agencies connected now
    return answer


# --- agency scorecards ---------------------------------------------------------------------------------

def subtree_scope(agency_id: str) -> str:
    """The counters of an agency and everything below it."""
    return "national" if agency_id == NATIONAL_AGENCY_ID else f"within:{agency_id}"


def scorecard(agency: dict[str, Any], scope: str, days: dict[str, dict[str, int]]) -> dict[str, Any]:
    summary = stats.summarize(stats.sum_days(days))
    return {
        "agency_id": agency["agency_id"], "name": agency["name"], "level": agency["level"], "scope": scope,
        "reports": summary["total"], "forwarded": summary["forwarded"], "resolved": summary["resolved"],
        "resolved_pct": summary["resolved_pct"], "on_time_pct": summary["on_time_pct"],
        "median_first_response_hours": summary["median_first_response_hours"],
        "overdue": summary["overdue"], "escalated": summary["escalated"],
        "satisfaction_avg": summary["satisfaction_avg"], "ratings": summary["ratings"],
        "reopen_rate": summary["reopen_rate"], "duplicates": summary["duplicates"],
    }


def parse_sort(sort: str | None) -> tuple[str, bool]:
    text = (sort or DEFAULT_SORT).strip()
    descending = text.startswith("-")
    key = text.lstrip("-+")
    if key not in SORT_KEYS:
        raise ValidationFailed("bad sort", fields={"sort": f"one of {', '.join(SORT_KEYS)}, '-' first for descending"})
    return key, descending


def sort_rows(rows: list[dict[str, Any]], sort: str | None) -> list[dict[str, Any]]:
    """Sorted by one column; rows without a value (nothing to measure) always last."""
    key, descending = parse_sort(sort)
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key].lower() if isinstance(r[key], str) else r[key]), reverse=descending)
    return present + sorted(missing, key=lambda r: r["name"].lower())


def _describe(m: AgencyModel) -> dict[str, Any]:
    return {"agency_id": m.agency_id, "name": m.name or m.agency_id, "level": m.level, "path": list(m.path or [])}


def children_of(agency_id: str) -> Iterator[AgencyModel]:
    """The agencies directly below one: the parent index, page by page (never a Scan)."""
    yield from AgencyModel.parent_index.query(agency_id)


def _root_for(actor: Actor, agency_id: str | None) -> dict[str, Any]:
    wanted = agency_id or actor.agency_id
    if actor.role == Role.OFFICER and wanted != actor.agency_id:
        raise Forbidden(Problem("officer_own_scorecard", "an officer sees the scorecard of their own agency only"))
    found = _agency(wanted or "")
    if found is None:
        if agency_id:
            raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"})
        raise Forbidden(Problem("own_agency_gone", "your key's agency no longer exists"))
    root = _describe(found)
    if actor.role != Role.NATIONAL_ADMIN and actor.agency_id not in root["path"]:
        raise Forbidden(Problem("agency_outside_scope", "that agency is outside your scope"))
    return root


def agency_scorecards(actor: Actor, *, agency_id: str | None = None, start: str | None = None,
                      end: str | None = None, sort: str | None = None) -> dict[str, Any]:
    """``GET /agency/stats``: the caller's agency (or one below it) and each agency directly below.

    Rows of coordinators and the national admin count an agency with everything under it
    (``within:<id>``); an officer's row counts what their own agency holds (``agency:<id>``).
    ``held_directly`` is what the root agency holds itself (its verification queue included)."""
    parse_sort(sort)
    first, last = stats.date_range(start, end, today())
    root = _root_for(actor, agency_id)
    if actor.role == Role.OFFICER:
        scope = f"agency:{root['agency_id']}"
        days = read_many([scope], first, last)[scope]
        row = scorecard(root, scope, days)
        return {"from": first.isoformat(), "to": last.isoformat(), "sort": sort or DEFAULT_SORT,
                "agency": row, "held_directly": row, "agencies": [], "by_month": stats.by_month(days)}
    children = [_describe(m) for m in children_of(root["agency_id"])]
    root_scope, direct_scope = subtree_scope(root["agency_id"]), f"agency:{root['agency_id']}"
    scopes = [root_scope, direct_scope, *(subtree_scope(c["agency_id"]) for c in children)]
    found = read_many(scopes, first, last)
    rows = [scorecard(child, subtree_scope(child["agency_id"]), found[subtree_scope(child["agency_id"])])
            for child in children]
    return {
        "from": first.isoformat(), "to": last.isoformat(), "sort": sort or DEFAULT_SORT,
        "agency": scorecard(root, root_scope, found[root_scope]),
        "held_directly": scorecard(root, direct_scope, found[direct_scope]),
        "agencies": sort_rows(rows, sort),
        "by_month": stats.by_month(found[root_scope]),
    }


# --- rebuilding (offline) ---------------------------------------------------------------------------------

def scan_complaints() -> Iterator[Complaint]:
    """Every report. A Scan: only for the offline rebuild, never in a request or scheduled path."""
    for model in ComplaintModel.scan(consistent_read=True):
        yield from_model(model)


def current_counts(scopes: Collection[str] | None = None) -> stats.Counts:
    """What the stats table holds now, shards summed per scope and day (a Scan: offline only)."""
    counts: stats.Counts = {}
    for item in StatModel.scan(consistent_read=True):
        if scopes is not None and item.scope not in scopes:
            continue
        day = item.bucket.split("#", 1)[0]
        stats.add_into(counts, {item.scope: {day: _counters_of(item)}})
    return counts


def rebuild(*, scopes: Collection[str] | None = None, dry_run: bool = False,
            complaints: Iterator[Complaint] | None = None) -> dict[str, Any]:
    """Recompute every counter from the reports and correct the stats table to match.

    The correction is added (``ADD``) to shard 0 of each day, so reads (which sum the shards) equal
    the rebuilt sums afterwards, and changes committed while the job runs are not overwritten. A
    change that lands between the Scan of the reports and the correction may be counted wrongly:
    run it when writes are quiet, and run it again to confirm ``drift_items`` is 0.
    ``scopes`` limits what is compared and corrected (default: every scope)."""
    reports = list(complaints if complaints is not None else scan_complaints())
    target = stats.rebuilt(reports)
    if scopes is not None:
        target = {scope: days for scope, days in target.items() if scope in scopes}
    drift = stats.difference(target, current_counts(scopes))
    items = [(scope, day, counters) for scope, days in drift.items() for day, counters in days.items()]
    if not dry_run:
        for scope, day, counters in items:
            actions = [getattr(StatModel, name).add(value) for name, value in sorted(counters.items())]
            StatModel(scope, f"{day}#0").update(actions=actions)
    return {"reports": len(reports), "scopes": len(target), "drift_items": len(items),
            "drift_scopes": sorted(drift), "corrected": 0 if dry_run else len(items)}
