"""Participation and the monthly evaluation as pure functions (SPEC §14)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import evaluation, participation
from chalicelib.domain.participation import Activity, Holdings
from chalicelib.errors import ValidationFailed

WIB = ZoneInfo("Asia/Jakarta")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def test_silence_starts_at_the_later_of_the_last_action_and_the_oldest_report_held():
    held = Holdings(held=3, oldest_held_day=date(2026, 12, 1))
    acted = Activity(last_action_at=at(date(2026, 12, 18)))
    # 21, 22, 23 December, then Christmas Eve (cuti bersama) and Christmas, then 28 and 29
    assert participation.silent_since(acted, held, WIB) == date(2026, 12, 18)
    assert not participation.is_silent(acted, held, at(date(2026, 12, 29), 23), WIB)
    assert participation.is_silent(acted, held, at(date(2026, 12, 30), 0), WIB)
    # a report received after the last action restarts nothing: the old ones still wait
    never = Activity()
    fresh = Holdings(held=1, oldest_held_day=date(2026, 12, 28))
    assert participation.silent_since(never, fresh, WIB) == date(2026, 12, 28)
    assert not participation.is_silent(never, fresh, at(date(2026, 12, 30)), WIB)
    # holding nothing is never silent
    assert not participation.is_silent(never, Holdings(), at(date(2027, 6, 1)), WIB)


def test_connected_by_an_active_account_or_a_key_used_in_30_days():
    now = at(date(2026, 12, 31))
    assert participation.is_connected(Activity(active_accounts=1), now)
    assert participation.is_connected(Activity(last_key_use_at=now - timedelta(days=30)), now)
    assert not participation.is_connected(Activity(last_key_use_at=now - timedelta(days=30, seconds=1)), now)
    assert not participation.is_connected(Activity(last_sign_in_at=now), now)  # a sign-in is not an account


def test_what_an_agency_holds_is_its_open_reports_that_wait_for_it():
    from chalicelib.domain.participation import OpenReport

    reports = [OpenReport("forwarded", True, date(2026, 1, 5)), OpenReport("in_progress", False, date(2025, 12, 30)),
               OpenReport("submitted", False, date(2026, 11, 20)),
               # waits for the reporter: not held, but its overdue flag counts as the counters' does
               OpenReport("awaiting_reporter", True, date(2025, 6, 1)), OpenReport("resolved", False, date(2025, 1, 1))]
    held = participation.held_now(reports)
    assert (held.held, held.overdue, held.oldest_held_day) == (3, 2, date(2025, 12, 30))
    assert participation.held_now([]) == Holdings()


def test_recent_figures_count_the_reports_of_the_last_30_days_and_their_median():
    days = {"2026-09-10": {"total": 2, "frh_1": 2},  # more than 30 days before: neither
            "2026-11-01": {"total": 7, "frh_1": 7},  # the 31st day back: neither
            "2026-11-02": {"total": 5, "frh_4": 3},  # the 30th day back
            "2026-12-01": {"total": 1}}
    held = participation.recent(Holdings(held=3, overdue=1), days, date(2026, 12, 1))
    assert (held.held, held.overdue, held.reports_30d) == (3, 1, 6)
    assert held.median_first_response_hours == 3.0


def test_not_connected_first_then_silent_then_the_most_overdue():
    def r(agency_id, connected, silent, overdue):
        return {"agency_id": agency_id, "name": agency_id, "connected": connected, "silent": silent,
                "overdue": overdue}

    rows = [r("a", True, False, 9), r("b", True, True, 0), r("c", False, False, 0), r("d", True, False, 1)]
    assert [x["agency_id"] for x in sorted(rows, key=participation.attention_order)] == ["c", "b", "a", "d"]
    assert participation.totals(rows) == {"agencies": 4, "connected": 3, "connected_pct": 75.0, "silent": 1,
                                          "not_connected": 1}


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "", "2027-01"])
def test_months_are_yyyy_mm_and_not_in_the_future(text):
    today = date(2026, 11, 30)
    if text == "":
        assert str(evaluation.parse_month(text, today)) == "2026-10"
        return
    with pytest.raises(ValidationFailed):
        evaluation.parse_month(text, today)


def test_a_month_knows_the_month_before_and_the_year_before():
    january = evaluation.parse_month("2026-01", date(2026, 11, 30))
    assert str(january.before()) == "2025-12" and str(january.year_before()) == "2025-01"
    assert (january.first, january.last) == (date(2026, 1, 1), date(2026, 1, 31))
    assert evaluation.parse_month("2024-02", date(2026, 1, 1)).last == date(2024, 2, 29)


def test_each_figure_has_one_plain_line_in_each_language():
    month = evaluation.Month(2026, 10)
    line = evaluation.metric("received", month, {"month": 120, "month_before": 100, "year_before": 150})
    assert line["change_from_month_before"] == 20.0 and line["change_from_year_before"] == -20.0
    assert line["explanation_id"] == ("Laporan masuk Oktober 2026: 120. Dibanding September 2026 (100): naik 20%. "
                                      "Dibanding Oktober 2025 (150): turun 20%.")
    assert line["explanation_en"] == ("Reports received in October 2026: 120. Against September 2026 (100): up 20%. "
                                      "Against October 2025 (150): down 20%.")
    pct = evaluation.metric("resolved_pct", month, {"month": 62.5, "month_before": 60.0, "year_before": None},
                            kind="pct")
    assert "Dibanding September 2026 (60%): naik 2,5 poin." in pct["explanation_id"]
    assert "Against October 2025 (–): no comparison possible." in pct["explanation_en"]


def test_the_categories_that_grew_largest_first():
    grown = evaluation.grown_categories(evaluation.Month(2026, 10), {"health": 5, "education": 9, "other": 1},
                                        {"health": 1, "education": 8, "other": 3})
    assert [(g["category"], g["growth"]) for g in grown] == [("health", 4), ("education", 1)]
    assert grown[0]["explanation_en"] == "Health: 5 reports in October 2026, 4 more (400%) than in September 2026."


def test_the_last_action_day_tells_whether_an_agency_acted_in_a_month_unless_it_is_later():
    first, last = date(2027, 4, 1), date(2027, 4, 30)
    assert participation.acted_between(Activity(), first, last) is False  # never acted
    assert participation.acted_between(Activity(last_action_day=date(2027, 3, 31)), first, last) is False
    assert participation.acted_between(Activity(last_action_day=date(2027, 4, 30)), first, last) is True
    assert participation.acted_between(Activity(last_action_day=date(2027, 5, 1)), first, last) is None  # ask


def test_a_silent_agency_is_told_to_its_parent_and_to_its_province_coordinator_once():
    levels = {"kemenpanrb": "national", "pemprov-x": "province", "pemkot-y": "regency", "kementerian-z": "ministry"}

    def agency(agency_id, *path):
        return {"agency_id": agency_id, "parent_id": path[-1] if path else None, "path": [*path, agency_id]}

    # an OPD of a city: the city's coordinator and the province's
    assert participation.told_about(agency("dinas-y", "kemenpanrb", "pemprov-x", "pemkot-y"), levels) == (
        "pemkot-y", "pemprov-x")
    # a city, or an OPD of the province itself: the province's coordinator, once
    assert participation.told_about(agency("pemkot-y", "kemenpanrb", "pemprov-x"), levels) == ("pemprov-x",)
    assert participation.told_about(agency("dinas-x", "kemenpanrb", "pemprov-x"), levels) == ("pemprov-x",)
    # a ministry's unit: its ministry; a province: the national admin; the national agency: nobody
    assert participation.told_about(agency("unit-z", "kemenpanrb", "kementerian-z"), levels) == ("kementerian-z",)
    assert participation.told_about(agency("pemprov-x", "kemenpanrb"), levels) == ("kemenpanrb",)
    assert participation.told_about(agency("kemenpanrb"), levels) == ()


def test_each_coordinator_gets_its_silent_agencies_once_in_attention_order():
    agencies = [{"agency_id": "pemprov-x", "parent_id": "kemenpanrb", "level": "province",
                 "path": ["kemenpanrb", "pemprov-x"]},
                {"agency_id": "pemkot-y", "parent_id": "pemprov-x", "level": "regency",
                 "path": ["kemenpanrb", "pemprov-x", "pemkot-y"]},
                *({"agency_id": f"dinas-{n}", "parent_id": "pemkot-y", "level": "unit",
                   "path": ["kemenpanrb", "pemprov-x", "pemkot-y", f"dinas-{n}"]} for n in "abc")]

    def row(agency_id, silent, overdue=0):
        return {"agency_id": agency_id, "name": agency_id, "connected": True, "silent": silent, "overdue": overdue}

    rows = [row("pemprov-x", False), row("pemkot-y", False), row("dinas-a", True), row("dinas-b", True, overdue=3),
            row("dinas-c", False)]
    grouped = participation.silent_by_coordinator(agencies, rows)
    assert {k: [r["agency_id"] for r in v] for k, v in grouped.items()} == {
        "pemkot-y": ["dinas-b", "dinas-a"], "pemprov-x": ["dinas-b", "dinas-a"]}
