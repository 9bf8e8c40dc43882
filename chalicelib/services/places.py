"""Places (SPEC §12): locate a point; reports near a point; supporting a report instead of filing it."""

from __future__ import annotations

import math
from typing import Any

from chalicelib.domain import places
from chalicelib.errors import NotInARegency, ValidationFailed


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
