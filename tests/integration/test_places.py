"""Places over HTTP (SPEC §12): locate, filing by coordinates, nearby reports, support."""

from __future__ import annotations

import pytest

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
