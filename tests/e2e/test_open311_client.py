"""Open311 against the running local stack with a real GeoReport v2 client library (``georeport``
from PyPI), in JSON and XML. The library only reads, so filing is raw HTTP, as a partner app's
form post would be (SPEC §7 ``/open311/v2``, §12)."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

FORMATS = ("json", "xml")
DESCRIPTION = "Lampu jalan di depan Gedung Sate mati sejak seminggu, jalan gelap dan rawan kecelakaan."
PHOTO = "https://media.example.org/laporan/lampu-mati.jpg"


@pytest.fixture(scope="module")
def open311_key(stack) -> str:
    answer = stack.post("/admin/keys", headers=stack.staff("national_admin"),
                        json={"role": "open311", "agency_id": "kemenpanrb", "label": "georeport e2e"})
    assert answer.status_code == 201, answer.text
    return answer.json()["key"]


@pytest.fixture(scope="module")
def filed(stack, open311_key) -> str:
    # Given a partner app that posts a point (Gedung Sate, Bandung) and a photo link, no regency
    answer = requests.post(stack.url("/open311/v2/requests.json"), timeout=30, data={
        "api_key": open311_key, "service_code": "infrastructure", "lat": "-6.902481", "long": "107.618810",
        "description": DESCRIPTION, "first_name": "Rina", "media_url": PHOTO})
    assert answer.status_code == 201, answer.text
    assert answer.headers["Access-Control-Expose-Headers"] == "X-Reporter-Token"
    return answer.json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_client_reads_services_and_definitions(stack, fmt):
    client = GeoReport(stack.url("/open311/v2"), output_format=fmt)
    services = client.get_service_list()
    assert {s["service_code"] for s in services} >= {"infrastructure", "health", "education"}
    definition = client.get_service_definition("health")
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    dated = next(a for a in attributes if a["code"] == "incident_date")
    assert dated["datatype"] == "datetime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_client_reads_a_report_filed_by_coordinates(stack, filed, fmt):
    client = GeoReport(stack.url("/open311/v2"), output_format=fmt)
    # When the client reads the request alone and in a listing by id
    one = client.get_service_request(filed)
    listed = client.get_service_requests(service_request_id=filed)
    listed = listed if isinstance(listed, dict) else listed[0]
    # Then it was filed in Kota Bandung, with the point to 3 decimals and the photo link
    for request in (one, listed):
        assert request["service_request_id"] == filed
        assert request["address_id"] == "32.73" and request["status"] == "open"
        assert (float(request["lat"]), float(request["long"])) == (-6.902, 107.619)
        assert request["media_url"] == PHOTO
        assert request["description"] == DESCRIPTION


def test_the_discovery_names_the_configured_base_url(stack):
    discovery = stack.get("/open311/v2/discovery.json", headers={"Host": "evil.example.com"}).json()
    assert discovery["endpoints"][0]["url"] == stack.url("/open311/v2")


@pytest.mark.parametrize(("path", "root"), [("/open311/v2/tickets.xml", "<errors>"),
                                            ("/open311/v2/requests.json?status=open&status=closed", '"code": 400')])
def test_conformance_faults_over_http(stack, path, root):
    answer = stack.get(path)
    assert answer.status_code in (400, 404) and root in answer.text
    with pytest.raises(requests.HTTPError):
        answer.raise_for_status()
