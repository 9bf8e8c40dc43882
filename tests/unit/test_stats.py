"""The statistics as pure functions: what a report counts for, the published figures, the property
that counters kept up to date change by change equal counters rebuilt from the reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings

from chalicelib.domain import stats
from chalicelib.domain.complaint import Target
from chalicelib.errors import ValidationFailed
from tests import transitions
from tests.factories import complaint


def test_a_report_counts_for_its_region_its_holder_and_every_agency_above_the_holder():
    # Given a report forwarded to a unit below Kota Makassar
    unit = Target("dinas-pupr-kota-makassar",
                  ("kemenpanrb", "pemprov-sulawesi-selatan", "pemkot-makassar", "dinas-pupr-kota-makassar"))
    c = complaint(agency_id=unit.agency_id, agency_path=unit.path, status="forwarded")
    # When its contribution is computed
    counted = stats.contribution(c)
    # Then it counts in the nation, its province and regency, for its holder, and within each coordinator
    assert set(counted) == {"national", "province:73", "regency:73.71", "agency:dinas-pupr-kota-makassar",
                            "within:pemprov-sulawesi-selatan", "within:pemkot-makassar",
                            "within:dinas-pupr-kota-makassar"}
    # on the local (WITA) day it was filed: 02:00 UTC is 10:00 in Makassar
    assert list(counted["national"]) == ["2026-11-23"]
    assert counted["national"]["2026-11-23"]["status_forwarded"] == 1


def test_the_published_figures_from_hand_counted_counters():
    # Given counters for 6 reports: 4 forwarded; 1 resolved + 1 closed; 3 first responses (2 on time)
    # after 2 h, 30 h and 240 h; 1 reopened of 3 ever resolved; one rating of 5; 1 escalated, 1 overdue
    totals = {"total": 6, "forwarded": 4, "status_resolved": 1, "status_closed": 1, "status_in_progress": 1,
              "status_rejected": 1, "status_submitted": 1, "status_forwarded": 1, "first_response": 3,
              "first_response_on_time": 2, "frh_2": 1, "frh_48": 1, "frh_240": 1, "reopened": 1,
              "ever_resolved": 3, "rated": 1, "rating_sum": 5, "escalated": 1, "overdue": 1,
              "kind_complaint": 4, "kind_aspiration": 1, "kind_information_request": 1,
              "category_infrastructure": 3, "category_health": 2, "category_education": 1}
    # When they are summarized
    figures = stats.summarize(totals)
    # Then each figure is what a ministry analyst would compute by hand
    assert figures["total"] == 6
    assert figures["resolved_pct"] == 50.0            # (1 + 1) / 4
    assert figures["on_time_pct"] == 66.7             # 2 / 3
    assert figures["median_first_response_hours"] == 36.0  # middle (1.5th) report in (24, 48]: 24 + 0.5 * 24
    assert figures["reopen_rate"] == 33.3             # 1 / 3
    assert figures["satisfaction_avg"] == 5.0
    assert figures["escalated"] == 1 and figures["overdue"] == 1
    assert figures["by_status"]["closed"] == 1 and figures["by_status"]["awaiting_reporter"] == 0
    assert figures["by_kind"] == {"complaint": 4, "aspiration": 1, "information_request": 1}
    assert figures["by_category"]["health"] == 2 and figures["by_category"]["other"] == 0


def test_rates_are_null_when_there_is_nothing_to_measure():
    figures = stats.summarize({"total": 2, "status_submitted": 2})
    assert figures["resolved_pct"] is None and figures["on_time_pct"] is None
    assert figures["median_first_response_hours"] is None and figures["satisfaction_avg"] is None
    assert figures["reopen_rate"] is None


@pytest.mark.parametrize(("buckets", "median"), [
    ({"frh_1": 1}, 0.5),                 # one report within the first hour: the middle of (0, 1]
    ({"frh_1": 2, "frh_8": 2}, 1.0),     # the middle falls exactly at the end of the first bucket
    ({"frh_24": 4}, 18.0),               # 12 + (2/4) * 12
    ({"frh_more": 3}, 720.0),            # the open last bucket: its lower bound
])
def test_the_median_first_response_comes_from_the_histogram(buckets, median):
    assert stats.median_hours(buckets) == median


@pytest.mark.parametrize("scope", ["national", "province:73", "regency:73.71", "agency:pemkot-makassar"])
def test_known_scopes_are_accepted(scope):
    assert stats.parse_scope(scope) == scope


@pytest.mark.parametrize("scope", ["world", "province:99", "regency:73.99", "agency:", "agency:Bad Id",
                                   "national:1", "within:pemkot-makassar"])
def test_unknown_scopes_are_a_validation_error(scope):
    with pytest.raises(ValidationFailed) as raised:
        stats.parse_scope(scope)
    assert "scope" in raised.value.fields


def test_the_default_range_is_the_last_30_days_and_bad_dates_are_refused():
    assert stats.date_range(None, None, date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))
    assert stats.date_range("2026-01-01", "2026-01-31", date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 1, 31))
    for start, end, field in (("2026-02-30", None, "from"), (None, "yesterday", "to"),
                              ("2026-03-02", "2026-03-01", "from"), ("2000-01-01", "2026-01-01", "from")):
        with pytest.raises(ValidationFailed) as raised:
            stats.date_range(start, end, date(2026, 3, 31))
        assert field in raised.value.fields


def test_by_month_groups_days():
    days = {"2026-01-05": {"total": 2, "status_closed": 1}, "2026-01-20": {"total": 1},
            "2026-02-01": {"total": 4, "status_resolved": 2}}
    assert stats.by_month(days) == [{"month": "2026-01", "total": 3, "resolved": 1},
                                    {"month": "2026-02", "total": 4, "resolved": 2}]


def test_difference_is_what_turns_current_counters_into_the_target():
    current = {"national": {"2026-01-01": {"total": 3, "status_submitted": 3}},
               "regency:73.71": {"2026-01-01": {"total": 1}}}
    target = {"national": {"2026-01-01": {"total": 3, "status_submitted": 2, "status_forwarded": 1}}}
    drift = stats.difference(target, current)
    assert drift == {"national": {"2026-01-01": {"status_submitted": -1, "status_forwarded": 1}},
                     "regency:73.71": {"2026-01-01": {"total": -1}}}
    assert stats.without_zeros(stats.add_into(current, drift)) == target


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(walk=transitions.walks)
def test_counters_kept_change_by_change_equal_counters_rebuilt_from_the_reports(walk):
    # Given counters updated live by every accepted transition of a random walk
    live: stats.Counts = {}

    def keep(before, after, _events, also):
        stats.add_into(live, stats.delta(before, after))
        if also is not None:  # the original of a duplicate, changed in the same transaction
            stats.add_into(live, stats.delta(also[0], also[1]))
        return after

    reports = transitions.Walk(("73.71", "32.73", "76.02"), "hyp", datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
                               keep).run(walk).reports
    # When the counters are rebuilt from the final reports alone
    rebuilt = stats.rebuilt(reports)
    # Then both agree on every counter of every scope and day
    assert stats.without_zeros(live) == stats.without_zeros(rebuilt)
    # and no counter is ever negative
    assert all(v >= 0 for days in live.values() for counters in days.values() for v in counters.values())
    # and no duplicate counts as resolved: the resolved figure never goes below zero
    for days in live.values():
        figures = stats.summarize(stats.sum_days(days))
        assert figures["resolved"] >= 0 and figures["duplicates"] <= figures["by_status"]["closed"]
