"""One settings object: defaults in one place, read from the environment once, validated once."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from chalicelib.config import Settings, SettingsError, load_settings
from chalicelib.domain.deadlines import Limits

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_environment_gives_the_defaults():
    assert load_settings({}) == Settings()
    assert Settings().verification_days == 3 and Settings().max_reopens == 2 and Settings().dev_routes is False


def test_the_domain_limits_take_their_defaults_from_the_settings():
    # Given no limit set anywhere; Then the domain's Limits() and the settings agree
    assert Limits() == Limits.from_settings(Settings())
    # and a deployment's value reaches the domain
    assert Limits.from_settings(load_settings({"MAX_REOPENS": "5"})).max_reopens == 5


def test_values_from_the_environment_are_parsed_by_type():
    s = load_settings({"VERIFICATION_DAYS": " 7 ", "DEV_ROUTES": "on",
                       "TABLE_PREFIX": "x-", "AWS_REGION": "ap-southeast-1"})
    assert (s.verification_days, s.dev_routes, s.table_prefix, s.region) == (7, True, "x-", "ap-southeast-1")
    assert load_settings({"DEV_ROUTES": "FALSE"}).dev_routes is False
    assert load_settings({"AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "us-east-1"}).region == "ap-southeast-3"


@pytest.mark.parametrize(("env", "message"), [
    ({"VERIFICATION_DAYS": "three"}, "VERIFICATION_DAYS must be a whole number, not 'three'"),
    ({"MAX_REOPENS": "-1"}, "MAX_REOPENS must be at least 0, not -1"),
    ({"SWEEP_PAGE_SIZE": "0"}, "SWEEP_PAGE_SIZE must be at least 1, not 0"),
    ({"DEV_ROUTES": "maybe"}, "DEV_ROUTES must be true or false, not 'maybe'"),
    ({"MAX_BODY_BYTES": ""}, "MAX_BODY_BYTES must be a whole number, not ''"),
])
def test_a_bad_value_fails_loudly_naming_its_variable(env, message):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert str(refused.value) == message


def test_every_setting_has_its_own_variable_and_a_default_of_its_type():
    fields = dataclasses.fields(Settings)
    names = [f.metadata["env"] for f in fields]
    assert len(names) == len(set(names))
    for f in fields:
        assert isinstance(f.default, (str, int, bool)), f.name


def test_the_chalice_config_sets_only_variables_the_code_reads():
    # A misspelt variable in .chalice/config.json would otherwise be silently ignored.
    known = {f.metadata["env"] for f in dataclasses.fields(Settings)} | {"LOG_LEVEL"}
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    scopes = [config, *config["stages"].values(), *config.get("lambda_functions", {}).values()]
    for scope in scopes:
        unknown = set(scope.get("environment_variables", {})) - known
        assert not unknown, f".chalice/config.json sets variables no setting reads: {sorted(unknown)}"
