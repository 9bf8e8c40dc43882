"""What the staff console's pages need (SPEC §10 "The console"), on top of the API's use cases:

- ``inbox(actor, params)``: the caller's scope with the API's filters, narrowed to one agency below
  a coordinator, newest first (one index Query per page, as ``GET /agency/complaints``) or most
  urgent deadline first (the oldest open reports of the scope, at most ``URGENT_WINDOW``, sorted by
  their next deadline: bounded reads, never a Scan);
- ``agencies_in_scope(actor)``: the agencies a picker may offer (the caller's own and those below
  it; an officer only their own); always index Queries;
- ``report(actor, tracking_id)``: the staff view with the actions this account may take now.

Scope is enforced here and again by the services below (``actions``, ``inbox``): a coordinator
never sees or picks an agency outside their subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, QueryError

from chalicelib.adapters import clock
from chalicelib.domain import urgency, views
from chalicelib.domain.complaint import ACTIONS, Actor, Status
from chalicelib.domain.names import Role
from chalicelib.domain.reference import regions
from chalicelib.errors import Forbidden, Problem, ValidationFailed, transient_code, unavailable
from chalicelib.models import AgencyModel
from chalicelib.services import actions
from chalicelib.services import inbox as inbox_service

PAGE_SIZE = 25
URGENT_WINDOW = 300
SORTS = ("newest", "urgent")
# The statuses whose clock runs for staff (waiting for the reporter, resolved: the reporter's turn).
URGENT_STATUSES = (Status.SUBMITTED.value, Status.FORWARDED.value, Status.IN_PROGRESS.value)


@dataclass(frozen=True)
class Listing:
    items: list[dict[str, Any]]
    next_cursor: str | None = None  # newest first
    page: int = 1  # most urgent first: pages of the sorted window
    pages: int = 1
    window_full: bool = False  # more open reports than the window holds


def _storage(error: Exception) -> Exception:
    return unavailable() if transient_code(error) else error


# -- agencies -------------------------------------------------------------------------------------

def _row(m: AgencyModel) -> dict[str, Any]:
    return {"agency_id": m.agency_id, "name": m.name, "level": m.level, "parent_id": m.parent_id,
            "path": list(m.path), "province_code": m.province_code, "regency_code": m.regency_code}


def _load_agency(agency_id: str) -> AgencyModel:
    try:
        return AgencyModel.get(agency_id)
    except DoesNotExist:
        raise ValidationFailed("unknown agency", fields={"agency": "unknown agency"}) from None
    except GetError as error:
        raise _storage(error) from error


def agencies_in_scope(actor: Actor) -> list[dict[str, Any]]:
    """The caller's agency and every agency below it (national admin: all), sorted by their place
    in the hierarchy. Index Queries only: by regency, by province, by parent, or by level."""
    try:
        if actor.role == Role.NATIONAL_ADMIN:
            found = [m for level in ("national", "ministry", "province", "regency", "unit")
                     for m in AgencyModel.level_index.query(level)]
        else:
            own = AgencyModel.get(actor.agency_id)
            if actor.role == Role.OFFICER:
                found = [own]
            elif own.regency_code:
                found = list(AgencyModel.regency_index.query(own.regency_code))
            elif own.province_code:
                found = list(AgencyModel.province_index.query(own.province_code))
            else:
                found = _descendants(own)
            found = [m for m in found if actor.agency_id in (m.path or ())]
    except (QueryError, GetError) as error:
        raise _storage(error) from error
    except DoesNotExist:
        return []
    rows = [_row(m) for m in found]
    rows.sort(key=lambda r: (len(r["path"]) > 1, r["province_code"] or "", len(r["path"]), r["name"].lower()))
    return rows


def _descendants(root: AgencyModel) -> list[AgencyModel]:
    """A ministry's subtree, level by level through the parent index."""
    found, frontier = [root], [root.agency_id]
    while frontier:
        children = [m for parent in frontier for m in AgencyModel.parent_index.query(parent)]
        found += children
        frontier = [m.agency_id for m in children]
    return found


