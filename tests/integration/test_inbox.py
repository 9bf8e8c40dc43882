"""The staff inbox: scope, filters, newest first, pages with an opaque cursor, one Query a page."""

from __future__ import annotations

import base64
import json

import pytest

from tests.fixtures import body
from tests.staff import MAKASSAR, PUPR_MKS, file_report


@pytest.fixture(scope="module")
def pupr_reports(tables):
    """Five infrastructure reports routed by rule to Dinas PUPR Kota Makassar."""
    from chalice.test import Client

    from app import app
    from devtools.workers import Pump
    from tests.fixtures import ROOT

    with Client(app, project_dir=str(ROOT), stage_name="local") as client:
        ids = [file_report(client, category="infrastructure", title=f"Jalan rusak nomor {i}")["tracking_id"]
               for i in range(5)]
    Pump().drain()
    return ids


def test_newest_first_in_pages_of_limit_with_a_cursor(client, staff, pupr_reports, dynamodb_calls):
    officer = staff.headers("officer", PUPR_MKS)
    staff.headers("coordinator", MAKASSAR)
    seen, cursor, pages = [], None, 0
    while True:
        dynamodb_calls.reset()
        url = "/agency/complaints?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = body(client.http.get(url, headers=officer))
        assert dynamodb_calls.counts["Query"] <= 2 and dynamodb_calls.counts["Scan"] == 0
        seen += [item["tracking_id"] for item in page["complaints"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    ours = [tid for tid in seen if tid in pupr_reports]
    assert ours == list(reversed(pupr_reports))  # newest first
    assert len(seen) == len(set(seen)) and pages >= 3


def test_one_page_is_one_query_plus_the_key_lookup(client, staff, pupr_reports, dynamodb_calls):
    headers = staff.headers("coordinator", MAKASSAR)
    client.http.get("/agency/complaints?limit=10", headers=headers)  # a key's first use of the day is recorded
    dynamodb_calls.reset()
    client.http.get("/agency/complaints?limit=10", headers=headers)
    # the authorizer (its own Lambda when deployed) reads the key; the API function runs one Query
    assert dict(dynamodb_calls.counts) == {"GetItem": 1, "Query": 1}


def test_filters_status_and_category(client, staff, pupr_reports):
    coordinator = staff.headers("coordinator", MAKASSAR)
    items = body(client.http.get("/agency/complaints?status=forwarded&category=infrastructure&limit=100",
                                 headers=coordinator))["complaints"]
    assert set(pupr_reports) <= {i["tracking_id"] for i in items}
    assert items and all(i["status"] == "forwarded" and i["category"] == "infrastructure" for i in items)
    # Nothing in this module's tables is closed: the filter leaves out all five forwarded reports
    none = body(client.http.get("/agency/complaints?status=closed&category=infrastructure&limit=100",
                                headers=coordinator))["complaints"]
    assert none == []
    health = body(client.http.get("/agency/complaints?status=forwarded&category=health&limit=100",
                                  headers=coordinator))["complaints"]
    assert not set(pupr_reports) & {i["tracking_id"] for i in health}
    dated = body(client.http.get("/agency/complaints?from=2000-01-01&to=2000-01-31", headers=coordinator))
    assert dated["complaints"] == [] and dated["next_cursor"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("overdue=maybe", "overdue"), ("category=weather", "category"),
    ("from=yesterday", "from"), ("from=2026-02-01&to=2026-01-01", "to"), ("limit=101", "limit"),
    ("limit=0", "limit"),
])
def test_bad_filters_are_field_errors(client, staff, query, field):
    response = client.http.get(f"/agency/complaints?{query}", headers=staff.headers("coordinator", MAKASSAR))
    assert response.status_code == 422 and field in body(response)["error"]["fields"]


def _cursor(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_forged_foreign_and_expired_cursors_are_refused(client, staff, pupr_reports):
    officer = staff.headers("officer", PUPR_MKS)
    page = body(client.http.get("/agency/complaints?limit=1", headers=officer))
    # a cursor from another inbox
    foreign = client.http.get(f"/agency/complaints?cursor={page['next_cursor']}",
                              headers=staff.headers("coordinator", MAKASSAR))
    assert foreign.status_code == 400 and body(foreign)["error"]["fields"]["cursor"]
    # garbage
    assert client.http.get("/agency/complaints?cursor=%%%", headers=officer).status_code == 400
    # a forged key for someone else's partition
    forged = _cursor({"k": {"agency_id": {"S": "dinas-kesehatan-kota-bandung"}}, "s": PUPR_MKS,
                      "i": "agency-index", "t": 9999999999})
    assert client.http.get(f"/agency/complaints?cursor={forged}", headers=officer).status_code == 400
    # expired
    state = json.loads(base64.urlsafe_b64decode(page["next_cursor"] + "=" * (-len(page["next_cursor"]) % 4)))
    state["t"] = 1
    expired = client.http.get(f"/agency/complaints?cursor={_cursor(state)}", headers=officer)
    assert expired.status_code == 400 and "expired" in body(expired)["error"]["fields"]["cursor"]
