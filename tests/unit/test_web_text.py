"""The pages' words: every field message the rules can give reads in Bahasa Indonesia, and times
read in the region's own time zone."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.submission import parse_submission
from chalicelib.errors import ValidationFailed
from chalicelib.services import attachments
from chalicelib.web import text
from tests.factories import valid_report

BAD_REPORTS = [
    {},
    valid_report(kind="petition", title="abc", description="short", category="weather", province_code="99",
                 regency_code="99.99", incident_date="2999-01-01", target_agency_id="NOT AN AGENCY",
                 reporter={"name": "S", "email": "siti@", "phone": "12"}, attachments=["x"] * 6),
    valid_report(regency_code="32.73", latitude=1.0, address="x" * 501, incident_date="kemarin",
                 reporter={"email": "siti@example.com"}, attachments=["upl_abcdefgh1", "upl_abcdefgh1"]),
    valid_report(title="Jalan\nrusak parah", description="Jalan rusak \u202eparah di depan kampus kami."),
    valid_report(media_url="http://foto.example.org/a.jpg"),
    valid_report(latitude=-6.1754, longitude=106.8272),
    {**valid_report(latitude=-5.5, longitude=110.0), "province_code": None, "regency_code": None},
]


def rule_messages() -> set[str]:
    messages = set()
    for report in BAD_REPORTS:
        with pytest.raises(ValidationFailed) as error:
            parse_submission(report, today=date(2026, 3, 17))
        messages |= set(error.value.fields.values())
    return messages


@pytest.mark.parametrize("message", [
    *sorted(rule_messages()), attachments.TYPE_MESSAGE, attachments.SIZE_MESSAGE, attachments.UNKNOWN_MESSAGE,
    "a message is required", "a reason is required to reopen", "must be a whole number from 1 to 5",
    "cannot reply to a report that is closed", "a report can be reopened at most 2 times",
])
def test_every_field_message_reads_in_bahasa_indonesia(message):
    translated = text.server_message("id", message)
    assert translated != message and translated[0].isupper() and translated.endswith(".")


def test_numbers_in_messages_are_kept():
    assert text.server_message("id", "must be 20–4000 characters") == "Harus 20–4000 karakter."
    assert text.server_message("id", "at most 5 attachments") == "Paling banyak 5 lampiran."


def test_english_pages_keep_the_message_with_a_capital():
    assert text.server_message("en", "must be 5–150 characters") == "Must be 5–150 characters"


@pytest.mark.parametrize(("province", "expected_id", "expected_en"), [
    ("31", "27 Maret 2026 pukul 23.59 WIB", "27 March 2026, 23:59 WIB"),
    ("73", "28 Maret 2026 pukul 00.59 WITA", "28 March 2026, 00:59 WITA"),
    ("94", "28 Maret 2026 pukul 01.59 WIT", "28 March 2026, 01:59 WIT"),
])
def test_times_read_in_the_regions_time_zone(province, expected_id, expected_en):
    due = "2026-03-27T23:59:59+07:00"
    assert text.when("id", due, province) == expected_id
    assert text.when("en", due, province) == expected_en
