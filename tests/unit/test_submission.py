"""Field rules of a new report (SPEC §3): each bad input gets its own field message."""

from datetime import date

import pytest

from chalicelib.domain.submission import parse_submission
from chalicelib.errors import ValidationFailed
from tests.factories import valid_report

TODAY = date(2026, 11, 27)


def fields_of(data) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        parse_submission(data, TODAY)
    return caught.value.fields


def test_a_valid_report_passes_and_is_trimmed():
    parsed = parse_submission(valid_report(title="  Jalan rusak parah  "), TODAY)
    assert parsed.title == "Jalan rusak parah"
    assert parsed.anonymous is False and parsed.reporter.email == "siti@example.com"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": "abc"}, "title", "must be 5–150 characters"),
    ({"title": "x" * 151}, "title", "must be 5–150 characters"),
    ({"description": "terlalu pendek"}, "description", "must be 20–4000 characters"),
    ({"description": "x" * 4001}, "description", "must be 20–4000 characters"),
    ({"kind": "gossip"}, "kind", "must be one of: complaint, aspiration, information_request"),
    ({"category": "weather"}, "category", "unknown category: see GET /categories"),
    ({"province_code": "99"}, "province_code", "unknown province code: see GET /regions"),
    ({"regency_code": "32.73"}, "regency_code", "this regency/city is not in the chosen province"),
    ({"regency_code": "73.99"}, "regency_code", "unknown regency/city code: see GET /regions/{province_code}"),
    ({"incident_date": "2026-11-28"}, "incident_date", "must not be in the future"),
    ({"incident_date": "kemarin"}, "incident_date", "must be a date (YYYY-MM-DD)"),
    ({"latitude": 40.0, "longitude": 119.4}, "latitude", "must be inside Indonesia"),
    ({"latitude": -5.1, "longitude": 20.0}, "longitude", "must be inside Indonesia"),
    ({"latitude": -5.1}, "longitude", "give both coordinates or none"),
    ({"reporter": {"email": "a@b.c"}}, "reporter.name", "required unless the report is anonymous"),
    ({"reporter": {"name": "Siti", "email": "not-an-email"}}, "reporter.email", "must be a valid e-mail address"),
    ({"reporter": {"name": "Siti", "phone": "call me"}}, "reporter.phone",
     "must be a phone number such as 0812-3456-7890 or +62 812 3456 7890"),
    ({"attachments": [{"upload_id": "upl_abcdefgh", "upload_token": "t" * 20}] * 6}, "attachments",
     "at most 5 attachments"),
    ({"attachments": [{"upload_id": "../etc/passwd", "upload_token": "t" * 20}]}, "attachments",
     "unknown upload id: upload with POST /attachments first"),
    ({"attachments": ["upl_abcdefgh"]}, "attachments",
     'each attachment is {"upload_id", "upload_token"}: the token came with the upload id from POST /attachments'),
    ({"surprise": 1}, "surprise", "unknown field"),
])
def test_each_bad_field_gets_its_message(change, field, message):
    assert fields_of(valid_report(**change))[field] == message


def test_missing_fields_are_each_named():
    fields = fields_of({})
    for name in ("kind", "title", "description", "category"):
        assert fields[name] == "required"
    # The place may come from the point instead (SPEC §12)
    for name in ("province_code", "regency_code"):
        assert fields[name] == "required (or give latitude and longitude)"


def test_anonymous_needs_no_name():
    parsed = parse_submission(valid_report(anonymous=True, reporter={}), TODAY)
    assert parsed.anonymous and parsed.reporter.name is None


def test_html_is_kept_as_text_not_stripped_or_executed():
    parsed = parse_submission(valid_report(title="<script>alert(1)</script>"), TODAY)
    assert parsed.title == "<script>alert(1)</script>"


def test_the_body_must_be_an_object():
    assert fields_of(["not", "an", "object"]) == {"body": "must be an object"}


def test_the_incident_date_is_judged_in_the_reports_own_time_zone():
    from datetime import UTC, datetime

    from chalicelib.domain.submission import parse_submission
    from chalicelib.errors import ValidationFailed

    # Given 23:30 WIB on 17 March (already 18 March in WITA and WIT)
    now = datetime(2026, 3, 17, 16, 30, tzinfo=UTC)
    base = {"kind": "complaint", "title": "Jalan berlubang", "category": "infrastructure",
            "description": "Jalan berlubang besar di depan kampus sejak dua bulan lalu.",
            "reporter": {"name": "Siti"}, "incident_date": "2026-03-18"}
    # Then "tomorrow" is refused for Jakarta (WIB) ...
    try:
        parse_submission({**base, "province_code": "31", "regency_code": "31.71"}, today=now.date(), now=now)
        raise AssertionError("an incident date of tomorrow in WIB was accepted")
    except ValidationFailed as error:
        assert error.fields == {"incident_date": "must not be in the future"}
    # ... and accepted for Makassar (WITA), where it is already 18 March
    parsed = parse_submission({**base, "province_code": "73", "regency_code": "73.71"}, today=now.date(), now=now)
    assert parsed.incident_date.isoformat() == "2026-03-18"
