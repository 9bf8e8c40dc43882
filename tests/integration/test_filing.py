"""Filing a report and reading it back, through the API function against the moto server."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest

from tests.factories import valid_report
from tests.fixtures import body

JSON = {"Content-Type": "application/json"}


def file(client, report=None, headers=None):
    return client.http.post("/complaints", headers={**JSON, **(headers or {})},
                            body=json.dumps(report or valid_report()))


def test_filing_returns_the_receipt_with_a_verification_deadline(client):
    # Given a valid report for Kota Makassar
    # When it is filed
    response = file(client)
    # Then it is accepted with a readable tracking id, a token, its status and deadline
    assert response.status_code == 201
    receipt = body(response)
    assert receipt["tracking_id"].startswith("LPR-") and len(receipt["tracking_id"]) == 13
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", receipt["reporter_token"])
    assert receipt["status"] == "submitted" and receipt["status_label"] == "Belum Terverifikasi"
    assert receipt["deadlines"]["verification"].endswith("23:59:59+08:00")  # WITA
    assert receipt["agency_id"] == "pemkot-makassar"


def test_spec_example_deadline_through_the_api(client, clock_at):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock_at(datetime(2026, 3, 17, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    receipt = body(file(client, valid_report(province_code="31", regency_code="31.71",
                                             incident_date="2026-03-16")))
    assert receipt["deadlines"]["verification"] == "2026-03-27T23:59:59+07:00"


def test_public_and_reporter_views_differ_as_specified(client):
    receipt = body(file(client, valid_report(confidential=True)))
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    # When the public reads a confidential report
    public = body(client.http.get(f"/complaints/{tid}"))
    # Then it sees the status but neither the content nor the reporter
    assert public["view"] == "public" and public["status"] == "submitted"
    assert public["title"] is None and public["description"] is None
    assert "reporter" not in public and "address" not in public
    # When the reporter reads it with the token, everything is there
    mine = body(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token}))
    assert mine["view"] == "reporter" and mine["title"] == valid_report()["title"]
    assert mine["reporter"]["name"] == "Siti Rahma"
    assert "reporter_token" not in mine and "reporter_token_hash" not in json.dumps(mine)


def test_public_view_of_an_open_report_shows_content_but_no_identity(client):
    tid = body(file(client))["tracking_id"]
    public = body(client.http.get(f"/complaints/{tid}"))
    assert public["title"] == valid_report()["title"]
    text = json.dumps(public)
    assert "Siti" not in text and "siti@example.com" not in text and "0812" not in text


def test_wrong_token_is_403_and_unknown_id_404(client):
    tid = body(file(client))["tracking_id"]
    wrong = client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": "nope"})
    assert wrong.status_code == 403 and body(wrong)["error"]["code"] == "forbidden"
    assert client.http.get(f"/complaints/{tid}/timeline", headers={"X-Reporter-Token": "x"}).status_code == 403
    missing = client.http.get("/complaints/LPR-ZZZZ-ZZZZ")
    assert missing.status_code == 404 and body(missing)["error"]["code"] == "not_found"
    assert client.http.get("/complaints/whatever").status_code == 404
    assert client.http.get("/complaints/LPR-ZZZZ-ZZZZ/timeline").status_code == 404


def test_timeline_starts_with_the_filing(client):
    receipt = body(file(client))
    timeline = body(client.http.get(f"/complaints/{receipt['tracking_id']}/timeline"))
    assert [e["type"] for e in timeline["events"]] == ["submitted"]
    assert timeline["events"][0]["status_label"] == "Belum Terverifikasi"


def test_anonymous_report_keeps_no_identity_even_if_sent(client, staff):
    # Given an anonymous report whose reporter still typed a name, an e-mail and a phone number
    identity = {"name": "Budi Santoso", "email": "budi.santoso@example.com", "phone": "0813-1111-2222"}
    receipt = body(file(client, valid_report(anonymous=True, reporter=identity)))
    tid = receipt["tracking_id"]
    # Then neither the staff nor the public see any of it, anywhere in their views
    staff_answer = client.http.get(f"/agency/complaints/{tid}", headers=staff.national())
    public_answer = client.http.get(f"/complaints/{tid}")
    assert staff_answer.status_code == public_answer.status_code == 200
    assert body(staff_answer)["anonymous"] is True and body(staff_answer)["reporter"] is None
    for answer in (staff_answer, public_answer):
        assert not [value for value in identity.values() if value in answer.body.decode()]
    # While the reporter's own view keeps their details (for their own messages)
    mine = body(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": receipt["reporter_token"]}))
    assert mine["anonymous"] is True and mine["reporter"]["name"] == "Budi Santoso"


def test_form_encoded_post_gets_json_when_asked(client):
    form = {"kind": "aspiration", "title": "Taman kota perlu lampu", "category": "public_order",
            "description": "Taman kota gelap di malam hari, mohon dipasang lampu penerangan.",
            "province_code": "32", "regency_code": "32.73", "reporter_name": "Asep",
            "anonymous": "", "confidential": "on"}
    response = client.http.post("/complaints", body=urlencode(form), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    assert response.status_code == 201
    tid = body(response)["tracking_id"]
    mine = body(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": body(response)["reporter_token"]}))
    assert mine["confidential"] is True and mine["anonymous"] is False and mine["kind"] == "aspiration"


def test_form_post_from_a_browser_gets_a_page(client):
    form = {"kind": "complaint", "title": "<script>alert(1)</script>", "category": "health",
            "description": "Puskesmas tutup pada jam pelayanan tanpa pemberitahuan.",
            "province_code": "73", "regency_code": "73.71", "reporter_name": "Siti"}
    response = client.http.post("/complaints", body=urlencode(form), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert "LPR-" in page and "Simpan token" in page
    bad = client.http.post("/complaints", body=urlencode({**form, "title": "abc"}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert bad.status_code == 422
    assert 'id="error-title"' in bad.body.decode() and "<script>" not in bad.body.decode()


@pytest.mark.parametrize(("raw", "headers", "status", "code"), [
    (b'{"kind": "complaint",', JSON, 400, "malformed_body"),
    (b"", JSON, 400, "malformed_body"),
    (b'{"latitude": NaN}', JSON, 400, "malformed_body"),
    (b"\xff\xfe", JSON, 400, "malformed_body"),
    (b"<xml/>", {"Content-Type": "application/xml"}, 415, "unsupported_media_type"),
    (b"hello", {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
    (b'{"title": "' + b"x" * (65 * 1024) + b'"}', JSON, 413, "payload_too_large"),
    (b"[1, 2]", JSON, 422, "validation_error"),
])
def test_bad_bodies_get_a_clear_error_and_change_nothing(client, dynamodb_calls, raw, headers, status, code):
    response = client.http.post("/complaints", headers=headers, body=raw)
    assert response.status_code == status
    assert body(response)["error"]["code"] == code
    assert body(response)["error"]["message"]
    assert dynamodb_calls.total == 0  # nothing read, nothing written


def test_validation_errors_name_each_field(client, dynamodb_calls):
    response = file(client, valid_report(title="abc", regency_code="32.73", latitude=60, longitude=100,
                                         incident_date="2099-01-01"))
    assert response.status_code == 422
    fields = body(response)["error"]["fields"]
    assert set(fields) == {"title", "regency_code", "latitude", "incident_date"}
    assert dynamodb_calls.total == 0


def test_unknown_target_agency_is_a_field_error_and_nothing_is_stored(client, dynamodb_calls):
    response = file(client, valid_report(target_agency_id="dinas-tidak-ada"))
    assert response.status_code == 422
    assert body(response)["error"]["fields"] == {"target_agency_id": "unknown agency: see GET /agencies"}
    assert dynamodb_calls.counts["TransactWriteItems"] == 1  # refused inside the one transaction


def test_known_target_agency_is_accepted(client):
    response = file(client, valid_report(target_agency_id="dinas-pupr-kota-makassar"))
    assert response.status_code == 201


def test_idempotency_key_replays_the_first_answer_and_files_once(client):
    headers = {"Idempotency-Key": "form-7f3a9c-0001-replay"}
    first = file(client, headers=headers)
    again = file(client, headers=headers)
    assert first.status_code == again.status_code == 201
    assert body(first) == body(again)  # same tracking id, same token
    other = file(client, valid_report(title="Sesuatu yang lain sama sekali"), headers=headers)
    assert other.status_code == 409
    assert body(other)["error"]["code"] == "idempotency_key_reused"


def test_filing_costs_at_most_three_round_trips_and_no_scan(client, dynamodb_calls):
    # With an Idempotency-Key: its record (put, update), the address limit and the filing: 4 at most
    file(client, headers={"Idempotency-Key": "calls-1-round-trips"})
    assert dynamodb_calls.total <= 4, dynamodb_calls.counts
    dynamodb_calls.reset()
    # Without: the address limit (one UpdateItem) and one transaction (with the reporter's limit)
    file(client, valid_report(target_agency_id="dinas-pupr-kota-makassar"))
    assert dynamodb_calls.total <= 3 and dynamodb_calls.counts["TransactWriteItems"] == 1, dynamodb_calls.counts
    assert dynamodb_calls.counts["Scan"] == 0


def test_status_view_costs_one_read_and_timeline_two(client, dynamodb_calls):
    tid = body(file(client))["tracking_id"]
    dynamodb_calls.reset()
    client.http.get(f"/complaints/{tid}")
    assert dict(dynamodb_calls.counts) == {"GetItem": 1}
    dynamodb_calls.reset()
    client.http.get(f"/complaints/{tid}/timeline")
    assert dynamodb_calls.total == 2 and dynamodb_calls.counts["Scan"] == 0


def test_no_personal_data_or_secret_is_logged(client):
    import io
    import logging

    from chalicelib.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        receipt = _file_and_read(client)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert receipt["tracking_id"] in text  # the log lines carry the tracking id
    for secret in ("Rahasia Sekali", "rahasia@example.com", "0899-1111-2222", receipt["reporter_token"]):
        assert secret not in text


def _file_and_read(client):
    receipt = body(file(client, valid_report(reporter={"name": "Rahasia Sekali", "email": "rahasia@example.com",
                                                       "phone": "0899-1111-2222"})))
    client.http.get(f"/complaints/{receipt['tracking_id']}", headers={"X-Reporter-Token": receipt["reporter_token"]})
    return receipt
