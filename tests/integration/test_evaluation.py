"""The monthly evaluation (SPEC §14) on the moto server: month boundaries in the region's time zone,
the same numbers as ``/stats`` and ``/agency/stats``, scope, bad input, CSV.

Its reports are filed in August 2025 (on the test clock) in Kota Ambon (81.71, WIT) and Kabupaten
Bulungan (65.02, WITA), where and when no other test files reports.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.agencies import Agency, province_coordinator, regency_coordinator
from tests.fixtures import body
from tests.staff import file_report

WIT, WITA = ZoneInfo("Asia/Jayapura"), ZoneInfo("Asia/Makassar")
MALUKU = province_coordinator("81")
AMBON = regency_coordinator("81.71")
KALTARA = province_coordinator("65")
HEALTH = Agency("uji-dinkes-kota-ambon", "Dinas Kesehatan Kota Ambon (uji)", "unit", AMBON.agency_id,
                (*AMBON.path, "uji-dinkes-kota-ambon"), "81", "81.71")


def key(role: str, agency_id: str) -> dict[str, str]:
    from chalicelib.services import keys

    return {"Authorization": f"Bearer {keys.issue(role, agency_id, label='evaluation test')['key']}",
            "Content-Type": "application/json"}


def evaluation(client, headers, month: str) -> dict:
    response = client.http.get(f"/agency/evaluation?month={month}", headers=headers)
    assert response.status_code == 200, response.body
    return body(response)


@pytest.fixture(scope="module")
def august(tables, pump):
    """Reports at the edges of August 2025 in two time zones, and one answered and resolved."""
    from chalice.test import Client

    from app import app
    from chalicelib.adapters import clock
    from chalicelib.services.seed import to_model
    from tests.fixtures import ROOT

    to_model(HEALTH, "2025-01-01T00:00:00+07:00").save()

    def at(moment: datetime) -> None:
        clock.set_offset((moment - datetime.now(moment.tzinfo)).total_seconds())

    officer = key("officer", HEALTH.agency_id)
    try:
        with Client(app, project_dir=str(ROOT), stage_name="local") as client:
            # 1 August 00:15 in Ambon is still 31 July in UTC: August
            at(datetime(2025, 8, 1, 0, 15, tzinfo=WIT))
            file_report(client, province_code="81", regency_code="81.71")
            # 31 August 23:30 in Ambon: August
            at(datetime(2025, 8, 31, 23, 30, tzinfo=WIT))
            file_report(client, province_code="81", regency_code="81.71")
            # 1 September 00:30 in Bulungan (WITA), two hours *after* that in UTC (16:30 on 31 August): September
            at(datetime(2025, 9, 1, 0, 30, tzinfo=WITA))
            file_report(client, province_code="65", regency_code="65.02", category="transport")
            # a health report to the Ambon health office on 5 August, answered the next day, resolved
            at(datetime(2025, 8, 5, 10, 0, tzinfo=WIT))
            tid = file_report(client, province_code="81", regency_code="81.71", category="health",
                              target_agency_id=HEALTH.agency_id)["tracking_id"]
            pump.drain()
            at(datetime(2025, 8, 6, 9, 0, tzinfo=WIT))
            for action, note in (("respond", "Petugas kami menuju lokasi."), ("resolve", "Sudah ditangani.")):
                answer = client.http.post(f"/agency/complaints/{tid}/actions", headers=officer,
                                          body=json.dumps({"action": action, "note": note}))
                assert answer.status_code == 200, answer.body
    finally:
        clock.set_offset(0)
    return tid


def test_a_month_ends_at_midnight_in_the_reports_own_time_zone(client, august):
    maluku = evaluation(client, key("coordinator", MALUKU.agency_id), "2025-08")
    kaltara_aug = evaluation(client, key("coordinator", KALTARA.agency_id), "2025-08")
    kaltara_sep = evaluation(client, key("coordinator", KALTARA.agency_id), "2025-09")
    received = {e["scope"]: e["figures"][0]["month"] for e in (maluku, kaltara_aug)}
    # Both Ambon reports at the edges of August (WIT) and the health report are August's
    assert received == {f"within:{MALUKU.agency_id}": 3, f"within:{KALTARA.agency_id}": 0}
    # The Bulungan report filed at 00:30 WITA on 1 September is September's, though UTC still said August
    assert kaltara_sep["figures"][0]["month"] == 1 and kaltara_sep["figures"][0]["month_before"] == 0
    assert (maluku["from"], maluku["to"]) == ("2025-08-01", "2025-08-31")


def test_the_evaluation_gives_the_same_numbers_as_the_statistics(client, staff, august):
    # Given the national evaluation and a coordinator's, for August 2025
    national = evaluation(client, staff.national(), "2025-08")
    coordinator = evaluation(client, key("coordinator", MALUKU.agency_id), "2025-08")
    # Then each figure of each period is what /stats (national) and /agency/stats (the subtree) say
    ranges = {"month": ("2025-08-01", "2025-08-31"), "month_before": ("2025-07-01", "2025-07-31"),
              "year_before": ("2024-08-01", "2024-08-31")}
    for period, (start, end) in ranges.items():
        public = body(client.http.get(f"/stats?scope=national&from={start}&to={end}"))
        scorecard = body(client.http.get(f"/agency/stats?from={start}&to={end}",
                                         headers=key("coordinator", MALUKU.agency_id)))["agency"]
        figures = {f["metric"]: f[period] for f in national["figures"]}
        assert figures == {"received": public["total"], "resolved_pct": public["resolved_pct"],
                           "on_time_pct": public["on_time_pct"],
                           "median_first_response_hours": public["median_first_response_hours"]}
        mine = {f["metric"]: f[period] for f in coordinator["figures"]}
        assert mine == {"received": scorecard["reports"], "resolved_pct": scorecard["resolved_pct"],
                        "on_time_pct": scorecard["on_time_pct"],
                        "median_first_response_hours": scorecard["median_first_response_hours"]}
    # And the coordinator's August: 3 received, the one forwarded resolved, answered on time within a day
    mine = {f["metric"]: f for f in coordinator["figures"]}
    assert (mine["received"]["month"], mine["resolved_pct"]["month"], mine["on_time_pct"]["month"]) == (3, 100.0,
                                                                                                        100.0)
    assert 0 < mine["median_first_response_hours"]["month"] <= 24
    assert mine["received"]["explanation_id"].startswith("Laporan masuk Agustus 2025: 3. Dibanding Juli 2025 (0)")
    assert "Against July 2025 (0): no comparison possible." in mine["received"]["explanation_en"]


def test_the_categories_that_grew_and_participation_are_explained(client, august):
    result = evaluation(client, key("coordinator", MALUKU.agency_id), "2025-08")
    grown = {c["category"]: c for c in result["categories_grown"]}
    assert grown["infrastructure"]["growth"] == 2 and grown["health"]["growth"] == 1
    assert grown["infrastructure"]["explanation_id"].startswith("Infrastruktur: 2 laporan pada Agustus 2025")
    part = result["participation"]
    assert part["agencies"] >= 12 and part["acted_in_month"] == 1  # the health office acted in August
    assert part["explanation_en"].startswith(f"{part['connected']} of {part['agencies']} agencies connected")
    assert result["title_id"] == "Evaluasi Bulanan Pengelolaan Pengaduan — Agustus 2025"


@pytest.mark.parametrize("month", ["2025-13", "25-08", "agustus", "2099-01", "1999-12"])
def test_a_bad_month_is_422_on_month(client, staff, month):
    response = client.http.get(f"/agency/evaluation?month={month}", headers=staff.national())
    assert response.status_code == 422, response.body
    assert "month" in body(response)["error"]["fields"]


def test_an_officer_cannot_read_an_evaluation(client):
    response = client.http.get("/agency/evaluation?month=2025-08", headers=key("officer", HEALTH.agency_id))
    assert response.status_code == 403


def test_the_evaluation_downloads_as_csv(client, august):
    response = client.http.get("/agency/evaluation.csv?month=2025-08", headers=key("coordinator", MALUKU.agency_id))
    assert response.status_code == 200 and "evaluasi-2025-08.csv" in response.headers["Content-Disposition"]
    text = response.body.decode("utf-8-sig") if isinstance(response.body, bytes) else response.body.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    figures = {r["item"]: r for r in rows if r["section"] == "figure"}
    assert figures["received"]["month"] == "3" and figures["received"]["explanation_id"]
    assert any(r["section"] == "category_grown" and r["item"] == "infrastructure" for r in rows)
