"""Participation (SPEC §14): who is connected, who is answering, who has gone silent.

Writes (``record_*``) are single unconditional ``UpdateItem`` calls made *after* the change they
record has committed, outside any report transaction: a busy agency's officers acting at once
never conflict on a row, and a failure to record never fails the action (it is logged and the next
action records again).

Reads never scan. The agencies of a scope come from the directory's indexes (level, province,
regency, parent); their markers from ``BatchGetItem`` (100 agencies a call); what each holds now
from its open reports (the complaints table's sparse ``open-index``: one Query per agency, a few
attributes of each report), its recent figures from its ``agency:<id>`` counters of the last 30
days (one bounded Query); the Queries of many agencies run in parallel.
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from chalicelib.adapters import clock
from chalicelib.domain import participation as domain
from chalicelib.domain.agencies import LEVELS
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Actor
from chalicelib.domain.names import Role
from chalicelib.domain.reference import WIB, regions, zone_of
from chalicelib.errors import BadRequest, Forbidden, Problem, ValidationFailed
from chalicelib.models import AgencyModel, ParticipationModel
from chalicelib.observability import logger

LATEST = "latest"
PARALLEL_QUERIES = 16
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
NATIONAL_ZONE = ZoneInfo(WIB)
# What participation reads of an open report (the ``open-index`` projects everything; ask for less).
OPEN_REPORT_ATTRIBUTES = ("status", "overdue", "submitted_at")

UNLESS_KEY = "unless_key"  # rows_for: ask for an agency's accounts only when no key connects it
CONNECTED_CACHE_SECONDS = 300  # the public share connected: computed at most every 5 minutes
_connected_cache: dict[str, tuple[float, float | None]] = {}


@functools.lru_cache(maxsize=1)
def _provinces_by_coordinator() -> dict[str, str]:
    from chalicelib.domain.agencies import province_coordinator_id

    return {province_coordinator_id(code): code for code in regions().provinces}


def zone_of_path(path: tuple[str, ...] | list[str]) -> ZoneInfo:
    """An agency's time zone from its path: a regional agency's province (the path's second
    element is its province coordinator), WIB for the national agency and the ministries."""
    code = _provinces_by_coordinator().get(path[1]) if len(path) > 1 else None
    return zone_of(code) if code else NATIONAL_ZONE


def _day_marker(now: datetime, zone: ZoneInfo) -> str:
    """An action's day, the acting agency's local day (as the counters and the months are kept)."""
    return "day#" + now.astimezone(zone).date().isoformat()


def _iso(now: datetime) -> str:
    return now.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")


# --- writes ------------------------------------------------------------------------------------

def record_action(agency_id: str | None, now: datetime, path: tuple[str, ...] = ()) -> None:
    """A staff member of ``agency_id`` (its directory ``path``) acted on a report. The day's marker
    (the agency's local day) takes every action (SET the time, ADD one); the first action of the day
    also moves ``latest.last_action_day``."""
    if not agency_id:
        return
    day = _day_marker(now, zone_of_path(path or (agency_id,)))
    try:
        marker = ParticipationModel(agency_id, day)
        marker.update(actions=[ParticipationModel.last_action_at.set(_iso(now)),
                               ParticipationModel.actions.add(1)])
        if marker.actions == 1:
            ParticipationModel(agency_id, LATEST).update(actions=[
                ParticipationModel.last_action_day.set(day.partition("#")[2])])
    except PynamoDBException:
        logger.warning("participation: action not recorded", extra={"agency_id": agency_id})


def record_sign_in(agency_id: str | None, now: datetime) -> None:
    if not agency_id:
        return
    try:
        ParticipationModel(agency_id, LATEST).update(actions=[
            ParticipationModel.last_sign_in_at.set(_iso(now)), ParticipationModel.sign_ins.add(1)])
    except PynamoDBException:
        logger.warning("participation: sign-in not recorded", extra={"agency_id": agency_id})


def record_key_use(key_model: Any, now: datetime) -> None:
    """At most once a day per key: the key remembers the day it was last used (a conditional SET
    that only the first request of the day wins), and the agency's marker the time."""
    from chalicelib.models import ApiKeyModel

    today = now.astimezone(NATIONAL_ZONE).date().isoformat()
    if getattr(key_model, "last_used_on", None) == today:
        return
    try:
        ApiKeyModel(key_model.key_hash).update(
            actions=[ApiKeyModel.last_used_on.set(today)],
            condition=ApiKeyModel.key_hash.exists() & (ApiKeyModel.last_used_on.does_not_exist()
                                                       | (ApiKeyModel.last_used_on != today)))
        ParticipationModel(key_model.agency_id, LATEST).update(actions=[
            ParticipationModel.last_key_use_at.set(_iso(now))])
    except PynamoDBException:
        return  # someone else recorded today's use first, or the table is busy: the next day will


# --- reads -------------------------------------------------------------------------------------

def describe(m: AgencyModel) -> dict[str, Any]:
    return {"agency_id": m.agency_id, "name": m.name, "level": m.level, "parent_id": m.parent_id,
            "province_code": m.province_code, "regency_code": m.regency_code, "path": list(m.path or []),
            "notify": m.notify}


def _below(root_id: str) -> list[dict[str, Any]]:
    """Everything under an agency without a region index (a ministry): the parent index, level by level."""
    found, frontier = [], [root_id]
    while frontier:
        children = [describe(m) for parent in frontier for m in AgencyModel.parent_index.query(parent)]
        found.extend(children)
        frontier = [c["agency_id"] for c in children if c["level"] != "unit"]
    return found


def agencies_in_scope(actor: Actor, province_code: str | None = None) -> list[dict[str, Any]]:
    """The caller's agencies: a coordinator's own and everything below it, the national admin's all.
    Always index Queries (SPEC: never a Scan)."""
    if actor.role not in (Role.COORDINATOR, Role.NATIONAL_ADMIN):
        raise Forbidden(Problem("participation_roles", "participation is for coordinators and the national admin"))
    if province_code is not None and province_code not in regions().provinces:
        raise ValidationFailed("unknown province", fields={"province_code": "unknown province code (see GET /regions)"})
    root_id = actor.agency_id if actor.role == Role.COORDINATOR else NATIONAL_AGENCY_ID
    try:
        root = describe(AgencyModel.get(root_id))
    except DoesNotExist:
        raise Forbidden(Problem("own_agency_gone", "your agency no longer exists")) from None
    return subtree(root, province_code)


def subtree(root: dict[str, Any], province_code: str | None = None) -> list[dict[str, Any]]:
    """An agency and everything below it (of one province only, with ``province_code``): the
    directory's region indexes, or its parent index for a ministry."""
    root_id = root["agency_id"]
    if province_code:
        found = [describe(m) for m in AgencyModel.province_index.query(province_code)]
    elif root["level"] == "national":
        found = [describe(m) for level in LEVELS for m in AgencyModel.level_index.query(level)]
    elif root["level"] == "province":
        found = [describe(m) for m in AgencyModel.province_index.query(root["province_code"])]
    elif root["level"] == "regency":
        found = [describe(m) for m in AgencyModel.regency_index.query(root["regency_code"])]
    else:
        found = [root, *_below(root_id)]
    return sorted((a for a in found if root_id in a["path"]), key=lambda a: a["agency_id"])


def children(root_id: str) -> list[dict[str, Any]]:
    """The agencies directly below one (the directory's parent index)."""
    return [describe(m) for m in AgencyModel.parent_index.query(root_id)]


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def activities(agency_ids: list[str], *, last_actions: bool = True) -> dict[str, domain.Activity]:
    """Each agency's markers: its ``latest`` items, then the day items of their last action days
    (two ``BatchGetItem`` rounds per 100 agencies)."""
    latest = {m.agency_id: m for m in ParticipationModel.batch_get([(a, LATEST) for a in agency_ids])}
    day_keys = [(a, f"day#{m.last_action_day}") for a, m in latest.items() if m.last_action_day and last_actions]
    days = {m.agency_id: m for m in ParticipationModel.batch_get(day_keys)} if day_keys else {}
    out = {}
    for agency_id in agency_ids:
        m, d = latest.get(agency_id), days.get(agency_id)
        out[agency_id] = domain.Activity(
            last_action_at=_parse_time(d.last_action_at) if d else None,
            last_sign_in_at=_parse_time(m.last_sign_in_at) if m else None,
            last_key_use_at=_parse_time(m.last_key_use_at) if m else None,
            active_accounts=0,
            last_action_day=date.fromisoformat(m.last_action_day) if m and m.last_action_day else None)
    return out


def _zone(agency: dict[str, Any]) -> ZoneInfo:
    return zone_of(agency["province_code"]) if agency.get("province_code") else NATIONAL_ZONE


def active_accounts(agency_id: str) -> int:
    """Enabled staff accounts of one agency: the users table's agency index, a few rows each."""
    from chalicelib.models import UserModel

    return sum(1 for _ in UserModel.agency_index.query(agency_id, filter_condition=UserModel.enabled == True,  # noqa: E712
                                                       attributes_to_get=["user_id"]))


def open_reports(agency_id: str, zone: ZoneInfo = NATIONAL_ZONE) -> list[domain.OpenReport]:
    """What the agency holds now: its open reports from the sparse ``open-index`` (kept by every
    write of a report, so exact and without a write of its own), three attributes of each; their
    filing days in the agency's time zone (``zone``), where its silence is counted. One Query (more
    pages only for an agency holding thousands)."""
    from pynamodb.exceptions import QueryError

    from chalicelib.errors import unavailable
    from chalicelib.models import ComplaintModel

    try:
        return [domain.OpenReport(status=m.status, overdue=bool(m.overdue),
                                  filed_on=datetime.fromisoformat(m.submitted_at).astimezone(zone).date())
                for m in ComplaintModel.open_index.query(agency_id, attributes_to_get=list(OPEN_REPORT_ATTRIBUTES))]
    except QueryError as error:
        raise unavailable() from error


def recent_days(agency_id: str, first: date, last: date) -> dict[str, dict[str, int]]:
    """One agency's counters per filing day from ``first`` to ``last`` (shards summed), only those
    ``domain.recent`` needs: one Query over at most ``MEDIAN_DAYS`` days, whatever the history."""
    from pynamodb.exceptions import QueryError

    from chalicelib.errors import unavailable
    from chalicelib.models import StatModel

    wanted = domain.COUNTERS_READ
    days: dict[str, dict[str, int]] = {}
    try:
        for item in StatModel.query(f"agency:{agency_id}",
                                    StatModel.bucket.between(first.isoformat(), last.isoformat() + "~"),
                                    attributes_to_get=["bucket", *wanted]):
            counters = days.setdefault(item.bucket.split("#", 1)[0], {})
            for name in wanted:
                value = getattr(item, name, None)
                if value:
                    counters[name] = counters.get(name, 0) + int(value)
    except QueryError as error:
        raise unavailable() from error
    return days


def _parallel(work: Callable[[dict[str, Any]], Any], agencies: list[dict[str, Any]]) -> dict[str, Any]:
    """``work`` for every agency, 16 at a time; each in a copy of the caller's context (its context
    variables: the request's logging keys, the tests' record of which function calls AWS)."""
    if not agencies:
        return {}
    contexts = [contextvars.copy_context() for _ in agencies]
    with ThreadPoolExecutor(max_workers=min(PARALLEL_QUERIES, len(agencies))) as pool:
        done = pool.map(lambda pair: pair[0].run(work, pair[1]), zip(contexts, agencies, strict=True))
        return dict(zip([a["agency_id"] for a in agencies], done, strict=True))


def acted_between(agency_id: str, first: date, last: date) -> bool:
    """Did the agency's people act on any day from ``first`` to ``last`` (its local days)? One Query."""
    found = ParticipationModel.query(agency_id, ParticipationModel.marker.between(
        f"day#{first.isoformat()}", f"day#{last.isoformat()}"), limit=1)
    return any(True for _ in found)


def rows_for(agencies: list[dict[str, Any]], now: datetime, *, with_holdings: bool = True,
             with_recent: bool = True, with_accounts: bool | str = True,
             acted: tuple[date, date] | None = None) -> list[dict[str, Any]]:
    """Each agency's row: its markers (BatchGetItem), and per agency in parallel its accounts (a
    Query); unless only "connected" is wanted, what it holds now (its open reports, a Query) and,
    ``with_recent``, its last 30 days of counters (a Query; the evaluation does without); with
    ``acted``, whether it acted in those days (its last action day tells, unless that is after
    them: then a Query of its day markers). ``with_accounts=False``: no accounts Query (``connected``
    then says only whether a key was used; for who is silent, which does not depend on it);
    ``with_accounts=UNLESS_KEY``: none for an agency a key already connects (``connected`` stays
    exact, ``active_accounts`` is then left at 0: for the evaluation, which shows no accounts)."""

    last = now.astimezone(ZoneInfo("Asia/Jayapura")).date()  # the latest local day anywhere
    first = now.astimezone(NATIONAL_ZONE).date() - timedelta(days=domain.MEDIAN_DAYS)

    acts = activities([a["agency_id"] for a in agencies], last_actions=with_holdings)

    def one(agency: dict[str, Any]) -> tuple[int, domain.Holdings, bool | None]:
        needed = with_accounts is True or (with_accounts == UNLESS_KEY
                                           and not domain.is_connected(acts[agency["agency_id"]], now))
        accounts = active_accounts(agency["agency_id"]) if needed else 0
        did = None
        if acted:
            did = domain.acted_between(acts[agency["agency_id"]], *acted)
            if did is None:
                did = acted_between(agency["agency_id"], *acted)
        if not with_holdings:
            return accounts, domain.Holdings(), did
        held = domain.held_now(open_reports(agency["agency_id"], _zone(agency)))
        if with_recent:
            held = domain.recent(held, recent_days(agency["agency_id"], first, last),
                                 now.astimezone(_zone(agency)).date())
        return accounts, held, did

    per_agency = _parallel(one, agencies)
    rows = []
    for a in agencies:
        accounts, held, did = per_agency[a["agency_id"]]
        activity = dataclasses.replace(acts[a["agency_id"]], active_accounts=accounts)
        row = domain.row(a, activity, held, now, _zone(a))
        if did is not None:
            row["acted"] = did
        rows.append(row)
    return rows


# --- GET /agency/participation -----------------------------------------------------------------

def _fingerprint(*parts: str | None) -> str:
    return hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()[:12]


def _encode_cursor(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None, fingerprint: str) -> int:
    if not cursor:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        offset = value["o"]
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0 or value["f"] != fingerprint:
            raise ValueError
        return offset
    except (ValueError, TypeError, KeyError):
        raise BadRequest("invalid cursor", fields={"cursor": "not a cursor this API gave out for these filters"}) \
            from None


def parse_query(params: dict[str, str]) -> dict[str, Any]:
    fields = {}
    status = params.get("status") or None
    if status is not None and status not in domain.STATUSES:
        fields["status"] = f"one of {', '.join(domain.STATUSES)}"
    province_code = params.get("province_code") or None
    if province_code is not None and province_code not in regions().provinces:
        fields["province_code"] = "unknown province code (see GET /regions)"
    raw_limit = params.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError
        except ValueError:
            fields["limit"] = f"a whole number 1–{MAX_LIMIT}"
    if fields:
        raise ValidationFailed("some filters are not valid", fields=fields)
    return {"status": status, "province_code": province_code, "limit": limit, "cursor": params.get("cursor")}


def report(actor: Actor, params: dict[str, str], now: datetime | None = None, *,
           acted: tuple[date, date] | None = None, with_recent: bool = True,
           with_accounts: bool | str = True) -> dict[str, Any]:
    """The whole scope: every row (attention order), totals overall, per level and per province.
    ``with_recent=False``: without ``reports_30d`` and the median (left at 0 and None);
    ``with_accounts``: see ``rows_for``."""
    query = parse_query(params)
    now = now or clock.now()
    agencies = agencies_in_scope(actor, query["province_code"])
    names = {a["agency_id"]: a["name"] for a in agencies}
    rows = sorted(({**r, "parent_name": names.get(r["parent_id"] or "")}
                   for r in rows_for(agencies, now, acted=acted, with_recent=with_recent,
                                     with_accounts=with_accounts)),
                  key=domain.attention_order)
    return {"query": query, "rows": rows, "totals": domain.totals(rows),
            "by_level": domain.totals_by(rows, "level"), "by_province": domain.totals_by(rows, "province_code"),
            "as_of": now.isoformat(timespec="seconds")}


def page(actor: Actor, params: dict[str, str], now: datetime | None = None) -> dict[str, Any]:
    """``GET /agency/participation``: SPEC §14 shape, plus totals per level and per province.

    The order and the totals need every agency's connected / silent / overdue: those are read for
    the whole scope (accounts only where no key connects the agency). The columns that only show
    (``active_accounts``, ``reports_30d``, the median) are read for the page's rows alone."""
    query = parse_query(params)
    fingerprint = _fingerprint(actor.role, actor.agency_id, query["status"], query["province_code"])
    offset = _decode_cursor(query["cursor"], fingerprint)
    now = now or clock.now()
    whole = report(actor, params, now, with_recent=False, with_accounts=UNLESS_KEY)
    chosen = [r for r in whole["rows"] if domain.matches(r, query["status"])]
    end = offset + query["limit"]
    return {
        "totals": whole["totals"], "by_level": whole["by_level"], "by_province": whole["by_province"],
        "as_of": whole["as_of"],
        "agencies": _shown(chosen[offset:end], now),
        "next_cursor": _encode_cursor(end, fingerprint) if end < len(chosen) else None,
    }


def _shown(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The page's rows with their accounts and their last 30 days (two Queries each, in parallel)."""
    last = now.astimezone(ZoneInfo("Asia/Jayapura")).date()
    first = now.astimezone(NATIONAL_ZONE).date() - timedelta(days=domain.MEDIAN_DAYS)

    def more(row: dict[str, Any]) -> dict[str, Any]:
        today = now.astimezone(_zone(row)).date()
        figures = domain.recent(domain.Holdings(), recent_days(row["agency_id"], first, last), today)
        return {**row, "active_accounts": active_accounts(row["agency_id"]), "reports_30d": figures.reports_30d,
                "median_first_response_hours": figures.median_first_response_hours}

    completed = _parallel(more, rows)
    return [completed[r["agency_id"]] for r in rows]


def csv_text(actor: Actor, params: dict[str, str], now: datetime | None = None) -> tuple[str, int]:
    """``GET /agency/participation.csv``: every matching row (no paging), the same columns."""
    import csv
    import io

    from chalicelib.services.export import BOM

    query = parse_query(params)
    whole = report(actor, params, now)
    chosen = [r for r in whole["rows"] if domain.matches(r, query["status"])]
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(domain.COLUMNS)
    for r in chosen:
        writer.writerow([_cell(r[c]) for c in domain.COLUMNS])
    return out.getvalue(), len(chosen)


def _cell(value: Any) -> str:
    from chalicelib.services.export import safe_text

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_text(str(value))


# --- GET /stats connected_pct --------------------------------------------------------------------

def connected_pct(scope: str, now: datetime | None = None) -> float | None:
    """The share of a province's (or the country's) agencies that is connected. A public number:
    computed at most once every few minutes per function instance, so that an anonymous caller
    cannot make every request cost a Query per agency."""
    import time

    kind, _, code = scope.partition(":")
    if kind not in ("national", "province"):
        return None
    cached = _connected_cache.get(scope)
    if cached and time.monotonic() - cached[0] < CONNECTED_CACHE_SECONDS and now is None:
        return cached[1]
    moment = now or clock.now()
    if kind == "national":
        agencies = [describe(m) for level in LEVELS for m in AgencyModel.level_index.query(level)]
    else:
        agencies = [describe(m) for m in AgencyModel.province_index.query(code)]
    value = domain.totals(rows_for(agencies, moment, with_holdings=False))["connected_pct"]
    _connected_cache[scope] = (time.monotonic(), value)
    return value
