"""The staff console's pages (SPEC §10 "The console"): what each template is given.

Every page is rendered on the server and works without JavaScript: each action is a plain form
post carrying the session's CSRF token; ``static/console.js`` makes the forward picker searchable
and the scorecard table sortable. Links are relative to the page (``root`` leads back to the site's
root), so the console also works below an API Gateway stage path. Bahasa Indonesia by default,
English with ``?lang=en`` (kept in every link and form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.complaint import STATUS_LABELS, Actor, Status
from chalicelib.domain.names import STAFF_ROLES, VERIFIERS, Role
from chalicelib.domain.reference import CATEGORIES
from chalicelib.web import text
from chalicelib.web.templating import render, translations

ROLE_KEYS = {role: f"role_{role}" for role in STAFF_ROLES}  # the catalogs' role_national_admin, …
# The fields of each action form, and the one that carries the note (SPEC §4: required for all but forward).
NOTE_REQUIRED = {"forward": False, "reject": True, "return": True, "respond": True, "request_info": True,
                 "resolve": True}


@dataclass
class Visit:
    """One request to the console: who (None before signing in), in which language, where."""

    lang: str
    root: str  # "../../" from /staff/reports/X back to the site's root
    here: str  # this page from the root, without the query ("staff/reports/LPR-…")
    params: dict[str, str] = field(default_factory=dict)
    actor: Actor | None = None
    session: Any = None  # services.sessions.StaffSession, None for an API key

    @property
    def csrf(self) -> str:
        return self.session.csrf_token if self.session is not None else ""

    def link(self, path: str, **params: Any) -> str:
        """A link to ``path`` (from the site's root), keeping the language."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if self.lang == "en":
            query["lang"] = "en"
        return self.root + path + (("?" + urlencode(query)) if query else "")


def _switch(visit: Visit) -> str:
    params = {k: v for k, v in visit.params.items() if k != "lang"}
    if visit.lang != "en":
        params["lang"] = "en"
    return visit.root + visit.here + (("?" + urlencode(params)) if params else "")


def _nav(visit: Visit) -> list[tuple[str, str, str]]:
    """(key, href, path) of the menu for this account's role."""
    if visit.actor is None:
        return []
    items = [("nav_inbox", visit.link("staff"), "staff")]
    role = visit.actor.role
    if role in VERIFIERS:
        items.append(("nav_queue", visit.link("staff/queue"), "staff/queue"))
    items.append(("nav_dashboard", visit.link("staff/dashboard"), "staff/dashboard"))
    if role in VERIFIERS:  # SPEC §14
        items += [("nav_participation", visit.link("staff/participation"), "staff/participation"),
                  ("nav_evaluation", visit.link("staff/evaluation"), "staff/evaluation")]
    if role in VERIFIERS:
        items.append(("nav_users", visit.link("staff/admin/users"), "staff/admin/users"))
    if role == Role.NATIONAL_ADMIN:
        items += [("nav_agencies", visit.link("staff/admin/agencies"), "staff/admin/agencies"),
                  ("nav_rules", visit.link("staff/admin/rules"), "staff/admin/rules"),
                  ("nav_keys", visit.link("staff/admin/keys"), "staff/admin/keys")]
    return items


def page(visit: Visit, template: str, **context: Any) -> str:
    me = None
    if visit.actor is not None:
        me = {"name": (visit.session.name if visit.session is not None else None) or visit.actor.label
              or visit.actor.agency_id, "role": visit.actor.role, "agency_id": visit.actor.agency_id}
    return render(template, visit.lang, visit=visit, root=visit.root, csrf=visit.csrf, me=me, nav=_nav(visit),
                  here=visit.here, switch_url=_switch(visit), role_keys=ROLE_KEYS, **context)


# -- shared pieces ---------------------------------------------------------------------------------

def status_options(lang: str) -> list[tuple[str, str]]:
    return [(s.value, pair[1] if lang == "en" else pair[0]) for s, pair in STATUS_LABELS.items()
            if isinstance(s, Status)]


def category_options(lang: str) -> list[tuple[str, str]]:
    return [(c.code, c.label_en if lang == "en" else c.label_id) for c in CATEGORIES]


def agency_options(agencies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Indented by depth below the first (the caller's own) agency, so the tree reads in a select."""
    if not agencies:
        return []
    top = min(len(a["path"]) for a in agencies)
    return [(a["agency_id"], "\u2003" * (len(a["path"]) - top) + a["name"]) for a in agencies]


def field_messages(lang: str, fields: dict[str, str]) -> dict[str, str]:
    return {name: text.server_message(lang, message) for name, message in (fields or {}).items()}


def empty_listing() -> Any:
    from chalicelib.services.console import Listing

    return Listing([])


def roles_for(actor: Actor) -> list[str]:
    """The roles this account may give (a coordinator never makes a national admin)."""
    if actor.role == Role.NATIONAL_ADMIN:
        return [Role.OFFICER, Role.COORDINATOR, Role.NATIONAL_ADMIN]
    return [Role.OFFICER, Role.COORDINATOR]


def province_options() -> list[tuple[str, str]]:
    from chalicelib.domain.reference import regions

    data = regions()
    out = []
    for province in data.provinces.values():
        out.append((province.code, province.name))
        out += [(r.code, "\u2003" + r.name) for r in data.regencies_of(province.code)]
    return out


def search_agencies(agencies: list[dict[str, Any]], q: str, limit: int = 100) -> list[dict[str, Any]]:
    """Agencies whose name or id holds every word of ``q`` (the directory is a few hundred rows)."""
    words = [w for w in q.lower().split() if w]
    found = [a for a in agencies if all(w in (a["name"] + " " + a["agency_id"]).lower() for w in words)]
    return found[:limit]


def qr_svg(uri: str) -> str:
    """The TOTP set-up link as a QR code, drawn here as SVG (segno: pure Python, no Pillow)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False)


# -- scorecards --------------------------------------------------------------------------------------

def _month_label(lang: str, month: str) -> str:
    """``2026-06`` -> ``Jun 2026``."""
    year, number = month.split("-")[:2]
    return f"{text.months(lang)[int(number) - 1][:3]} {year}"


def scorecards(lang: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The API's scorecards, with what the page says about each row: a row whose reports are all
    still waiting says so (never a bare "–"), months read "Jun 2026"."""
    rows = []
    for row in answer.get("agencies", []):
        rows.append({**row, "stuck": bool(row.get("reports")) and not row.get("resolved")})
    months = [{**m, "label": _month_label(lang, m["month"])} for m in answer.get("by_month", [])]
    return {**answer, "agencies": rows, "by_month": months}


def dashboard_charts(lang: str, answer: dict[str, Any]) -> dict[str, str]:
    from chalicelib.web import charts

    months = [{**m, "label": _month_label(lang, m["month"])} for m in answer.get("by_month", [])]
    return {"monthly": charts.monthly_reports(months, text.t(lang, "dash_chart_monthly"),
                                              bar=translations(lang).gettext("dash_chart_bar"),
                                              empty=text.t(lang, "dash_chart_empty")),
            "resolution": charts.resolution_by_agency(answer.get("agencies", []),
                                                      text.t(lang, "dash_chart_resolution"),
                                                      missing=text.t(lang, "dash_stuck"),
                                                      empty=text.t(lang, "dash_chart_no_agencies"))}
