"""The abuse limits as pure data (SPEC §11): windows, subjects, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.config import load_settings
from chalicelib.domain import limits


def test_production_defaults_are_the_specs():
    rules = limits.rules(load_settings({}))
    assert rules[("filing", "address")] == limits.Rule("filing", "address", 10, 30)
    assert rules[("filing", "reporter")].per_day == 5
    assert rules[("upload", "address")].per_hour == 30
    assert rules[("open311", "key")].per_hour == 600


def test_settings_change_the_limits():
    rules = limits.rules(load_settings({"FILINGS_PER_HOUR_PER_ADDRESS": "1000"}))
    assert rules[("filing", "address")].per_hour == 1000


def test_one_item_per_subject_and_utc_day_with_hashed_subject():
    rule = limits.Rule("filing", "reporter", None, 5)
    late = datetime(2026, 3, 17, 23, 59, tzinfo=UTC)
    key = limits.window_key(rule, "Siti@Example.com", late)
    assert key.endswith("#2026-03-17") and "siti" not in key.lower()
    assert key == limits.window_key(rule, "siti@example.com ", late)  # one subject, however typed
    assert limits.hour_counter(late) == "h23"


def test_retry_after_names_the_window_that_is_full():
    rule = limits.Rule("filing", "address", 10, 30)
    now = datetime(2026, 3, 17, 22, 45, 30, tzinfo=UTC)
    assert limits.retry_after(rule, {"d": 12}, now) == 14 * 60 + 30  # the hour is full
    assert limits.retry_after(rule, {"d": 30}, now) == 3600 + 14 * 60 + 30  # the day is full
    assert limits.expires_at(now) == int(datetime(2026, 3, 19, tzinfo=UTC).timestamp())
