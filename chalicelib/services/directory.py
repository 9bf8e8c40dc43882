"""Reference data and the agency directory (SPEC §7 ``/regions``, ``/categories``, ``/agencies``)."""

from __future__ import annotations

import base64
import json
from typing import Any

from pynamodb.exceptions import DoesNotExist, QueryError

from chalicelib.domain.agencies import LEVELS, Agency
from chalicelib.domain.reference import CATEGORIES, KINDS, regions
from chalicelib.errors import BadRequest, NotFound, Problem, ValidationFailed, transient_code, unavailable
from chalicelib.models import AgencyModel

MAX_PAGE = 1000


def categories() -> dict[str, Any]:
    return {
        "categories": [{"code": c.code, "label_id": c.label_id, "label_en": c.label_en} for c in CATEGORIES],
        "kinds": [{"code": k, "label_id": ids, "label_en": en} for k, (ids, en) in KINDS.items()],
    }


def provinces() -> dict[str, Any]:
    return {"provinces": [{"code": p.code, "name": p.name, "time_zone": p.time_zone}
                          for p in regions().provinces.values()]}


def province(code: str) -> dict[str, Any]:
    found = regions().provinces.get(code)
    if found is None:
        raise NotFound(f"no province with code {code}")
    return {"code": found.code, "name": found.name, "time_zone": found.time_zone,
            "regencies": [{"code": r.code, "name": r.name} for r in regions().regencies_of(code)]}


def agency_to_dict(m: AgencyModel) -> dict[str, Any]:
    """The public directory entry: never the webhook secret."""
    return {
        "agency_id": m.agency_id, "name": m.name, "level": m.level, "parent_id": m.parent_id,
        "province_code": m.province_code, "regency_code": m.regency_code,
        "emails": list(m.emails or []), "has_webhook": bool(m.webhook_url),
        "notify": m.notify or "immediate",
    }


def agency_from_model(m: AgencyModel) -> Agency:
    return Agency(m.agency_id, m.name, m.level, m.parent_id, tuple(m.path),
                  province_code=m.province_code, regency_code=m.regency_code,
                  emails=tuple(m.emails or ()), webhook_url=m.webhook_url,
                  webhook_secret=m.webhook_secret, webhook_previous_secret=m.webhook_previous_secret,
                  webhook_previous_until=m.webhook_previous_until, notify=m.notify or "immediate")


def get_agency(agency_id: str) -> Agency:
    try:
        return agency_from_model(AgencyModel.get(agency_id))
    except DoesNotExist:
        raise NotFound(Problem("no_agency", f"no agency {agency_id}", agency_id=agency_id)) from None


def agency_detail(agency_id: str) -> dict[str, Any]:
    try:
        model = AgencyModel.get(agency_id)
    except DoesNotExist:
        raise NotFound(Problem("no_agency", f"no agency {agency_id}", agency_id=agency_id)) from None
    return {**agency_to_dict(model), "path": list(model.path)}


def encode_cursor(key: dict[str, Any] | None, extra: dict[str, Any] | None = None) -> str | None:
    if not key:
        return None
    raw = json.dumps({"k": key, **(extra or {})}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(value, dict) or not _is_key(value.get("k")):
            raise ValueError
        stamp = value.get("t", 0)
        if isinstance(stamp, bool) or not isinstance(stamp, int | float):
            raise ValueError
        return value
    except (ValueError, TypeError, RecursionError):
        raise BadRequest("invalid cursor", fields={"cursor": "not a cursor this API gave out"}) from None


def _is_key(key: Any) -> bool:
    """A DynamoDB key as this API writes it: a few attributes, each one string or number. A forged
    cursor of any other shape is refused here, before it reaches DynamoDB (SPEC §11)."""
    if key == {"start": True}:  # the directory's "from the top of the next index" mark
        return True
    if not isinstance(key, dict) or len(key) > 6:
        return False
    return all(isinstance(name, str) and isinstance(attr, dict) and len(attr) == 1
               and next(iter(attr)) in ("S", "N") and isinstance(next(iter(attr.values())), str)
               and len(next(iter(attr.values()))) <= 1024
               for name, attr in key.items())


def list_agencies(level: str | None = None, province_code: str | None = None,
                  regency_code: str | None = None, limit: int = 100,
                  cursor: str | None = None) -> dict[str, Any]:
    """Always an index Query: by regency, by province, or by level (default: every level)."""
    if level is not None and level not in LEVELS:
        raise ValidationFailed("unknown level", fields={"level": f"one of {', '.join(LEVELS)}"})
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed("bad limit", fields={"limit": f"must be 1–{MAX_PAGE}"})
    state = decode_cursor(cursor)
    start = state["k"] if state and "start" not in state["k"] else None
    condition = AgencyModel.level == level if level else None
    if regency_code:
        pages = [("regency", regency_code)]
    elif province_code:
        pages = [("province", province_code)]
    elif level:
        pages, condition = [("level", level)], None
    else:
        pages = [("level", lv) for lv in LEVELS]
    if state and state.get("p") in [p for _, p in pages]:
        pages = pages[[p for _, p in pages].index(state["p"]):]
    items: list[dict[str, Any]] = []
    next_cursor = None
    indexes = {"regency": AgencyModel.regency_index, "province": AgencyModel.province_index,
               "level": AgencyModel.level_index}
    try:
        for kind, value in pages:
            result = indexes[kind].query(value, filter_condition=condition, limit=limit - len(items),
                                         last_evaluated_key=start)
            items.extend(agency_to_dict(m) for m in result)
            start = None
            if result.last_evaluated_key:
                next_cursor = encode_cursor(result.last_evaluated_key, {"p": value})
                break
            if len(items) >= limit:
                following = pages[pages.index((kind, value)) + 1:]
                if following:
                    next_cursor = encode_cursor({"start": True}, {"p": following[0][1]})
                break
    except QueryError as error:
        # Throttling is the service's trouble, not the caller's: retry later. Anything else with a
        # cursor is a cursor DynamoDB would not take.
        if transient_code(error) or not cursor:
            raise (unavailable() if transient_code(error) else error) from error
        raise BadRequest("invalid cursor", fields={"cursor": "not a cursor this API gave out"}) from error
    return {"agencies": items, "next_cursor": next_cursor}
