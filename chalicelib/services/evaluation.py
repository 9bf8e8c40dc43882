"""The monthly evaluation (SPEC §14 ``/staff/evaluation``, ``GET /agency/evaluation``).

For the caller's scope (a coordinator: their agency and everything below it, ``within:<id>``; the
national admin: ``national``) and a month: three Queries on the statistics counters (the month, the
month before, the same month a year before) and the participation of every agency in the scope
(``services/participation``: per agency its accounts, its open reports from the ``open-index``
and whether it acted in the month). Never a Scan.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.adapters import clock
from chalicelib.domain import evaluation as domain
from chalicelib.domain import stats
from chalicelib.domain.complaint import Actor
from chalicelib.domain.names import Role
from chalicelib.domain.reference import WIT
from chalicelib.errors import Forbidden, Problem
from chalicelib.services import participation
from chalicelib.services import stats as stats_service

CSV_COLUMNS = ("section", "item", "month", "month_before", "year_before", "explanation_id", "explanation_en")


def scope_of(actor: Actor) -> str:
    if actor.role == Role.NATIONAL_ADMIN:
        return "national"
    if actor.role == Role.COORDINATOR and actor.agency_id:
        return stats_service.subtree_scope(actor.agency_id)
    raise Forbidden(Problem("evaluation_roles", "the evaluation is for coordinators and the national admin"))


def evaluate(actor: Actor, month_text: str | None, now: datetime | None = None) -> dict[str, Any]:
    scope = scope_of(actor)
    now = now or clock.now()
    month = domain.parse_month(month_text, now.astimezone(ZoneInfo(WIT)).date())
    periods = {"month": month, "month_before": month.before(), "year_before": month.year_before()}
    with ThreadPoolExecutor(max_workers=3) as pool:  # three Queries at once
        found = list(pool.map(lambda m: stats_service.read_days(scope, m.first, m.last), periods.values()))
    summaries = {name: stats.summarize(stats.sum_days(days)) for name, days in zip(periods, found, strict=True)}
    # what the agencies hold now, not their 30-day figures nor their accounts (it shows none of them)
    whole = participation.report(actor, {}, now, acted=(month.first, month.last), with_recent=False,
                                 with_accounts=participation.UNLESS_KEY)
    acted = sum(1 for r in whole["rows"] if r.get("acted"))
    return {
        "scope": scope, "month": str(month), "from": month.first.isoformat(), "to": month.last.isoformat(),
        "title_id": f"Evaluasi Bulanan Pengelolaan Pengaduan — {month.label('id')}",
        "title_en": f"Monthly complaint-handling evaluation — {month.label('en')}",
        "as_of": now.isoformat(timespec="seconds"),
        "figures": domain.figures(month, summaries),
        "summary": {name: {k: s[k] for k in ("total", "resolved", "forwarded", "resolved_pct", "on_time_pct",
                                              "median_first_response_hours", "overdue")}
                    for name, s in summaries.items()},
        "participation": domain.participation_summary(whole["totals"], acted),
        "participation_by_level": whole["by_level"],
        "participation_by_province": whole["by_province"] if scope == "national" else {},
        "most_overdue": domain.most_overdue(whole["rows"]),
        "not_connected": [{"agency_id": r["agency_id"], "name": r["name"], "parent_name": r.get("parent_name")}
                          for r in whole["rows"] if not r["connected"]],
        "silent": [{"agency_id": r["agency_id"], "name": r["name"], "held": r["held"], "overdue": r["overdue"],
                    "last_action_at": r["last_action_at"]} for r in whole["rows"] if r["silent"]],
        "categories_grown": domain.grown_categories(month, summaries["month"]["by_category"],
                                                    summaries["month_before"]["by_category"]),
    }


def csv_text(result: dict[str, Any]) -> str:
    from chalicelib.services.export import BOM, safe_text

    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)

    def cell(value: Any) -> str:
        return "" if value is None else safe_text(str(value))

    for f in result["figures"]:
        writer.writerow([cell(v) for v in ("figure", f["metric"], f["month"], f["month_before"], f["year_before"],
                                           f["explanation_id"], f["explanation_en"])])
    p = result["participation"]
    writer.writerow([cell(v) for v in ("participation", "connected", p["connected"], "", "", p["explanation_id"],
                                       p["explanation_en"])])
    for a in result["most_overdue"]:
        writer.writerow([cell(v) for v in ("most_overdue", a["agency_id"], a["overdue"], "", "",
                                           a["explanation_id"], a["explanation_en"])])
    for c in result["categories_grown"]:
        writer.writerow([cell(v) for v in ("category_grown", c["category"], c["month"], c["month_before"], "",
                                           c["explanation_id"], c["explanation_en"])])
    for a in result["not_connected"]:
        writer.writerow([cell(v) for v in ("not_connected", a["agency_id"], "", "", "", a["name"],
                                           a["parent_name"])])
    return out.getvalue()
