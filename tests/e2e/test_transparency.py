"""Over HTTP against the running local stack: the ministry's numbers, scorecards, the CSV export and
Open311 all answer through ``chalice local`` as they do in the tests' in-process gateway."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from tests.factories import valid_report

pytestmark = pytest.mark.e2e


def test_a_report_filed_counts_at_once_and_shows_in_every_view(stack):
    before = stack.get("/stats?scope=regency:73.71").json()["total"]
    # Given a citizen files a report in Kota Makassar
    tracking_id = stack.post("/complaints", json=valid_report(category="education")).json()["tracking_id"]
    # Then the public numbers count it at once (maintained with the change, not by a job)
    after = stack.get("/stats?scope=regency:73.71").json()
    assert after["total"] == before + 1 and after["by_category"]["education"] >= 1
    # and the city's coordinator sees it in the scorecards and the CSV export
    coordinator = stack.staff("coordinator", "pemkot-makassar")
    cards = stack.get("/agency/stats", headers=coordinator).json()
    assert cards["agency"]["agency_id"] == "pemkot-makassar" and cards["agency"]["reports"] >= 1
    export = stack.get("/agency/complaints.csv", headers=coordinator)
    assert export.status_code == 200 and export.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert tracking_id in {row["tracking_id"] for row in rows}
    # and Open311 clients find it, in JSON and in XML
    [request] = stack.get(f"/open311/v2/requests/{tracking_id}.json").json()
    assert request["service_code"] == "education" and request["status"] == "open"
    xml = ET.fromstring(stack.get(f"/open311/v2/requests/{tracking_id}.xml").content)
    assert xml.findtext("request/service_request_id") == tracking_id


def test_open311_discovery_and_services_through_chalice_local(stack):
    discovery = stack.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["url"] == stack.base_url + "/open311/v2"
    services = ET.fromstring(stack.get("/open311/v2/services.xml").content)
    assert "health" in [s.findtext("service_code") for s in services]
    refused = stack.post("/open311/v2/requests.json", data={"service_code": "health", "address_id": "73.71"})
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
