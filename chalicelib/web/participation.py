"""What the console's participation and evaluation pages are given (SPEC §14).

The numbers are the API's (``services/participation.report``, ``services/evaluation.evaluate``);
here they are sorted for the table, given their province names, and the CSV links are built with
the same filters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import participation as domain
from chalicelib.domain.reference import regions
from chalicelib.errors import ValidationFailed

SORTABLE = ("name", "active_accounts", "last_sign_in_at", "last_action_at", "held", "overdue", "reports_30d",
            "median_first_response_hours")
NATIONAL_PROVINCE = "31"  # times on the national pages read in WIB


def _province_of(visit: Any) -> str:
    from chalicelib.models import AgencyModel

    try:
        return AgencyModel.get(visit.actor.agency_id).province_code or NATIONAL_PROVINCE
    except DoesNotExist:  # only the time zone of the page's times depends on it
        return NATIONAL_PROVINCE


def _sorted(rows: list[dict[str, Any]], sort: str | None) -> tuple[list[dict[str, Any]], str]:
    key = (sort or "").lstrip("-")
    if key not in SORTABLE:
        return rows, ""
    descending = (sort or "").startswith("-")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: r[key].lower() if isinstance(r[key], str) else r[key], reverse=descending)
    return present + missing, sort or ""


def participation_context(visit: Any) -> dict[str, Any]:
    from chalicelib.services import participation

    filters = {k: v for k, v in visit.params.items() if k in ("status", "province_code", "sort") and v}
    query = {k: v for k, v in filters.items() if k != "sort"}
    answer = participation.report(visit.actor, query)
    rows = [r for r in answer["rows"] if domain.matches(r, query.get("status"))]
    rows, sort = _sorted(rows, filters.get("sort"))
    names = {code: p.name for code, p in regions().provinces.items()}
    national = visit.actor.role == "national_admin"
    return {
        "answer": answer, "rows": rows, "filters": filters, "sort": sort,
        "statuses": [(s, _status_label(visit.lang, s)) for s in domain.STATUSES],
        "provinces": sorted(names.items(), key=lambda kv: kv[1]) if national else [],
        "by_province": [(code, names.get(code, code), t) for code, t in answer["by_province"].items()]
        if national and not query.get("province_code") else [],
        "csv_url": visit.root + "agency/participation.csv" + (("?" + urlencode(query)) if query else ""),
        "province_of_page": _province_of(visit),
    }


def _status_label(lang: str, status: str) -> str:
    from chalicelib.web.templating import gettext

    return gettext(lang, f"part_status_{status}")


def evaluation_context(visit: Any) -> tuple[dict[str, Any], int]:
    from chalicelib.services import evaluation
    from chalicelib.web import console

    month = visit.params.get("month") or None
    base = {"month_value": month or "", "province_of_page": _province_of(visit), "errors": {}, "result": None}
    try:
        result = evaluation.evaluate(visit.actor, month)
    except ValidationFailed as error:
        return {**base, "errors": console.field_messages(visit.lang, error.fields)}, 422
    result["figures_by_metric"] = {f["metric"]: f for f in result["figures"]}
    scope_name = _scope_name(visit)
    query = {"month": result["month"]}
    return {**base, "month_value": result["month"], "result": result, "scope_name": scope_name,
            "csv_url": visit.root + "agency/evaluation.csv?" + urlencode(query)}, 200


def _scope_name(visit: Any) -> str:
    from chalicelib.models import AgencyModel
    from chalicelib.web.templating import gettext

    if visit.actor.role == "national_admin":
        return gettext(visit.lang, "eval_scope_national")
    try:
        return AgencyModel.get(visit.actor.agency_id).name
    except DoesNotExist:
        return visit.actor.agency_id
