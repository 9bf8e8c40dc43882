"""An agency's inbox (SPEC §7 ``GET /agency/complaints``): always one index Query per page.

Which index serves the caller follows their scope (SPEC §1): an officer reads ``agency-index``
(their agency only); a coordinator at depth d reads ``scope{d}-index`` (their agency and every
agency below it); the national admin reads ``scope0-index`` (everything). Newest first. Filters on
status, overdue and category are DynamoDB filter expressions on that same Query; ``from``/``to``
narrow the key range (dates are read in WIB, the national time).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import QueryError

from chalicelib.adapters import clock
from chalicelib.domain import stats, views
from chalicelib.domain.complaint import Actor, Complaint, Status
from chalicelib.domain.names import Role
from chalicelib.domain.reference import CATEGORY_CODES, WIB
from chalicelib.errors import BadRequest, ValidationFailed, transient_code, unavailable
from chalicelib.models import ComplaintModel
from chalicelib.models.complaint import SCOPE_INDEXES
from chalicelib.models.mapping import from_model, utc_key
from chalicelib.services.directory import decode_cursor, encode_cursor

MAX_LIMIT = 100
CURSOR_LIFETIME = 24 * 3600
MAX_PAGES_PER_REQUEST = 3


def _index_for(actor: Actor) -> tuple[Any, str]:
    if actor.role == Role.NATIONAL_ADMIN:
        return SCOPE_INDEXES[0], actor.agency_path[0] if actor.agency_path else actor.agency_id
    if actor.role == Role.COORDINATOR:
        depth = max(0, len(actor.agency_path) - 1)
        if depth < len(SCOPE_INDEXES):
            return SCOPE_INDEXES[depth], actor.agency_id
    return ComplaintModel.agency_index, actor.agency_id


def parse_filters(params: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    filters: dict[str, Any] = {}
    statuses = [s for s in (params.get("status") or "").split(",") if s]
    if any(s not in Status.__members__.values() for s in statuses):
        fields["status"] = "one or more of: " + ", ".join(s.value for s in Status)
    filters["status"] = statuses
    overdue = (params.get("overdue") or "").lower()
    if overdue not in ("", "true", "false"):
        fields["overdue"] = "true or false"
    filters["overdue"] = {"true": True, "false": False}.get(overdue)
    category = params.get("category") or None
    if category and category not in CATEGORY_CODES:
        fields["category"] = "unknown category: see GET /categories"
    filters["category"] = category
    for name in ("from", "to"):
        raw = params.get(name)
        try:
            filters[name] = stats.parse_day(raw, name) if raw else None
        except ValidationFailed as error:
            fields.update(error.fields)
    if filters.get("from") and filters.get("to") and filters["from"] > filters["to"]:
        fields["to"] = "must not be before from"
    if fields:
        raise ValidationFailed("some filters are not valid", fields=fields)
    return filters


def _range(filters: dict[str, Any]) -> Any:
    zone = ZoneInfo(WIB)
    low = filters.get("from")
    high = filters.get("to")
    start = utc_key(datetime.combine(low, dtime.min, tzinfo=zone)) if low else "0"
    end = utc_key(datetime.combine(high + timedelta(days=1), dtime.min, tzinfo=zone)) if high else "~"
    return ComplaintModel.submitted_key.between(start, end)


def _filter(filters: dict[str, Any]) -> Any:
    condition = None

    def both(a: Any, b: Any) -> Any:
        return b if a is None else a & b

    if filters.get("status"):
        condition = both(condition, ComplaintModel.status.is_in(*filters["status"]))
    if filters.get("overdue") is not None:
        condition = both(condition, ComplaintModel.overdue == filters["overdue"])
    if filters.get("category"):
        condition = both(condition, ComplaintModel.category == filters["category"])
    return condition


def _query(actor: Actor, filters: dict[str, Any], limit: int, start: dict | None,
           newest_first: bool = True) -> tuple[list[Complaint], dict | None]:
    """Exactly one DynamoDB Query: up to ``limit`` items evaluated, fewer returned when filtered."""
    index, value = _index_for(actor)
    result = index.query(value, range_key_condition=_range(filters), filter_condition=_filter(filters),
                         scan_index_forward=not newest_first, page_size=limit, last_evaluated_key=start)
    raw = next(result.page_iter)
    items = [from_model(ComplaintModel.from_raw_data(item)) for item in raw.get("Items", [])]
    return items, result.page_iter.last_evaluated_key


def _fits(start: dict[str, Any], index: Any, scope_value: str, stamp: float) -> bool:
    """A cursor names exactly the keys of this index's items, in this inbox, made in the past."""
    keys = [part["AttributeName"] for part in index._get_schema()["key_schema"]]
    names = {"tracking_id", *keys}
    return (set(start) == names and start[keys[0]] == {"S": scope_value}
            and all("S" in value for value in start.values()) and stamp <= time.time() + 60)


def page(actor: Actor, filters: dict[str, Any], limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("bad limit", fields={"limit": f"must be 1–{MAX_LIMIT}"})
    index, scope_value = _index_for(actor)
    start = None
    state = decode_cursor(cursor)
    if state is not None:
        if state.get("s") != scope_value or state.get("i") != index.Meta.index_name:
            raise BadRequest("invalid cursor", fields={"cursor": "this cursor belongs to another inbox"})
        if time.time() - float(state.get("t", 0)) > CURSOR_LIFETIME:
            raise BadRequest("expired cursor", fields={"cursor": "expired: start again without a cursor"})
        start = state["k"]
        if not _fits(start, index, scope_value, float(state["t"])):
            raise BadRequest("invalid cursor", fields={"cursor": "not a cursor this API gave out"})
    items: list[Complaint] = []
    try:
        for _ in range(MAX_PAGES_PER_REQUEST):
            found, start = _query(actor, filters, limit - len(items), start)
            items.extend(found)
            if not start or len(items) >= limit:
                break
    except QueryError as error:
        # Throttling is the service's trouble, not the caller's: retry later. Anything else with a
        # cursor is a cursor DynamoDB would not take.
        if transient_code(error) or not cursor:
            raise (unavailable() if transient_code(error) else error) from error
        raise BadRequest("invalid cursor", fields={"cursor": "not a cursor this API gave out"}) from error
    now = clock.now()
    next_cursor = encode_cursor(start, {"s": scope_value, "i": index.Meta.index_name, "t": int(time.time())})
    return {"complaints": [views.inbox_item(c, now) for c in items], "next_cursor": next_cursor}


def pages(actor: Actor, filters: dict[str, Any], page_size: int = MAX_LIMIT,
          newest_first: bool = True) -> Iterator[list[Complaint]]:
    """Every report in the caller's scope matching ``filters``, newest (or oldest) first, a page at a time."""
    start = None
    while True:
        batch, start = _query(actor, filters, page_size, start, newest_first)
        if batch:
            yield batch
        if not start:
            return
