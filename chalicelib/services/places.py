"""Places (SPEC §12): locate a point; reports near a point; supporting a report instead of filing it."""

from __future__ import annotations

import math
import secrets
import time
from datetime import timedelta
from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import identifiers, places
from chalicelib.domain.complaint import status_label
from chalicelib.domain.complaint import support as support_report
from chalicelib.domain.reference import CATEGORY_CODES
from chalicelib.errors import NotInARegency, StaleVersion, ValidationFailed
from chalicelib.observability import count, logger
from chalicelib.services import limits, reports, store
from chalicelib.services.submit import check_idempotency_key


def coordinate(raw: Any, name: str, low: float, high: float) -> float:
    """A latitude or longitude from a query string or a body: a finite number in range, else 422."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{name} must be a number", fields={name: "must be a number"}) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValidationFailed(f"{name} out of range", fields={name: f"must be a number from {low:g} to {high:g}"})
    return value


def point(params: dict[str, str], lat: str = "lat", lon: str = "long") -> tuple[float, float]:
    missing = {name: "required" for name in (lat, lon) if params.get(name) in (None, "")}
    if missing:
        raise ValidationFailed("give both coordinates", fields=missing)
    return coordinate(params[lat], lat, -90, 90), coordinate(params[lon], lon, -180, 180)


def locate(lat: float, lon: float) -> dict[str, Any]:
    place = places.locate(lat, lon)
    if place is None:
        raise NotInARegency("the point is not inside any Indonesian regency or city (the sea, or abroad)")
    return {"province_code": place.province_code, "regency_code": place.regency_code, "name": place.name}


# --- nearby reports -------------------------------------------------------------------------------

NEARBY_DAYS = 60
NEARBY_SHOWN = 20
SHOWN_DECIMALS = 3
PER_CELL = 100


def nearby(lat: float, lon: float, category: str | None) -> dict[str, Any]:
    """Open, non-confidential reports of ``category`` within 1 km filed in the last 60 days, nearest
    first. One Query of the nearby index per covering cell (at most four); never a Scan."""
    if not category:
        raise ValidationFailed("category is required", fields={"category": "required: see GET /categories"})
    if category not in CATEGORY_CODES:
        raise ValidationFailed("unknown category", fields={"category": "unknown category: see GET /categories"})
    now = clock.now()
    found = []
    for c in store.nearby(places.cells_around(lat, lon), category, now - timedelta(days=NEARBY_DAYS), PER_CELL):
        if not c.listed_nearby:  # the index is written with the report: this is only a guard
            continue
        # From the point as Open311 shows it (3 decimals, about 100 m), never the exact one: else
        # distances from a few query points, or probing the 1 km edge, would give the exact spot
        # the public view does not show.
        distance = places.distance_m(lat, lon, round(c.latitude, SHOWN_DECIMALS), round(c.longitude, SHOWN_DECIMALS))
        if distance <= places.NEARBY_RADIUS_M:
            found.append((distance, c))
    found.sort(key=lambda pair: (pair[0], pair[1].tracking_id))
    return {"reports": [{"tracking_id": c.tracking_id, "title": c.title, "status": str(c.status),
                         "status_label": status_label(c.status), "distance_m": int(round(distance, -1)),
                         "supporters": c.supporters, "submitted_at": c.submitted_at.isoformat()}
                        for distance, c in found[:NEARBY_SHOWN]]}


# --- support ---------------------------------------------------------------------------------------

SUPPORT_KEY_DAYS = 61  # a support key is remembered for as long as the report can be listed nearby
# Supports of one report are version-checked writes of the same item: under a burst most lose the
# race, read again and retry after a short random pause.
SUPPORT_ATTEMPTS = 10


def _marker_id(tracking_id: str, key: str) -> str:
    return f"support#{tracking_id}#{identifiers.hash_secret(key)}"


def support(tracking_id: str, idempotency_key: str | None, source: str | None = None) -> tuple[dict[str, Any], bool]:
    """Count one supporter per Idempotency-Key (SPEC §12). Returns the answer and whether this
    request counted. Concurrent supports each count: a lost version race is read again and retried.
    Rate-limited like filing (SPEC §11): the same budget per address, in its own counter."""
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationFailed("Idempotency-Key is required", fields={
            "Idempotency-Key": "required: one key per supporter, so a resent support counts once"})
    check_idempotency_key(key)  # the same rule as filing
    tracking_id = reports.checked_id(tracking_id)
    limits.hit("support", "address", source, clock.now())
    for attempt in range(SUPPORT_ATTEMPTS):
        before = store.get(tracking_id, consistent=True)
        after = support_report(before)
        now = clock.now()
        try:
            saved = store.update_once(before, after, _marker_id(tracking_id, key),
                                      now + timedelta(days=SUPPORT_KEY_DAYS), [], now)
        except store.AlreadyDone:
            return {"tracking_id": tracking_id, "supporters": before.supporters, "counted": False}, False
        except StaleVersion:
            if attempt == SUPPORT_ATTEMPTS - 1:
                raise
            time.sleep((0.01 + secrets.randbelow(40) / 1000) * (1 + attempt / 2))
            continue
        count("ComplaintSupported", category=saved.category)
        logger.info("complaint supported", extra={"supporters": saved.supporters})
        return {"tracking_id": tracking_id, "supporters": saved.supporters, "counted": True}, True
    raise AssertionError("unreachable")


# --- the statistics map --------------------------------------------------------------------------------

def map_figures(level: str | None, metric: str | None, start: str | None,
                end: str | None) -> dict[str, Any]:
    """The figures of every province (38 Queries, a few at a time) or regency (514) from the same
    counters and the same summary as ``/stats``: ``{"level", "metric", "from", "to", "areas":
    [{"code", "name", **summary}]}``."""
    from chalicelib.domain import stats as figures
    from chalicelib.domain.reference import regions
    from chalicelib.services import stats
    from chalicelib.web import statmap

    level = level or "province"
    metric = metric or "resolved_pct"
    fields = {}
    if level not in statmap.LEVELS:
        fields["level"] = f"one of {', '.join(statmap.LEVELS)}"
    if metric not in statmap.METRICS:
        fields["metric"] = f"one of {', '.join(statmap.METRICS)}"
    if fields:
        raise ValidationFailed("bad map request", fields=fields)
    first, last = figures.date_range(start, end, stats.today())
    areas = regions().provinces if level == "province" else regions().regencies
    scopes = {code: f"{level}:{code}" for code in areas}
    counters = stats.read_many(list(scopes.values()), first, last)
    rows = [{"code": code, "name": areas[code].name, **figures.summarize(figures.sum_days(counters[scope]))}
            for code, scope in scopes.items()]
    return {"level": level, "metric": metric, "from": first.isoformat(), "to": last.isoformat(), "areas": rows}


def map_svg(found: dict[str, Any], lang: str | None = None) -> str:
    """The map's SVG, its words in ``lang`` (the statistics page's), or in both (``/stats/map.svg``)."""
    from chalicelib.web import statmap

    metric = found["metric"]
    return statmap.render(found["level"], metric, {row["code"]: row[metric] for row in found["areas"]},
                          {row["code"]: row["name"] for row in found["areas"]}, f"{found['from']} – {found['to']}",
                          lang)


def stats_map(level: str | None, metric: str | None, start: str | None, end: str | None) -> str:
    """``GET /stats/map.svg``."""
    return map_svg(map_figures(level, metric, start, end))
