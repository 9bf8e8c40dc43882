"""Places over HTTP (SPEC §12): locate, filing by coordinates, nearby reports, support."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from chalicelib.domain.reference import regions
from tests.factories import valid_report
from tests.fixtures import body
from tests.staff import MAKASSAR, PUPR_MKS, act, staff_view


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


# --- nearby reports ------------------------------------------------------------------------------

# Lapangan Karebosi, Makassar, and points at known distances from it (1° of latitude ≈ 111.2 km).
HERE = (-5.1347, 119.4128)


def _north(metres: float) -> tuple[float, float]:
    return HERE[0] + metres / 111_195, HERE[1]


def _at(client, where, **overrides) -> str:
    report = valid_report(latitude=where[0], longitude=where[1], **overrides)
    answer = _file(client, report)
    assert answer.status_code == 201, answer.body
    return body(answer)["tracking_id"]


def _nearby(client, category="infrastructure", where=HERE):
    answer = client.http.get(f"/complaints/nearby?lat={where[0]}&long={where[1]}&category={category}")
    assert answer.status_code == 200, answer.body
    return body(answer)["reports"]


def test_nearby_lists_open_public_reports_of_the_category_within_1_km(client, staff, clock_at, dynamodb_calls):
    from datetime import timedelta

    from chalicelib.adapters import clock

    # Given, 61 days ago, a report 100 m away
    now = clock.now()
    clock_at(now - timedelta(days=61))
    old = _at(client, _north(100))
    clock_at(now)
    # And today: one 200 m away, one 1.5 km away, one of another category, one confidential,
    # one archived (rejected) and one without a point
    near = _at(client, _north(200))
    far = _at(client, _north(1500))
    health = _at(client, _north(100), category="health")
    confidential = _at(client, _north(100), confidential=True)
    rejected = _at(client, _north(100))
    coordinator = staff.headers("coordinator", MAKASSAR)
    assert act(client, coordinator, rejected, "reject", note="Laporan ganda").status_code == 200
    nowhere = body(_file(client, valid_report()))["tracking_id"]
    # When a citizen at Karebosi looks for infrastructure reports near them
    dynamodb_calls.reset()
    listed = _nearby(client)
    # Then only the open, public one within 1 km of the last 60 days is there, with its distance
    ids = [r["tracking_id"] for r in listed]
    assert near in ids
    assert not {old, far, health, confidential, rejected, nowhere} & set(ids)
    mine = next(r for r in listed if r["tracking_id"] == near)
    # (to 10 m, from the point as Open311 shows it, 3 decimals: never the exact spot, which the
    # public view does not show either)
    assert abs(mine["distance_m"] - 200) <= 60 and mine["distance_m"] % 10 == 0
    assert mine["supporters"] == 0 and mine["status"] == "submitted"
    assert [r["distance_m"] for r in listed] == sorted(r["distance_m"] for r in listed)
    # And it cost at most four index Queries, never a Scan
    assert dynamodb_calls.counts["Scan"] == 0
    # (only Queries and Scans are compared: a background delivery left by another test may write meanwhile)
    assert 1 <= dynamodb_calls.counts["Query"] <= 4
    # And the health report is found under its own category
    assert health in [r["tracking_id"] for r in _nearby(client, "health")]


def test_a_report_leaves_the_nearby_list_when_it_is_closed(client, staff):
    tid = _at(client, _north(300))
    assert tid in [r["tracking_id"] for r in _nearby(client)]
    assert act(client, staff.headers("coordinator", MAKASSAR), tid, "reject", note="Bukan laporan").status_code == 200
    assert tid not in [r["tracking_id"] for r in _nearby(client)]


@pytest.mark.parametrize(("query", "field"), [
    ("lat=-5.13&long=119.41", "category"), ("lat=-5.13&long=119.41&category=potholes", "category"),
    ("long=119.41&category=health", "lat"),
])
def test_nearby_needs_a_point_and_a_known_category(client, query, field):
    answer = client.http.get(f"/complaints/nearby?{query}")
    assert answer.status_code == 422
    assert field in body(answer)["error"]["fields"]


# --- support -------------------------------------------------------------------------------------

def _support(client, tracking_id, key):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.http.post(f"/complaints/{tracking_id}/support", headers=headers)


def test_support_counts_once_per_idempotency_key(client, staff):
    tid = _at(client, _north(400))
    # When one citizen supports twice with the same key (a double tap), and another once
    first, again = _support(client, tid, "citizen-a-0000000001"), _support(client, tid, "citizen-a-0000000001")
    other = _support(client, tid, "citizen-b-0000000001")
    # Then it counts two supporters; the resend says so without counting
    assert (first.status_code, body(first)) == (201, {"tracking_id": tid, "supporters": 1, "counted": True})
    assert (again.status_code, body(again)) == (200, {"tracking_id": tid, "supporters": 1, "counted": False})
    assert body(other)["supporters"] == 2
    # And the public view, the staff view, the inbox and the nearby list show it
    assert body(client.http.get(f"/complaints/{tid}"))["supporters"] == 2
    coordinator = staff.headers("coordinator", MAKASSAR)
    assert staff_view(client, coordinator, tid)["supporters"] == 2
    inbox = body(client.http.get("/agency/complaints?limit=100", headers=coordinator))["complaints"]
    assert next(c for c in inbox if c["tracking_id"] == tid)["supporters"] == 2
    assert next(r for r in _nearby(client) if r["tracking_id"] == tid)["supporters"] == 2
    rows = csv.DictReader(io.StringIO(client.http.get(
        "/agency/complaints.csv", headers=coordinator).body.decode("utf-8").removeprefix("\ufeff")))
    assert next(r for r in rows if r["tracking_id"] == tid)["supporters"] == "2"


def test_supports_at_the_same_moment_all_count(tables):
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.services import places, submit

    # Given a report; When eight citizens support it at the same moment (the moto server)
    tid = submit.submit(valid_report(latitude=_north(450)[0], longitude=HERE[1]))["tracking_id"]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: places.support(tid, f"together-000000000{n}"), range(8)))
    # Then every one counted: a lost version race is read again, not lost
    assert all(counted for _, counted in answers)
    assert sorted(a["supporters"] for a, _ in answers) == list(range(1, 9))


def test_support_refusals(client, staff):
    confidential = _at(client, _north(500), confidential=True)
    rejected = _at(client, _north(500))
    assert act(client, staff.headers("coordinator", MAKASSAR), rejected, "reject", note="Ganda").status_code == 200
    open_one = _at(client, _north(500))
    # Without a key or with a bad one: 422 on the header; a confidential or archived report: 409; unknown: 404
    for key in (None, "short", "x" * 129, "spaces are not allowed here"):
        refused = _support(client, open_one, key)
        assert refused.status_code == 422 and "Idempotency-Key" in body(refused)["error"]["fields"]
    assert _support(client, confidential, "key-confidential-01").status_code == 409
    assert _support(client, rejected, "key-rejected-000001").status_code == 409
    assert _support(client, "LPR-2222-2222", "key-unknown-0000001").status_code == 404
    assert body(client.http.get(f"/complaints/{open_one}"))["supporters"] == 0


# --- the statistics map ----------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _map(client, query: str):
    answer = client.http.get(f"/stats/map.svg?{query}")
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"].startswith("image/svg+xml")
    return answer.body, ET.fromstring(answer.body)


def _areas(root) -> dict[str, ET.Element]:
    return {path.get("data-code"): path for path in root.iter(f"{SVG}path") if path.get("data-code")}


@pytest.mark.parametrize("metric", ["resolved_pct", "on_time_pct", "total"])
def test_the_province_map_has_38_coded_areas_whose_values_equal_stats(client, staff, metric):
    # Given some activity in Sulawesi Selatan (a report filed, forwarded, answered and resolved)
    coordinator, officer = staff.headers("coordinator", MAKASSAR), staff.headers("officer", PUPR_MKS)
    tid = _at(client, _north(600))
    assert act(client, coordinator, tid, "forward", agency_id=PUPR_MKS).status_code == 200
    assert act(client, officer, tid, "respond", note="Ditinjau").status_code == 200
    assert act(client, officer, tid, "resolve", note="Selesai").status_code == 200
    # When the map of the provinces is drawn for the last 30 days
    raw, root = _map(client, f"level=province&metric={metric}")
    # Then it is well under 200 KB, with 38 areas, each named with its value in a <title>
    assert len(raw) < 200_000
    areas = _areas(root)
    assert set(areas) == set(regions().provinces)
    for code, path in areas.items():
        title = path.find(f"{SVG}title").text
        assert title.startswith(regions().provinces[code].name + ": ")
        # And every value is the one /stats gives for that province
        figures = body(client.http.get(f"/stats?scope=province:{code}"))
        expected = figures[metric]
        shown = path.get("data-value")
        if expected is None:
            assert shown == "" and "tidak ada data" in title
        elif metric == "total":
            assert int(shown) == expected
        else:
            assert float(shown) == pytest.approx(expected, abs=0.05)
    assert int(areas["73"].get("data-value") or 0) >= 1 if metric == "total" else areas["73"].get("data-value")


def test_the_legend_names_every_class_and_no_class_is_told_by_colour_alone(client, tables):
    _, root = _map(client, "level=province&metric=resolved_pct")
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    # Each class has its own texture (the pattern's marks), not only its own colour
    textures = {ET.tostring(p).decode().split(">", 1)[1].replace(p.find(f"{SVG}rect").get("fill"), "")
                for p in patterns.values()}
    assert len(textures) == len(patterns) >= 6
    legend = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for t in g.iter(f"{SVG}text")]
    assert "0–19,9 %" in legend and "80–100 %" in legend and any("tidak ada data" in t for t in legend)


def test_the_regency_map_has_514_coded_areas(client, tables):
    raw, root = _map(client, "level=regency&metric=total&from=2026-01-01&to=2026-01-31")
    assert len(_areas(root)) == 514
    assert len(raw) < 400_000


@pytest.mark.parametrize(("query", "field"), [("level=district", "level"), ("metric=happiness", "metric"),
                                              ("from=2026-13-01", "from"), ("from=2026-02-01&to=2026-01-01", "from")])
def test_a_bad_map_request_is_422(client, tables, query, field):
    answer = client.http.get(f"/stats/map.svg?{query}")
    assert answer.status_code == 422 and field in body(answer)["error"]["fields"]


# --- the public statistics page --------------------------------------------------------------------

def _page(client, query: str = "", status: int = 200):
    answer = client.http.get(f"/statistik{query}")
    assert answer.status_code == status, answer.body[:300]
    assert answer.headers["Content-Type"].startswith("text/html")
    return answer.body.decode("utf-8")


def test_the_statistics_page_shows_the_map_beside_a_table_of_the_same_numbers(client, tables):
    html = _page(client, "?metric=total")
    # The inline map: 38 coded areas
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    areas = _areas(ET.fromstring(svg))
    assert len(areas) == 38
    # The table: one row per province, its total the map's value
    rows = dict(re.findall(r'<tr data-code="(\d\d)"><th scope="row">[^<]+</th><td>(\d+)</td>', html))
    assert len(rows) == 38
    assert all(int(areas[code].get("data-value")) == int(total) for code, total in rows.items())
    # Sorted by the figure, largest first, by default
    totals = [int(v) for v in re.findall(r'<tr data-code="\d\d"><th scope="row">[^<]+</th><td>(\d+)</td>', html)]
    assert totals == sorted(totals, reverse=True)


def test_the_table_sorts_by_its_header_links_without_javascript(client, tables):
    html = _page(client, "?metric=total&sort=name")
    names = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in html
    # the header link of the sorted column turns the order round
    assert re.search(r'href="statistik\?[^"]*sort=-name', html.replace("&amp;", "&"))


def test_the_statistics_page_in_english_and_by_regency(client, tables):
    html = _page(client, "?lang=en&level=regency&metric=resolved_pct&from=2026-01-01&to=2026-01-31")
    assert "Complaint statistics" in html and html.count('<tr data-code="') == 514


def test_a_bad_choice_shows_the_usual_page_with_the_reason(client, tables):
    html = _page(client, "?metric=happiness", status=422)
    assert 'id="stats-error"' in html and html.count('<tr data-code="') == 38


def test_nearby_never_gives_away_the_exact_point(client):
    # Given a report at a point with 5 decimals
    exact = (-5.13612, 119.41763)
    tid = _at(client, exact)
    # When someone probes from two sides of it, just inside 1 km of the shown point
    shown = (round(exact[0], 3), round(exact[1], 3))
    from chalicelib.domain.places import distance_m

    for probe in ((exact[0] + 0.005, exact[1]), (exact[0], exact[1] - 0.005)):
        listed = {r["tracking_id"]: r for r in _nearby(client, where=probe)}
        # Then the distance is the one to the 3-decimal point, to 10 m
        assert listed[tid]["distance_m"] == round(distance_m(*probe, *shown), -1)