def narrowed(actor: Actor, agency_id: str | None) -> tuple[Actor, dict[str, Any] | None]:
    """The inbox's scope: the caller's own, or one agency below a coordinator (or the national
    admin) taken as the root of the scope. Another agency is 403, not an empty list."""
    if not agency_id or agency_id == actor.agency_id:
        return actor, None
    if actor.role == Role.OFFICER:
        raise Forbidden(Problem("officer_own_agency", "an officer sees the reports of their own agency"))
    agency = _load_agency(agency_id)
    path = tuple(agency.path or ())
    if actor.role != Role.NATIONAL_ADMIN and actor.agency_id not in path:
        raise Forbidden(Problem("agency_outside_scope", "this agency is outside your scope"))
    return Actor(Role.COORDINATOR, agency.agency_id, path), _row(agency)


# -- the inbox ------------------------------------------------------------------------------------

def parse_sort(value: str | None) -> str:
    return value if value in SORTS else "newest"


def _decorate(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = clock.now()
    for item in items:
        item["urgency"] = urgency.urgency(item, now)
    return items


def inbox(actor: Actor, params: dict[str, str], *, statuses: tuple[str, ...] | None = None,
          sort: str | None = None) -> Listing:
    """One page of the inbox (``params``: the API's filters, ``agency``, ``sort``, ``cursor``,
    ``page``). ``statuses`` fixes the status filter (the verification queue)."""
    filters = inbox_service.parse_filters(params)
    if statuses is not None:
        filters["status"] = list(statuses)
    scope, _ = narrowed(actor, params.get("agency") or None)
    sort = sort or parse_sort(params.get("sort"))
    if sort == "newest":
        answer = inbox_service.page(scope, filters, PAGE_SIZE, params.get("cursor") or None)
        return Listing(_decorate(answer["complaints"]), next_cursor=answer["next_cursor"])
    if not filters.get("status"):
        filters["status"] = list(URGENT_STATUSES)
    window, full = [], False
    now = clock.now()
    for batch in inbox_service.pages(scope, filters, inbox_service.MAX_LIMIT, newest_first=False):
        window += [views.inbox_item(c, now) for c in batch]
        if len(window) >= URGENT_WINDOW:
            window, full = window[:URGENT_WINDOW], True
            break
    window.sort(key=urgency.sort_key)
    pages = max(1, -(-len(window) // PAGE_SIZE))
    try:
        page = min(max(1, int(params.get("page") or 1)), pages)
    except ValueError:
        page = 1
    items = window[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return Listing(_decorate(items), page=page, pages=pages, window_full=full)


# -- one report -------------------------------------------------------------------------------------

def available_actions(actor: Actor, report: dict[str, Any]) -> list[str]:
    """The actions this account may take on the report now (SPEC §4: status and role)."""
    status = report.get("status")
    return [name for name, rule in ACTIONS.items()
            if status in rule.from_statuses and (rule.roles is None or actor.role in rule.roles)]


def report(actor: Actor, tracking_id: str) -> dict[str, Any]:
    """The staff view (scope checked), its urgency and the actions this account may take."""
    view = actions.staff_view(actor, tracking_id)
    view["urgency"] = urgency.urgency(view, clock.now())
    view["actions"] = available_actions(actor, view)
    return view


def act(actor: Actor, tracking_id: str, body: dict[str, Any], seen_version: int | None) -> dict[str, Any]:
    """A staff action from the report page. ``seen_version`` is the version the page showed: if
    someone acted since, nothing is done (409) and the page shows the report as it is now."""
    return actions.act(actor, tracking_id, body, expected_version=seen_version)


def still_visible(actor: Actor, view: dict[str, Any]) -> bool:
    """Whether the report (a staff view) is still in the caller's scope after their action."""
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.agency_id in (view.get("agency_path") or ())
    return view.get("agency_id") == actor.agency_id


def region_name(report: dict[str, Any]) -> str:
    data = regions()
    regency = data.regencies.get(report.get("regency_code") or "")
    province = data.provinces.get(report.get("province_code") or "")
    return ", ".join(part.name for part in (regency, province) if part)
