"""SPEC §11 "Text" and the inputs that used to answer 500: each is a 4xx now and changes nothing.

Found by trying the API as an attacker would (issue 13): a list where a code belongs, JSON nested
thousands deep, a year-1 date, forged inbox cursors, a nulled agency name, a one-character
Idempotency-Key, control and bidi characters, an Open311 key in the URL, short key ids.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.factories import valid_report
from tests.fixtures import body

JSON = {"Content-Type": "application/json"}


def file(client, report, headers=None):
    return client.http.post("/complaints", headers={**JSON, **(headers or {})}, body=json.dumps(report))


def forge(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


# --- the former 500s ------------------------------------------------------------------------------

def test_a_list_as_province_code_is_a_field_error(client):
    # Given a report whose province code is a list; When it is filed
    response = file(client, valid_report(province_code=[1]))
    # Then it is refused on that field
    assert response.status_code == 422
    assert "province_code" in body(response)["error"]["fields"]


@pytest.mark.parametrize("nested", ["[" * 20000 + "]" * 20000,
                                    '{"reporter": ' + '{"a": ' * 5000 + "1" + "}" * 5001,
                                    json.dumps(valid_report(reporter={"name": [[[[[[[[[["x"]]]]]]]]]]}))])
def test_deep_nesting_is_malformed(client, nested):
    # Given a body nested far deeper than any request needs; When it is posted
    response = client.http.post("/complaints", headers=JSON, body=nested)
    # Then it is 400 malformed_body, not a crash
    assert response.status_code == 400, response.body
    assert body(response)["error"]["code"] == "malformed_body"


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=0001-01-02", "from=9999-12-30&to=9999-12-31"])
def test_dates_out_of_range_are_field_errors_everywhere(client, staff, query):
    national = staff.national()
    for path, headers in (("/agency/complaints", national), ("/agency/stats", national), ("/stats", {})):
        # When a date far outside any report's life is asked for
        response = client.http.get(f"{path}?{query}", headers=headers)
        # Then it is 422 on that parameter
        assert response.status_code == 422, (path, response.body)
        assert set(body(response)["error"]["fields"]) & {"from", "to"}


@pytest.mark.parametrize("state", [
    {"s": "kemenpanrb", "i": "scope0-index", "t": "soon", "k": {}},
    {"s": "kemenpanrb", "i": "scope0-index", "t": [1], "k": {"tracking_id": {"S": "x"}}},
    {"s": "kemenpanrb", "i": "scope0-index", "t": 9e99, "k": {"tracking_id": 5}},
    {"s": "kemenpanrb", "i": "scope0-index", "t": 9e99, "k": {"tracking_id": {"B": "AAAA"}}},
    {"s": "kemenpanrb", "i": "scope0-index", "t": 9e99, "k": {"tracking_id": {"S": "LPR-0000-0000"}}},
    {"s": "kemenpanrb", "i": "scope0-index", "t": 9e99,
     "k": {"tracking_id": {"S": "x"}, "scope0": {"S": "kemenpanrb"}, "submitted_key": {"N": "not a number"}}},
    {"s": ["kemenpanrb"], "i": {}, "k": {"a": {"S": "b"}}},
])
def test_forged_inbox_cursors_are_bad_requests(client, staff, state):
    # Given a cursor the API never gave out, shaped to pass the first checks
    response = client.http.get(f"/agency/complaints?cursor={forge(state)}", headers=staff.national())
    # Then it is 400 on the cursor
    assert response.status_code == 400, response.body
    assert "cursor" in body(response)["error"]["fields"]


def test_forged_directory_cursor_is_a_bad_request(client):
    response = client.http.get(f"/agencies?cursor={forge({'k': {'agency_id': {'L': []}}, 'p': 'unit'})}")
    assert response.status_code == 400


def test_an_agency_name_cannot_be_removed_and_scorecards_still_list(client, staff):
    # Given the national admin; When it sets an agency's name (or e-mails) to null
    for change in ({"name": None}, {"emails": None}):
        response = client.http.put("/admin/agencies/dinas-pupr-kota-makassar", headers=staff.national(),
                                   body=json.dumps(change))
        # Then it is refused and the directory keeps the name
        assert response.status_code == 422, response.body
    agency = body(client.http.get("/admin/agencies/dinas-pupr-kota-makassar", headers=staff.national()))
    assert agency["name"]
    assert client.http.get("/agency/stats", headers=staff.national()).status_code == 200


def test_an_agency_without_a_name_in_storage_does_not_break_scorecards(client, staff):
    # Given an agency row whose name went missing (written before names were required)
    from chalicelib.models import AgencyModel

    model = AgencyModel.get("dinas-pendidikan-kota-makassar")
    old = model.name
    model.update(actions=[AgencyModel.name.remove()])
    try:
        # When a coordinator above it reads the scorecards, sorted by name
        response = client.http.get("/agency/stats?sort=name", headers=staff.headers("coordinator", "pemkot-makassar"))
        # Then they list it by its id
        assert response.status_code == 200, response.body
    finally:
        model.update(actions=[AgencyModel.name.set(old)])


# --- agencies: names required, regions consistent with the parent ---------------------------------

@pytest.mark.parametrize("agency, field", [
    ({"level": "unit", "parent_id": "pemkot-makassar", "province_code": "32"}, "province_code"),
    ({"level": "unit", "parent_id": "pemkot-makassar", "regency_code": "32.73"}, "regency_code"),
    ({"level": "regency", "parent_id": "pemprov-sulawesi-selatan", "regency_code": "32.73"}, "regency_code"),
    ({"level": "regency", "parent_id": "pemprov-sulawesi-selatan"}, "regency_code"),
    ({"level": "province", "parent_id": "kemenpanrb"}, "province_code"),
    ({"level": "unit", "parent_id": "pemkot-makassar", "name": None}, "name"),
])
def test_a_new_agency_must_sit_inside_its_parents_region(client, staff, agency, field):
    data = {"agency_id": "dinas-uji-wilayah", "name": "Dinas Uji Wilayah", **agency}
    response = client.http.post("/admin/agencies", headers=staff.national(), body=json.dumps(data))
    assert response.status_code == 422, response.body
    assert field in body(response)["error"]["fields"]
    assert client.http.get("/admin/agencies/dinas-uji-wilayah", headers=staff.national()).status_code == 404


# --- Idempotency-Key ------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["a", "short-key-15chr", "x" * 129, "sixteen chars ok", "ключ-идемпотентности",
                                 "key\u202e-reversed-0000"])
def test_an_idempotency_key_outside_the_rule_is_refused(client, key):
    # Given a key too short to be secret, too long or outside the safe alphabet
    header = key.encode("utf-8").decode("latin-1")  # as the raw header bytes arrive
    response = client.http.post("/complaints", headers={**JSON, "Idempotency-Key": header},
                                body=json.dumps(valid_report()))
    # Then nothing is filed and the header is named
    assert response.status_code == 422, response.body
    assert "Idempotency-Key" in body(response)["error"]["fields"]


def test_a_guessable_key_cannot_fetch_someone_elses_token(client):
    # Given a reporter who used a one-character key: refused, so a second client has nothing to replay
    first = client.http.post("/complaints", headers={**JSON, "Idempotency-Key": "1"}, body=json.dumps(valid_report()))
    assert first.status_code == 422
    # And a 16-character key works
    ok = client.http.post("/complaints", headers={**JSON, "Idempotency-Key": "0123456789abcdef"},
                          body=json.dumps(valid_report()))
    assert ok.status_code == 201


# --- Text: control and invisible formatting characters --------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("title", "Jalan rusak\x00 di depan kampus"),
    ("title", "Jalan rusak \u202egnaruk\u202c di kampus"),
    ("description", "Jalan berlubang\u200b besar di depan kampus sejak dua bulan lalu."),
    ("description", "Jalan berlubang besar di depan kampus\x1b[2J sejak dua bulan lalu."),
    ("address", "Jl. Perintis\u2066 Kemerdekaan"),
    ("reporter.name", "Siti\ufeffRahma"),
    ("title", "Jalan rusak\ndi depan kampus"),
])
def test_control_and_format_characters_are_refused_on_the_field(client, field, value):
    report = valid_report()
    if field.startswith("reporter."):
        report["reporter"] = {**report["reporter"], field.split(".")[1]: value}
    else:
        report[field] = value
    response = file(client, report)
    assert response.status_code == 422, response.body
    assert field in body(response)["error"]["fields"]


def test_tabs_and_newlines_stay_allowed_in_long_text(client):
    description = "Kronologi:\r\n1.\tJalan berlubang sejak Agustus.\n2.\tSudah dilaporkan ke RT, belum ada tindakan."
    response = file(client, valid_report(description=description))
    assert response.status_code == 201, response.body


def test_a_staff_note_and_a_reporter_reply_are_checked_too(client, staff):
    receipt = body(file(client, valid_report()))
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    reply = client.http.post(f"/complaints/{tid}/replies", headers={**JSON, "X-Reporter-Token": token},
                             body=json.dumps({"message": "Tambahan\u202e informasi"}))
    assert reply.status_code == 422 and "message" in body(reply)["error"]["fields"]
    act = client.http.post(f"/agency/complaints/{tid}/actions", headers=staff.national(),
                           body=json.dumps({"action": "reject", "note": "spam\x07"}))
    assert act.status_code == 422 and "note" in body(act)["error"]["fields"]


# --- Open311 key, key ids, public URLs -----------------------------------------------------------

def test_open311_api_key_in_the_url_is_refused(client, tables):
    from urllib.parse import urlencode

    from chalicelib.services import keys

    key = keys.issue("open311", "kemenpanrb", label="mitra")["key"]
    fields = {"service_code": "health", "address_id": "73.71", "first_name": "Ani",
              "description": "Puskesmas tutup pada jam layanan tanpa pemberitahuan."}
    response = client.http.post(f"/open311/v2/requests.json?api_key={key}",
                                headers={"Content-Type": "application/x-www-form-urlencoded"},
                                body=urlencode({**fields, "api_key": key}))
    assert response.status_code == 400
    assert "URL" in json.dumps(body(response))


def test_key_ids_are_64_bits_and_distinct(staff, client):
    from chalicelib.services import keys

    issued = [keys.issue("officer", "dinas-kesehatan-kota-makassar", label="t") for _ in range(5)]
    assert all(len(k["key_id"]) == 16 for k in issued)
    assert len({k["key_id"] for k in issued}) == 5
    assert client.http.get("/agency/complaints", headers={"Authorization": f"Bearer {issued[0]['key']}"}
                           ).status_code == 200


def test_discovery_urls_come_from_the_setting_not_the_host_header(client, tables):
    response = client.http.get("/open311/v2/discovery.json", headers={"Host": "evil.example"})
    url = body(response)["endpoints"][0]["url"]
    assert "evil.example" not in url and url == "http://127.0.0.1:8000/open311/v2"
