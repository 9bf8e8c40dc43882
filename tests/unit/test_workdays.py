"""The working-day clock (SPEC §5): holidays and cuti bersama, time zones, year boundaries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import workdays
from chalicelib.domain.deadlines import Limits, first_response_deadline, remaining, resume, verification_deadline

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
LIMITS = Limits()


def test_spec_example_idul_fitri_and_nyepi_cluster():
    # Given a report filed in Jakarta on Tuesday 2026-03-17 09:00 WIB
    filed = datetime(2026, 3, 17, 9, 0, tzinfo=WIB)
    # When the 3-working-day verification deadline is computed
    due = verification_deadline(filed, "31", LIMITS)
    # Then the 18th–24th (Nyepi, Idul Fitri, cuti bersama, a weekend) do not count
    assert due.isoformat() == "2026-03-27T23:59:59+07:00"


@pytest.mark.parametrize("day", ["2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24",
                                 "2026-12-24", "2026-12-25", "2027-01-01"])
def test_holidays_and_cuti_bersama_are_not_working_days(day):
    assert not workdays.is_working_day(date.fromisoformat(day))


def test_weekend_does_not_count():
    # Given a Friday filing, when 1 working day is added, then Monday is the deadline day
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    assert workdays.working_deadline(friday, 1, WIB).date() == date(2026, 11, 30)


def test_christmas_and_new_year_across_the_year_boundary():
    # Given a filing on Wednesday 2026-12-23 (24th cuti bersama, 25th Christmas, weekend,
    # 2027-01-01 New Year)
    filed = datetime(2026, 12, 23, 10, 0, tzinfo=WIB)
    # Then 3 working days are Mon 28, Tue 29, Wed 30 December
    assert verification_deadline(filed, "31", LIMITS).date() == date(2026, 12, 30)
    # And 5 working days end on Mon 4 January 2027 (31 Dec, then 1 Jan is a holiday)
    assert first_response_deadline(filed, "31", LIMITS).date() == date(2027, 1, 4)


@pytest.mark.parametrize(("province", "zone", "offset"), [
    ("31", WIB, "+07:00"), ("73", WITA, "+08:00"), ("94", WIT, "+09:00"), ("51", WITA, "+08:00"),
    ("12", WIB, "+07:00"), ("81", WIT, "+09:00"), ("64", WITA, "+08:00"), ("61", WIB, "+07:00"),
])
def test_deadline_is_end_of_day_in_the_regions_time_zone(province, zone, offset):
    filed = datetime(2026, 11, 23, 9, 0, tzinfo=zone)  # a Monday
    due = verification_deadline(filed, province, LIMITS)
    assert due.isoformat() == f"2026-11-26T23:59:59{offset}"


def test_the_local_date_decides_the_start_day():
    # Given 23:30 WIB on Monday = Tuesday 01:30 WIT
    moment = datetime(2026, 11, 23, 23, 30, tzinfo=WIB)
    # Then in Papua the clock starts on Tuesday, in Jakarta on Monday
    assert verification_deadline(moment, "94", LIMITS).date() == date(2026, 11, 27)
    assert verification_deadline(moment, "31", LIMITS).date() == date(2026, 11, 26)


def test_a_paused_clock_resumes_with_what_was_left_across_a_holiday():
    # Given a first-response deadline 5 working days after Mon 2026-03-09 = Mon 2026-03-16
    start = datetime(2026, 3, 9, 10, 0, tzinfo=WIB)
    due = first_response_deadline(start, "31", LIMITS)
    assert due.date() == date(2026, 3, 16)
    # When the clock pauses on Wed 11th (3 working days left: 12, 13, 16)
    left = remaining({"first_response": due}, datetime(2026, 3, 11, 12, 0, tzinfo=WIB), "31")
    assert left == {"first_response": {"working_days": 3}}
    # And resumes on Tue 17th, just before the Nyepi/Idul Fitri cluster
    resumed = resume(left, datetime(2026, 3, 17, 8, 0, tzinfo=WIB), "31")
    # Then the remaining 3 working days are 25, 26, 27 March
    assert resumed["first_response"].isoformat() == "2026-03-27T23:59:59+07:00"


def test_calendar_clock_pauses_in_seconds():
    start = datetime(2026, 3, 1, 0, 0, tzinfo=WIB)
    left = remaining({"resolution": datetime(2026, 3, 2, 0, 0, tzinfo=WIB)}, start, "31")
    assert left == {"resolution": {"seconds": 86400}}


def test_reminder_is_one_working_day_before():
    due = datetime(2026, 3, 27, 23, 59, 59, tzinfo=WIB)
    assert workdays.reminder_time(due, WIB).isoformat() == "2026-03-26T23:59:59+07:00"
    monday_due = datetime(2026, 3, 30, 23, 59, 59, tzinfo=WIB)
    assert workdays.reminder_time(monday_due, WIB).date() == date(2026, 3, 27)


@pytest.mark.slow  # the package computes 21 years (~1 s): make test, not make check
def test_the_holiday_table_is_what_the_pinned_holidays_package_says_for_every_year():
    # Given the table the working-day clock reads (loading the package costs a cold start ~0.15 s)
    # When each of its years is asked of the installed `holidays` package
    # Then they agree day for day; after an upgrade: `python -m devtools.holidays_table`, review, commit.
    table = workdays._table()
    assert sorted(table) == [str(y) for y in range(workdays.TABLE_YEARS[0], workdays.TABLE_YEARS[1] + 1)]
    for year, days in table.items():
        expected = sorted(d.isoformat() for d in workdays.holidays_from_package(int(year)))
        assert days == expected, f"{year}: the table differs from the holidays package; run devtools.holidays_table"


def test_years_beyond_the_table_still_ask_the_holidays_package():
    # Given a year the table does not hold, Then the package answers (Independence Day is a holiday).
    year = workdays.TABLE_YEARS[1] + 1
    assert str(year) not in workdays._table()
    assert date(year, 8, 17) in workdays._holidays_of(year)
