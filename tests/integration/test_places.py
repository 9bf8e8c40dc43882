"""Places over HTTP (SPEC §12): locate, filing by coordinates, nearby reports, support."""

from __future__ import annotations

import json

import pytest

from tests.factories import valid_report
from tests.fixtures import body


def test_locate_answers_the_regency_and_province(client):
    # Given Pantai Losari's coordinates; When located
    answer = client.http.get("/regions/locate?lat=-5.1436&long=119.4075")
    # Then Kota Makassar in Sulawesi Selatan
    assert answer.status_code == 200
    assert body(answer) == {"province_code": "73", "regency_code": "73.71", "name": "Kota Makassar"}


@pytest.mark.parametrize("query", ["lat=-5.5&long=110.0", "lat=1.2903&long=103.8519"])
def test_locate_in_the_sea_or_abroad_is_404_not_in_a_regency(client, query):
    answer = client.http.get(f"/regions/locate?{query}")
    assert answer.status_code == 404
    assert body(answer)["error"]["code"] == "not_in_a_regency"


@pytest.mark.parametrize(("query", "field"), [
    ("lat=-5.1436", "long"), ("long=119.4", "lat"), ("lat=abc&long=119.4", "lat"),
    ("lat=91&long=119.4", "lat"), ("lat=-5.1&long=181", "long"), ("lat=nan&long=119.4", "lat"),
    ("lat=-5.1&long=inf", "long"),
])
def test_locate_with_a_bad_point_is_422_on_that_field(client, query, field):
    answer = client.http.get(f"/regions/locate?{query}")
    assert answer.status_code == 422
    assert field in body(answer)["error"]["fields"]


# --- filing by coordinates -----------------------------------------------------------------------

def _file(client, report: dict):
    return client.http.post("/complaints", headers={"Content-Type": "application/json"}, body=json.dumps(report))


def _without_place(**overrides):
    report = valid_report(**overrides)
    report.pop("province_code")
    report.pop("regency_code")
    return report


def test_a_report_with_only_coordinates_gets_its_regency_and_province(client):
    # Given a report with Gedung Sate's coordinates and no regency
    answer = _file(client, _without_place(latitude=-6.9025, longitude=107.6188))
    # Then it is filed in Kota Bandung, Jawa Barat, and routed to that region's queue
    assert answer.status_code == 201, answer.body
    tracking_id = body(answer)["tracking_id"]
    view = body(client.http.get(f"/complaints/{tracking_id}"))
    assert (view["province_code"], view["regency_code"]) == ("32", "32.73")


def test_coordinates_with_only_a_province_fill_the_regency(client):
    answer = _file(client, _without_place(province_code="73", latitude=-5.1436, longitude=119.4075))
    assert answer.status_code == 201, answer.body
    view = body(client.http.get(f"/complaints/{body(answer)['tracking_id']}"))
    assert view["regency_code"] == "73.71"


def test_a_point_in_another_province_is_422_on_latitude_and_files_nothing(client, dynamodb_calls):
    # Given Monas (Jakarta) but Kota Makassar chosen
    dynamodb_calls.reset()
    answer = _file(client, valid_report(latitude=-6.1754, longitude=106.8272))
    # Then 422 on latitude naming the province the point is in; nothing was written
    assert answer.status_code == 422
    assert "Daerah Khusus Ibukota Jakarta" in body(answer)["error"]["fields"]["latitude"]
    assert dynamodb_calls.counts["TransactWriteItems"] == 0


def test_a_point_just_across_a_regency_border_in_the_same_province_is_accepted(client):
    # Given Kota Makassar chosen and a point just inside Kabupaten Gowa (Sungguminasa), a few km away
    answer = _file(client, valid_report(latitude=-5.2047, longitude=119.4466))
    assert answer.status_code == 201, answer.body
    view = body(client.http.get(f"/complaints/{body(answer)['tracking_id']}"))
    # Then the citizen's regency stands
    assert view["regency_code"] == "73.71"


def test_a_point_in_the_sea_without_a_regency_is_422_on_latitude(client):
    answer = _file(client, _without_place(latitude=-5.5, longitude=110.0))
    assert answer.status_code == 422
    assert "latitude" in body(answer)["error"]["fields"]


def test_neither_a_regency_nor_a_point_is_422_on_regency_code(client):
    answer = _file(client, _without_place())
    assert answer.status_code == 422
    fields = body(answer)["error"]["fields"]
    assert "regency_code" in fields and "province_code" in fields
