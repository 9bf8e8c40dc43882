"""The working-day clock (SPEC §5).

Working days are Monday to Friday minus Indonesian public holidays *and* cuti bersama (the
``holidays`` package, categories ``public`` and ``government``; for the years of
``data/holidays-ID.json`` read from that table, written from the same package by
``python -m devtools.holidays_table``, because loading the package costs a cold start ~0.15 s).
The day a clock starts does not count; a deadline is the end (23:59:59) of the N-th working day
after it, in the time zone of the report's region.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59, 59)
TABLE = Path(__file__).resolve().parent.parent / "data" / "holidays-ID.json"
TABLE_YEARS = (2020, 2040)


def holidays_from_package(year: int) -> frozenset[date]:
    import holidays

    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(calendar.keys())


@cache
def _table() -> dict[str, list[str]]:
    return json.loads(TABLE.read_text())


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    days = _table().get(str(year))
    if days is None:
        return holidays_from_package(year)
    return frozenset(date.fromisoformat(d) for d in days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=zone)


def nth_working_day_after(day: date, n: int) -> date:
    """The n-th working day strictly after ``day``; n = 0 gives ``day`` itself."""
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    while n > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def previous_working_day(day: date) -> date:
    current = day - timedelta(days=1)
    while not is_working_day(current):
        current -= timedelta(days=1)
    return current


def working_deadline(start: datetime, n: int, zone: ZoneInfo) -> datetime:
    """End of the n-th working day after ``start``'s local date."""
    local_day = start.astimezone(zone).date()
    return end_of_day(nth_working_day_after(local_day, n), zone)


def working_days_between(first: date, last: date) -> int:
    """Working days d with first < d <= last (0 when last is not after first)."""
    count, current = 0, first
    while current < last:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def working_days_left(now: datetime, deadline: datetime, zone: ZoneInfo) -> int:
    """Working days d with today < d <= the deadline's day (0 when due today or past)."""
    return working_days_between(now.astimezone(zone).date(), deadline.astimezone(zone).date())


def reminder_time(deadline: datetime, zone: ZoneInfo) -> datetime:
    """One working day before a deadline: the end of the working day before the deadline's day."""
    return end_of_day(previous_working_day(deadline.astimezone(zone).date()), zone)
