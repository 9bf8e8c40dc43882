"""Reporter tokens through the API (SPEC §13): new tokens in any case and spacing, old ones as given."""

from __future__ import annotations

import json
import secrets

from tests.factories import valid_report
from tests.fixtures import body

JSON = {"Content-Type": "application/json"}


def test_a_new_token_is_accepted_in_lower_case_and_with_spaces(client):
    # Given a report filed today
    receipt = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report())))
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    # When the reporter types it back in lower case, with spaces instead of hyphens
    for typed in (token.lower(), token.replace("-", " "), token.replace("-", "").lower()):
        answer = client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": typed})
        # Then they get their own view
        assert answer.status_code == 200 and body(answer)["view"] == "reporter"
    # And a reply with the lower-case token is recorded
    reply = client.http.post(f"/complaints/{tid}/replies", headers={**JSON, "X-Reporter-Token": token.lower()},
                             body=json.dumps({"message": "Foto tambahan menyusul besok pagi."}))
    assert reply.status_code in (200, 201)


def test_a_report_with_an_old_format_token_still_opens(client):
    # Given a report whose token is in the old format (32 URL-safe characters)
    from chalicelib.domain import identifiers
    from chalicelib.models import ComplaintModel

    receipt = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report())))
    tid = receipt["tracking_id"]
    old = "Ab" + secrets.token_urlsafe(24)[2:]
    row = ComplaintModel.get(tid)
    row.update(actions=[ComplaintModel.reporter_token_hash.set(identifiers.hash_secret(old))])
    # When the reporter uses it as they kept it
    answer = client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": old})
    # Then it works; in another case it does not (old tokens are case-sensitive), nor does the new one
    assert answer.status_code == 200 and body(answer)["view"] == "reporter"
    assert client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": old.lower()}).status_code == 403
    assert client.http.get(f"/complaints/{tid}",
                           headers={"X-Reporter-Token": receipt["reporter_token"]}).status_code == 403


def _lang_of(client, receipt):
    mine = client.http.get(f"/complaints/{receipt['tracking_id']}",
                           headers={"X-Reporter-Token": receipt["reporter_token"]})
    return body(mine)["lang"]


def test_the_reporters_language_is_kept_from_the_body_the_header_or_the_form(client):
    from urllib.parse import urlencode

    # Given reports filed in English by a JSON "lang", by Accept-Language, and from the English form
    by_body = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report(lang="en"))))
    by_header = body(client.http.post("/complaints", headers={**JSON, "Accept-Language": "en-GB,en;q=0.9,id;q=0.5"},
                                      body=json.dumps(valid_report())))
    form = {"kind": "complaint", "title": "Lampu jalan mati", "category": "infrastructure",
            "description": "Lampu jalan di depan sekolah mati sejak minggu lalu.",
            "province_code": "73", "regency_code": "73.71", "reporter_name": "Siti", "lang": "en"}
    by_form = body(client.http.post("/complaints", body=urlencode(form), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}))
    # And one with no hint at all, and one preferring Indonesian
    plain = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report())))
    indonesian = body(client.http.post("/complaints", headers={**JSON, "Accept-Language": "en;q=0.4, id"},
                                       body=json.dumps(valid_report())))
    # Then each keeps the language it was filed in
    assert [_lang_of(client, r) for r in (by_body, by_header, by_form, plain, indonesian)] == \
        ["en", "en", "en", "id", "id"]
    # And an unknown language is a field error, not a 500
    bad = client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report(lang="fr")))
    assert bad.status_code == 422 and body(bad)["error"]["fields"] == {"lang": "must be id or en"}


def test_the_receipt_speaks_the_language_it_was_filed_in(client):
    english = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report(lang="en"))))
    indonesian = body(client.http.post("/complaints", headers=JSON, body=json.dumps(valid_report())))
    assert english["status_label"] == "Not yet verified" and indonesian["status_label"] == "Belum Terverifikasi"
