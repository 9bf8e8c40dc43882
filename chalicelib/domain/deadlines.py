"""Which clock runs when, and how it pauses and resumes (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import Settings
from chalicelib.domain import workdays
from chalicelib.domain.reference import zone_of

# Clocks counted in working days; "resolution" is in calendar days.
WORKING_CLOCKS = ("verification", "first_response", "reporter_reply")


_DEFAULTS = Settings()  # the defaults live in config.Settings, nowhere else


@dataclass(frozen=True)
class Limits:
    """The time limits a decision uses (SPEC §5). ``Limits()`` is the defaults; the services pass
    ``Limits.from_settings(get_settings())``."""

    verification_days: int = _DEFAULTS.verification_days
    first_response_days: int = _DEFAULTS.first_response_days
    reporter_window_days: int = _DEFAULTS.reporter_window_days
    resolution_calendar_days: int = _DEFAULTS.resolution_calendar_days
    escalation_step_days: int = _DEFAULTS.escalation_step_days
    max_reopens: int = _DEFAULTS.max_reopens

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


def verification_deadline(now: datetime, province_code: str, limits: Limits) -> datetime:
    return workdays.working_deadline(now, limits.verification_days, zone_of(province_code))


def first_response_deadline(now: datetime, province_code: str, limits: Limits) -> datetime:
    return workdays.working_deadline(now, limits.first_response_days, zone_of(province_code))


def reporter_deadline(now: datetime, province_code: str, limits: Limits) -> datetime:
    return workdays.working_deadline(now, limits.reporter_window_days, zone_of(province_code))


def resolution_deadline(start: datetime, limits: Limits) -> datetime:
    return start + timedelta(days=limits.resolution_calendar_days)


def is_past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline


def remaining(deadlines: dict[str, datetime], now: datetime, province_code: str) -> dict[str, Any]:
    """What is left of each running clock at a pause: working days, or seconds for calendar ones."""
    zone = zone_of(province_code)
    left: dict[str, Any] = {}
    for name, due in deadlines.items():
        if name in WORKING_CLOCKS:
            left[name] = {"working_days": workdays.working_days_left(now, due, zone)}
        else:
            left[name] = {"seconds": max(0, int((due - now).total_seconds()))}
    return left


def resume(left: dict[str, Any], now: datetime, province_code: str) -> dict[str, datetime]:
    """Restart paused clocks with the time that was left."""
    zone = zone_of(province_code)
    deadlines: dict[str, datetime] = {}
    for name, amount in left.items():
        if "working_days" in amount:
            deadlines[name] = workdays.working_deadline(now, int(amount["working_days"]), zone)
        else:
            deadlines[name] = now + timedelta(seconds=int(amount["seconds"]))
    return deadlines
