"""GeoReport v2 shapes as pure functions: a report as a service request, XML, errors, titles."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import open311
from chalicelib.services.open311 import _title_from, window
from tests.factories import complaint


@pytest.mark.parametrize(("status", "expected"), [
    ("submitted", "open"), ("forwarded", "open"), ("in_progress", "open"), ("awaiting_reporter", "open"),
    ("resolved", "closed"), ("closed", "closed"), ("rejected", "closed"),
])
def test_our_statuses_map_to_open_and_closed(status, expected):
    assert open311.open311_status(status) == expected


def test_a_resolved_report_as_a_service_request():
    resolved_at = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    c = complaint(status="resolved", resolved_at=resolved_at, agency_name="Dinas PUPR Kota Makassar",
                  deadlines={"reporter_reply": resolved_at + timedelta(days=14)})
    request = open311.service_request(c)
    assert list(request) == list(open311.REQUEST_FIELDS)
    assert request["status"] == "closed" and request["status_notes"] == "Selesai Ditindaklanjuti (resolved)"
    assert request["requested_datetime"] == "2026-11-23T10:00:00+08:00"
    assert request["updated_datetime"] == "2026-11-30T11:00:00+08:00"  # when it was resolved
    assert request["expected_datetime"] is None
    assert request["service_notice"].startswith("Menunggu tanggapan pelapor sampai 2026-12-14T11:00:00+08:00")
    assert request["agency_responsible"] == "Dinas PUPR Kota Makassar"
    assert request["description"] == "Jalan rusak\n\nDeskripsi yang cukup panjang untuk laporan."
    assert "Siti" not in str(request) and "siti@example.com" not in str(request)


def test_xml_follows_the_specs_element_names_and_escapes_text():
    text = open311.to_xml("service_requests", [{"service_request_id": "LPR-1", "description": "a < b & \"c\"",
                                                "lat": None, "metadata": True}])
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>')
    root = ET.fromstring(text.encode("utf-8"))
    request = root.find("request")
    assert request.findtext("description") == 'a < b & "c"'
    assert request.findtext("lat") == "" and request.findtext("metadata") == "true"


def test_errors_are_a_list_of_code_and_description():
    error = open311.Open311Error.of(403, "invalid api_key")
    assert error.body() == [{"code": 403, "description": "invalid api_key"}]
    root = ET.fromstring(open311.render("xml", "errors", error.body()).encode())
    assert [(e.findtext("code"), e.findtext("description")) for e in root] == [("403", "invalid api_key")]


def test_a_title_is_made_from_the_start_of_the_description():
    assert _title_from("Lampu jalan mati\nsudah seminggu gelap") == "Lampu jalan mati"
    long_line = "kata " * 40
    title = _title_from(long_line)
    assert title.endswith("…") and len(title) <= 101 and not title[:-1].endswith(" ")


def test_the_listing_window_is_90_days_at_most():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    assert window(None, None, now) == (now - timedelta(days=90), now)
    first, last = window("2026-04-01T00:00:00+07:00", None, now)
    assert last - first == timedelta(days=90)
    with pytest.raises(open311.Open311Error) as too_long:
        window("2026-01-01T00:00:00Z", "2026-04-02T00:00:00Z", now)
    assert too_long.value.status == 400


def test_characters_xml_cannot_carry_are_dropped_so_the_listing_stays_readable():
    text = open311.to_xml("service_requests", [{"description": "lampu\x0bmati\x00 \u00e9\u2013ok"}])
    assert ET.fromstring(text.encode("utf-8")).findtext("request/description") == "lampumati \u00e9\u2013ok"
