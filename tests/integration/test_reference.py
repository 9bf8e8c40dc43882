"""Reference data: categories, regions, the agency directory."""

from tests.fixtures import body


def test_categories_have_both_labels(client):
    data = body(client.http.get("/categories"))
    codes = {c["code"] for c in data["categories"]}
    assert {"infrastructure", "health", "education", "corruption", "other"} <= codes
    assert all(c["label_id"] and c["label_en"] for c in data["categories"])


def test_regions_list_38_provinces_with_time_zones(client):
    provinces = body(client.http.get("/regions"))["provinces"]
    assert len(provinces) == 38
    zones = {p["code"]: p["time_zone"] for p in provinces}
    assert zones["31"] == "Asia/Jakarta" and zones["73"] == "Asia/Makassar" and zones["91"] == "Asia/Jayapura"


def test_a_province_lists_its_regencies(client):
    sulsel = body(client.http.get("/regions/73"))
    assert sulsel["name"] == "Sulawesi Selatan"
    assert {"code": "73.71", "name": "Kota Makassar"} in sulsel["regencies"]
    assert client.http.get("/regions/99").status_code == 404


def test_all_regencies_add_up_to_514(client):
    total = sum(len(body(client.http.get(f"/regions/{p['code']}"))["regencies"])
                for p in body(client.http.get("/regions"))["provinces"])
    assert total == 514


def test_agencies_by_level_region_and_pages(client, dynamodb_calls):
    provinces = body(client.http.get("/agencies?level=province&limit=100"))
    assert len(provinces["agencies"]) == 38 and provinces["next_cursor"] is None
    makassar = body(client.http.get("/agencies?regency_code=73.71"))["agencies"]
    assert {a["agency_id"] for a in makassar} >= {"pemkot-makassar", "dinas-kesehatan-kota-makassar"}
    units = body(client.http.get("/agencies?province_code=73&level=unit"))["agencies"]
    assert {a["level"] for a in units} == {"unit"}
    assert {"dinas-kesehatan-kota-makassar", "dinas-pendidikan-kota-makassar",
            "dinas-pupr-kota-makassar"} <= {a["agency_id"] for a in units}
    assert all("webhook_secret" not in a for a in makassar)
    dynamodb_calls.reset()
    first = body(client.http.get("/agencies?limit=50"))
    assert len(first["agencies"]) == 50 and first["next_cursor"]
    assert dynamodb_calls.counts["Scan"] == 0


def test_walking_every_page_lists_the_whole_directory_once(client):
    seen, cursor = [], None
    while True:
        url = "/agencies?limit=200" + (f"&cursor={cursor}" if cursor else "")
        page = body(client.http.get(url))
        seen += [a["agency_id"] for a in page["agencies"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 1 + 38 + 514 + 6


def test_bad_directory_queries_are_clear_errors(client):
    assert body(client.http.get("/agencies?level=galaxy"))["error"]["fields"]["level"]
    assert client.http.get("/agencies?limit=0").status_code == 422
    assert client.http.get("/agencies?limit=abc").status_code == 422
    forged = client.http.get("/agencies?cursor=bm9wZQ")
    assert forged.status_code == 400 and body(forged)["error"]["code"] == "bad_request"
