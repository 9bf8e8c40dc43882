"""Open311 GeoReport v2 (``/open311/v2``): every endpoint in JSON and XML, checked against the field
lists of the specification (http://wiki.open311.org/GeoReport_v2), its errors and status codes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from chalicelib.adapters import clock
from chalicelib.domain.reference import CATEGORIES
from tests.fixtures import body

FORMATS = ("json", "xml")
WIT = ZoneInfo("Asia/Jayapura")
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
# The specification's field lists.
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
POST_FIELDS = ["service_request_id", "service_notice", "account_id"]
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
DESCRIPTION = "Jalan berlubang besar di depan pasar sejak sebulan, sudah dua motor jatuh di sana."


@pytest.fixture(scope="module")
def api_key(tables) -> str:
    from chalicelib.services import keys

    return keys.issue("open311", "kemenpanrb", label="aplikasi mitra")["key"]


def parse(response, fmt: str):
    """JSON as data; XML parsed back (it must be well formed and declare UTF-8)."""
    text = response.body.decode("utf-8")
    if fmt == "json":
        assert response.headers["Content-Type"].startswith("application/json")
        return json.loads(text)
    assert response.headers["Content-Type"].startswith("text/xml")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def post(client, fmt: str, **fields):
    return client.http.post(f"/open311/v2/requests.{fmt}", headers=FORM, body=urlencode(fields))


def new_request(client, api_key, fmt="json", **overrides) -> str:
    fields = {"api_key": api_key, "service_code": "infrastructure", "attribute[regency_code]": "73.71",
              "lat": "-5.1477", "long": "119.4327", "address_string": "Jl. Perintis Kemerdekaan, Makassar",
              "description": DESCRIPTION, "first_name": "Andi", "last_name": "Baso",
              "email": "andi.baso@example.com", "phone": "0812-1111-2222", **overrides}
    response = post(client, fmt, **fields)
    assert response.status_code == 201, response.body
    answer = parse(response, fmt)
    return answer[0]["service_request_id"] if fmt == "json" else answer.find("request/service_request_id").text


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    """The spec's error list: [{code, description}] or <errors><error><code/><description/></error></errors>."""
    found = parse(response, fmt)
    assert len(found) >= 1  # an error answer names at least one error
    if fmt == "json":
        assert all(set(e) == {"code", "description"} for e in found)
        return [(e["code"], e["description"]) for e in found]
    assert found.tag == "errors" and children(found) == ["error"] * len(found)
    return [(int(e.findtext("code")), e.findtext("description")) for e in found]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, tables, fmt):
    response = client.http.get(f"/open311/v2/discovery.{fmt}")
    assert response.status_code == 200
    found = parse(response, fmt)
    if fmt == "json":
        assert list(found) == DISCOVERY_FIELDS
        endpoint = found["endpoints"][0]
        assert list(endpoint) == ENDPOINT_FIELDS and endpoint["formats"] == ["text/xml", "application/json"]
        url, spec, kind = endpoint["url"], endpoint["specification"], endpoint["type"]
    else:
        assert found.tag == "discovery" and children(found) == DISCOVERY_FIELDS
        endpoint = found.find("endpoints/endpoint")
        assert children(endpoint) == ENDPOINT_FIELDS
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        url, spec, kind = endpoint.findtext("url"), endpoint.findtext("specification"), endpoint.findtext("type")
    assert spec == "http://wiki.open311.org/GeoReport_v2" and kind == "production" and url.endswith("/open311/v2")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_our_categories(client, tables, fmt):
    response = client.http.get(f"/open311/v2/services.{fmt}")
    assert response.status_code == 200
    found = parse(response, fmt)
    if fmt == "json":
        assert all(list(s) == SERVICE_FIELDS for s in found)
        codes = [s["service_code"] for s in found]
        assert all(s["metadata"] is True and s["type"] == "realtime" for s in found)
        names = {s["service_code"]: s["service_name"] for s in found}
    else:
        assert found.tag == "services" and set(children(found)) == {"service"}
        assert all(children(s) == SERVICE_FIELDS for s in found)
        codes = [s.findtext("service_code") for s in found]
        assert {s.findtext("metadata") for s in found} == {"true"}
        names = {s.findtext("service_code"): s.findtext("service_name") for s in found}
    assert codes == [c.code for c in CATEGORIES]
    assert names["health"] == "Kesehatan"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_our_extra_fields_as_attributes(client, tables, fmt):
    response = client.http.get(f"/open311/v2/services/health.{fmt}")
    assert response.status_code == 200
    found = parse(response, fmt)
    if fmt == "json":
        assert found["service_code"] == "health"
        attributes = found["attributes"]
        assert attributes and all(ATTRIBUTE_FIELDS <= set(a) <= ATTRIBUTE_FIELDS | {"values"} for a in attributes)
        assert {a["datatype"] for a in attributes} <= DATATYPES
        regency = next(a for a in attributes if a["code"] == "regency_code")
        assert regency["required"] is True and regency["variable"] is True
        kinds = next(a for a in attributes if a["code"] == "kind")
        assert [v["key"] for v in kinds["values"]] == ["complaint", "aspiration", "information_request"]
        assert sorted(a["order"] for a in attributes) == list(range(1, len(attributes) + 1))
    else:
        assert found.tag == "service_definition" and children(found) == ["service_code", "attributes"]
        attributes = found.find("attributes")
        assert set(children(attributes)) == {"attribute"}
        for attribute in attributes:
            assert ATTRIBUTE_FIELDS <= set(children(attribute)) <= ATTRIBUTE_FIELDS | {"values"}
            assert attribute.findtext("datatype") in DATATYPES
        kinds = next(a for a in attributes if a.findtext("code") == "kind")
        assert [v.findtext("key") for v in kinds.find("values")] == ["complaint", "aspiration",
                                                                      "information_request"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404_in_the_spec_error_format(client, tables, fmt):
    response = client.http.get(f"/open311/v2/services/potholes.{fmt}")
    assert response.status_code == 404
    [(code, description)] = errors_of(response, fmt)
    assert code == 404 and "potholes" in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_files_an_ordinary_report(client, api_key, fmt):
    # Given a partner app with an open311 key
    # When it posts a service request the GeoReport way (form-encoded, attribute[...] for our fields)
    response = post(client, fmt, api_key=api_key, service_code="health", **{"attribute[regency_code]": "73.71"},
                    lat="-5.1477", long="119.4327", description=DESCRIPTION, first_name="Andi",
                    email="andi@example.com")
    # Then it gets the spec's answer, and the reporter's token in a header
    assert response.status_code == 201
    found = parse(response, fmt)
    if fmt == "json":
        assert len(found) == 1 and list(found[0]) == POST_FIELDS
        tracking_id = found[0]["service_request_id"]
        assert found[0]["account_id"] is None and "diverifikasi" in found[0]["service_notice"]
    else:
        assert found.tag == "service_requests" and children(found.find("request")) == POST_FIELDS
        tracking_id = found.findtext("request/service_request_id")
    token = response.headers["X-Reporter-Token"]
    # and the report is an ordinary one: the reporter can read it with the token
    mine = body(client.http.get(f"/complaints/{tracking_id}", headers={"X-Reporter-Token": token}))
    assert (mine["category"], mine["regency_code"], mine["province_code"]) == ("health", "73.71", "73")
    assert mine["reporter"]["name"] == "Andi" and mine["anonymous"] is False
    assert mine["latitude"] == -5.1477 and "deadlines" in mine
    assert mine["title"] == DESCRIPTION  # no title in GeoReport: the description's first line


def test_address_id_names_the_regency_and_no_name_means_anonymous(client, api_key):
    tracking_id = new_request(client, api_key, **{"attribute[regency_code]": "", "address_id": "32.73",
                                                  "lat": "", "long": "", "first_name": "", "last_name": ""})
    view = body(client.http.get(f"/complaints/{tracking_id}"))
    assert (view["regency_code"], view["province_code"], view["anonymous"]) == ("32.73", "32", True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_lat_long_alone_is_filed_in_the_regency_holding_the_point(client, api_key, fmt):
    # Given a FixMyStreet-like client that sends only a point (Gedung Sate, Bandung)
    response = post(client, fmt, api_key=api_key, service_code="health", lat="-6.9025", long="107.6188",
                    description=DESCRIPTION, first_name="Andi")
    # Then the report is filed in Kota Bandung, Jawa Barat
    assert response.status_code == 201, response.body
    found = parse(response, fmt)
    tracking_id = found[0]["service_request_id"] if fmt == "json" else found.findtext("request/service_request_id")
    view = body(client.http.get(f"/complaints/{tracking_id}"))
    assert (view["regency_code"], view["province_code"]) == ("32.73", "32")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_a_point_or_a_regency_is_the_missing_location_error(client, api_key, fmt):
    response = post(client, fmt, api_key=api_key, service_code="health", description=DESCRIPTION, first_name="Andi")
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == 400 and "location" in description and "lat" in description and "address_id" in description


@pytest.mark.parametrize(("lat", "long", "needle"), [("-5.5", "110.0", "lat: "), ("-6.1754", "106.8272", "lat: ")])
def test_a_point_in_the_sea_or_in_another_province_is_400_on_lat(client, api_key, lat, long, needle):
    # The sea with no regency; Monas with Kota Makassar named
    extra = {} if lat == "-5.5" else {"attribute[regency_code]": "73.71"}
    response = post(client, "json", api_key=api_key, service_code="health", lat=lat, long=long,
                    description=DESCRIPTION, first_name="Andi", **extra)
    assert response.status_code == 400
    assert any(text.startswith(needle) for _, text in errors_of(response, "json"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_api_key_is_required_to_post(client, tables, fmt, api_key):
    from chalicelib.services import keys

    fields = {"service_code": "health", "address_id": "73.71", "description": DESCRIPTION, "first_name": "A"}
    officer_key = keys.issue("officer", "dinas-kesehatan-kota-makassar")["key"]
    revoked = keys.issue("open311", "kemenpanrb")
    keys.revoke(revoked["key_id"])
    for bad in ({}, {"api_key": ""}, {"api_key": "not-a-key"}, {"api_key": api_key[:-3] + "xyz"},
                {"api_key": officer_key}, {"api_key": revoked["key"]}):
        response = post(client, fmt, **fields, **bad)
        assert response.status_code == 403, bad
        [(code, description)] = errors_of(response, fmt)
        assert code == 403 and "api_key" in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_or_missing_service_code_on_post(client, api_key, fmt):
    fields = {"api_key": api_key, "address_id": "73.71", "description": DESCRIPTION, "first_name": "Andi"}
    # an unknown service_code is "not found" (404), as the spec's POST errors say
    unknown = post(client, fmt, service_code="potholes", **fields)
    assert unknown.status_code == 404 and errors_of(unknown, fmt)[0][0] == 404
    # a missing one is "not provided" (400)
    missing = post(client, fmt, **fields)
    assert missing.status_code == 400 and "service_code" in errors_of(missing, fmt)[0][1]


def test_invalid_fields_are_listed_one_error_each_by_their_open311_names(client, api_key):
    response = post(client, "json", api_key=api_key, service_code="health", address_id="73.71",
                    description="too short", first_name="Andi", email="not-an-email", lat="10.5", long="2.0")
    assert response.status_code == 400
    descriptions = [d for _, d in errors_of(response, "json")]
    assert any(d.startswith("description:") for d in descriptions)
    assert any(d.startswith("email:") for d in descriptions)
    assert any(d.startswith("lat:") for d in descriptions)
    unknown_regency = post(client, "json", api_key=api_key, service_code="health", address_id="99.99",
                           description=DESCRIPTION, first_name="Andi")
    assert unknown_regency.status_code == 400 and "99.99" in errors_of(unknown_regency, "json")[0][1]


def test_posting_needs_a_form(client, api_key):
    response = client.http.post("/open311/v2/requests.json", headers={"Content-Type": "application/json"},
                                body=json.dumps({"api_key": api_key}))
    assert response.status_code == 400 and "x-www-form-urlencoded" in errors_of(response, "json")[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reading_one_request(client, api_key, fmt):
    tracking_id = new_request(client, api_key)
    response = client.http.get(f"/open311/v2/requests/{tracking_id}.{fmt}")
    assert response.status_code == 200
    found = parse(response, fmt)
    if fmt == "json":
        [request] = found
        assert list(request) == REQUEST_FIELDS
    else:
        assert found.tag == "service_requests" and children(found) == ["request"]
        request = {child.tag: child.text for child in found.find("request")}
        assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == tracking_id and request["status"] == "open"
    assert request["status_notes"] == "Belum Terverifikasi (submitted)"
    assert request["service_code"] == "infrastructure" and request["service_name"] == "Infrastruktur"
    assert request["description"].endswith(DESCRIPTION)
    assert request["agency_responsible"] == "Pemerintah Kota Makassar"
    assert request["address"] == "Kota Makassar, Sulawesi Selatan" and request["address_id"] == "73.71"
    assert W3C.match(request["requested_datetime"]) and request["requested_datetime"].endswith("+08:00")
    assert W3C.match(request["updated_datetime"])
    assert request["service_notice"].startswith("Verifikasi dan disposisi paling lambat")
    # never the reporter or their street address; the point only to 3 decimals (about 100 m)
    assert float(request["lat"]) == -5.148 and float(request["long"]) == 119.433
    text = response.body.decode()
    for personal in ("Andi", "Baso", "andi.baso@example.com", "0812-1111-2222", "Perintis", "119.4327"):
        assert personal not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_is_404(client, tables, fmt):
    response = client.http.get(f"/open311/v2/requests/LPR-ZZZZ-ZZZZ.{fmt}")
    assert response.status_code == 404
    [(code, description)] = errors_of(response, fmt)
    assert code == 404 and "LPR-ZZZZ-ZZZZ" in description


def test_a_resource_without_a_format_is_404(client, tables):
    response = client.http.get("/open311/v2/requests/LPR-ZZZZ-ZZZZ")
    assert response.status_code == 404 and errors_of(response, "xml")[0][0] == 404


def test_a_confidential_report_shows_no_description(client, api_key):
    tracking_id = new_request(client, api_key, **{"attribute[confidential]": "true"})
    [request] = json.loads(client.http.get(f"/open311/v2/requests/{tracking_id}.json").body)
    assert request["description"] is None and request["status"] == "open"
    xml = ET.fromstring(client.http.get(f"/open311/v2/requests/{tracking_id}.xml").body)
    assert xml.findtext("request/description") == ""
    listed = client.http.get(f"/open311/v2/requests.json?service_request_id={tracking_id}")
    assert DESCRIPTION not in listed.body.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_listing_requests_with_the_spec_filters(client, api_key, fmt, dynamodb_calls):
    # Given two new requests, one about health and one about infrastructure
    health = new_request(client, api_key, service_code="health")
    road = new_request(client, api_key, service_code="infrastructure")

    def listed(query: str) -> list[dict]:
        response = client.http.get(f"/open311/v2/requests.{fmt}?{query}")
        assert response.status_code == 200
        found = parse(response, fmt)
        if fmt == "json":
            assert all(list(r) == REQUEST_FIELDS for r in found)
            return found
        assert found.tag == "service_requests"
        return [{child.tag: child.text for child in request} for request in found]

    # When the last 90 days are listed (the default window), newest first, without a Scan
    dynamodb_calls.reset()
    recent = listed("")
    assert dynamodb_calls.counts["Scan"] == 0 and dynamodb_calls.counts["Query"] >= 1
    ids = [r["service_request_id"] for r in recent]
    assert ids.index(road) < ids.index(health)
    assert len(recent) <= 1000
    # Filters: service_code, status, ids (which override everything else)
    assert {r["service_code"] for r in listed("service_code=health")} == {"health"}
    assert health in [r["service_request_id"] for r in listed("service_code=health,education")]
    assert road not in [r["service_request_id"] for r in listed("service_code=health")]
    assert {r["status"] for r in listed("status=closed")} <= {"closed"}
    assert health in [r["service_request_id"] for r in listed("status=open")]
    both = listed(f"service_request_id={health},{road},LPR-ZZZZ-ZZZZ&service_code=education")
    assert sorted(r["service_request_id"] for r in both) == sorted([health, road])
    # An explicit window that holds them (W3C times, any offset), and one long before
    now = clock.now()
    window = urlencode({"start_date": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
                        "end_date": (now + timedelta(hours=1)).astimezone(WIT).isoformat(timespec="seconds")})
    assert {health, road} <= {r["service_request_id"] for r in listed(window)}
    assert listed("start_date=2000-01-01T00:00:00Z&end_date=2000-03-01T00:00:00%2B07:00") == []


def test_a_closed_report_is_closed_with_our_status_in_the_notes(client, api_key):
    from chalicelib.services import keys

    tracking_id = new_request(client, api_key, service_code="other")
    coordinator = {"Authorization": f"Bearer {keys.issue('coordinator', 'pemkot-makassar')['key']}",
                   "Content-Type": "application/json"}
    acted = client.http.post(f"/agency/complaints/{tracking_id}/actions", headers=coordinator,
                             body=json.dumps({"action": "reject", "note": "Laporan ganda"}))
    assert acted.status_code == 200, acted.body
    [request] = json.loads(client.http.get(f"/open311/v2/requests/{tracking_id}.json").body)
    assert request["status"] == "closed" and request["status_notes"] == "Diarsipkan (rejected)"
    assert request["expected_datetime"] is None
    closed = json.loads(client.http.get("/open311/v2/requests.json?status=closed&service_code=other").body)
    assert tracking_id in [r["service_request_id"] for r in closed]


@pytest.mark.parametrize(("query", "needle"), [
    ("service_code=potholes", "potholes"),
    ("status=pending", "status"),
    ("start_date=2026-01-01", "time zone"),
    ("start_date=yesterday", "start_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
    ("start_date=2026-03-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "after"),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_listing_arguments_are_400_in_the_spec_error_format(client, tables, fmt, query, needle):
    response = client.http.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    found = errors_of(response, fmt)
    assert found[0][0] == 400 and needle in found[0][1]


# --- places and conformance (SPEC §12) -----------------------------------------------------------

def test_media_url_is_stored_and_shown_unless_confidential(client, api_key):
    photo = "https://cdn.example.org/foto/jalan-berlubang.jpg"
    public = new_request(client, api_key, media_url=photo)
    hidden = new_request(client, api_key, media_url=photo, **{"attribute[confidential]": "true"})
    [shown] = json.loads(client.http.get(f"/open311/v2/requests/{public}.json").body)
    assert shown["media_url"] == photo
    xml = ET.fromstring(client.http.get(f"/open311/v2/requests/{public}.xml").body)
    assert xml.findtext("request/media_url") == photo
    [secret] = json.loads(client.http.get(f"/open311/v2/requests/{hidden}.json").body)
    assert (secret["media_url"], secret["lat"], secret["long"], secret["description"]) == (None, None, None, None)


@pytest.mark.parametrize("url", ["http://cdn.example.org/a.jpg", "javascript:alert(1)", "ftp://x.org/a.jpg",
                                 "https://user:pw@x.org/a.jpg", "https:///nohost.jpg", "https://x.org/" + "a" * 2000])
def test_media_url_must_be_https(client, api_key, url):
    response = post(client, "json", api_key=api_key, service_code="health", **{"attribute[regency_code]": "73.71"},
                    description=DESCRIPTION, first_name="Andi", media_url=url)
    assert response.status_code == 400
    assert any(text.startswith("media_url: ") for _, text in errors_of(response, "json"))


def test_without_a_title_the_description_is_not_repeated(client, api_key):
    tracking_id = new_request(client, api_key)
    [request] = json.loads(client.http.get(f"/open311/v2/requests/{tracking_id}.json").body)
    assert request["description"] == DESCRIPTION
    titled = new_request(client, api_key, **{"attribute[title]": "Jalan rusak di depan pasar"})
    [request] = json.loads(client.http.get(f"/open311/v2/requests/{titled}.json").body)
    assert request["description"] == "Jalan rusak di depan pasar\n\n" + DESCRIPTION


@pytest.mark.parametrize("path", ["/open311/v2/requests.json?status=open&status=closed",
                                  "/open311/v2/requests.xml?service_code=health&service_code=education",
                                  "/open311/v2/services.json?jurisdiction_id=a&jurisdiction_id=b",
                                  "/open311/v2/discovery.json?x=1&x=2"])
def test_a_repeated_query_parameter_is_400_not_the_last_one_wins(client, tables, path):
    fmt = "xml" if ".xml" in path else "json"
    response = client.http.get(path)
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == 400 and "more than once" in description


def test_a_repeated_form_field_is_400(client, api_key):
    form = urlencode([("api_key", api_key), ("service_code", "health"), ("service_code", "education"),
                      ("attribute[regency_code]", "73.71"), ("description", DESCRIPTION)])
    response = client.http.post("/open311/v2/requests.json", headers=FORM, body=form)
    assert response.status_code == 400 and "service_code" in errors_of(response, "json")[0][1]


@pytest.mark.parametrize(("path", "fmt"), [("/open311/v2/tickets.xml", "xml"), ("/open311/v2/tickets.json", "json"),
                                           ("/open311/v2/requests/LPR-2222-2222/comments.xml", "xml"),
                                           ("/open311/v2/a/b/c.json", "json"), ("/open311/v2", "xml"),
                                           ("/open311/v2/tokens/abc", "xml")])
def test_an_unknown_path_is_404_in_the_georeport_error_format(client, tables, path, fmt):
    response = client.http.get(path)
    assert response.status_code == 404
    [(code, _)] = errors_of(response, fmt)
    assert code == 404


def test_incident_date_is_a_datetime_and_a_datetime_is_accepted(client, api_key):
    [attribute] = [a for a in json.loads(client.http.get("/open311/v2/services/health.json").body)["attributes"]
                   if a["code"] == "incident_date"]
    assert attribute["datatype"] == "datetime"
    yesterday = (clock.now().astimezone(WIT) - timedelta(days=1)).replace(microsecond=0)
    tracking_id = new_request(client, api_key, **{"attribute[incident_date]": yesterday.isoformat()})
    assert body(client.http.get(f"/complaints/{tracking_id}"))["incident_date"] == yesterday.date().isoformat()
    plain = new_request(client, api_key, **{"attribute[incident_date]": yesterday.date().isoformat()})
    assert body(client.http.get(f"/complaints/{plain}"))["incident_date"] == yesterday.date().isoformat()


def test_a_successful_post_carries_cors_headers_exposing_the_token(client, api_key):
    response = post(client, "json", api_key=api_key, service_code="health", lat="-5.1477", long="119.4327",
                    description=DESCRIPTION, first_name="Andi")
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Reporter-Token" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_busy_keeps_429_with_retry_after(client, api_key, fmt, monkeypatch):
    from chalicelib.errors import unavailable
    from chalicelib.services import submit

    def busy(*_args, **_kwargs):
        raise unavailable()

    monkeypatch.setattr(submit, "submit", busy)
    response = post(client, fmt, api_key=api_key, service_code="health", lat="-5.1477", long="119.4327",
                    description=DESCRIPTION, first_name="Andi")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert errors_of(response, fmt)[0][0] == 429


def test_a_throttled_listing_is_retryable_not_400(client, tables, monkeypatch):
    import botocore.exceptions

    from chalicelib.models import ComplaintModel

    def throttled(*_args, **_kwargs):
        raise botocore.exceptions.ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
                                              "Query")

    monkeypatch.setattr(ComplaintModel.scope0_index, "query", throttled)
    response = client.http.get("/open311/v2/requests.json")
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert errors_of(response, "json")[0][0] == response.status_code
