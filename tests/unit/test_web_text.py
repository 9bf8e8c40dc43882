"""The pages' words: every message the rules can give has a stable code and reads in Bahasa
Indonesia by it (never by matching the English), and times read in the region's own time zone."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.submission import parse_submission
from chalicelib.errors import Problem, ValidationFailed
from chalicelib.services import attachments
from chalicelib.web import text
from tests.factories import valid_report

BAD_REPORTS = [
    {},
    valid_report(kind="petition", title="abc", description="short", category="weather", province_code="99",
                 regency_code="99.99", incident_date="2999-01-01", target_agency_id="NOT AN AGENCY",
                 reporter={"name": "S", "email": "siti@", "phone": "12"},
                 attachments=[{"upload_id": "x", "upload_token": "t" * 20}] * 6),
    valid_report(regency_code="32.73", latitude=1.0, address="x" * 501, incident_date="kemarin",
                 reporter={"email": "siti@example.com"},
                 attachments=[{"upload_id": "upl_abcdefgh1", "upload_token": "t" * 20}] * 2),
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


def other_messages() -> list[str]:
    """Messages of the reporter's actions and of the report's life, as the code makes them."""
    from chalicelib.domain import complaint
    from chalicelib.services import reporter, store

    made = []
    for call in (lambda: complaint._require_note("", "a message"), lambda: complaint._require_note("", "a reason")):
        with pytest.raises(ValidationFailed) as error:
            call()
        made.append(error.value.fields["note"])
    return [*made, reporter.RATING, store.STALE, complaint._transition_error("reply to", "closed").message]


@pytest.mark.parametrize("message", [
    *sorted(rule_messages()), attachments.TYPE_MESSAGE, attachments.SIZE_MESSAGE, attachments.UNKNOWN_MESSAGE,
    *other_messages(),
])
def test_every_message_reads_in_bahasa_indonesia_by_its_code(message):
    assert isinstance(message, Problem), f"no stable code: {message!r}"
    translated = text.server_message("id", message)
    assert translated != message and translated[0].isupper() and translated.endswith(".")
    assert text.server_message("en", message)[0].isupper()


def test_numbers_in_messages_are_kept():
    assert text.server_message("id", Problem("length", "must be 20–4000 characters", min=20, max=4000)) \
        == "Harus 20–4000 karakter."
    assert text.server_message("id", Problem("too_many_attachments", "at most 5 attachments", max=5)) \
        == "Paling banyak 5 lampiran."


def test_english_pages_keep_the_message_with_a_capital():
    assert text.server_message("en", Problem("length", "must be 5–150 characters", min=5, max=150)) \
        == "Must be 5–150 characters"
    assert text.server_message("en", "a message without a code") == "A message without a code"


def test_the_json_error_carries_each_code_beside_its_message():
    # Given a report with a short title and a regency outside its province
    with pytest.raises(ValidationFailed) as error:
        parse_submission(valid_report(title="abc", regency_code="32.73"), today=date(2026, 3, 17))
    body = error.value.body()["error"]
    # Then the messages stay as they were, and each has its code and values beside it
    assert body["fields"]["title"] == "must be 5–150 characters" and type(body["fields"]["title"]) is str
    assert body["field_codes"]["title"] == {"code": "length", "min": 5, "max": 150}
    assert body["field_codes"]["regency_code"] == {"code": "regency_not_in_province"}


def test_a_transition_error_carries_its_code():
    from chalicelib.domain import complaint

    body = complaint._transition_error("reply to", "closed").body()["error"]
    assert body["message"] == "cannot reply to a report that is closed"
    assert body["message_code"] == {"code": "invalid_transition", "action": "reply to", "status": "closed"}


@pytest.mark.parametrize(("province", "expected_id", "expected_en"), [
    ("31", "27 Maret 2026 pukul 23.59 WIB", "27 March 2026, 23:59 WIB"),
    ("73", "28 Maret 2026 pukul 00.59 WITA", "28 March 2026, 00:59 WITA"),
    ("94", "28 Maret 2026 pukul 01.59 WIT", "28 March 2026, 01:59 WIT"),
])
def test_times_read_in_the_regions_time_zone(province, expected_id, expected_en):
    due = "2026-03-27T23:59:59+07:00"
    assert text.when("id", due, province) == expected_id
    assert text.when("en", due, province) == expected_en
