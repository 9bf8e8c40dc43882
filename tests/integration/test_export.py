"""The CSV export (``GET /agency/complaints.csv``): the caller's scope, page by page, spreadsheet-safe."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.services.export import BOM, COLUMNS
from tests.factories import valid_report
from tests.fixtures import body


def staff(role: str, agency_id: str) -> dict[str, str]:
    from chalicelib.services import keys

    return {"Authorization": f"Bearer {keys.issue(role, agency_id)['key']}"}


def file(**overrides) -> str:
    from chalicelib.services import submit

    return submit.submit(valid_report(**overrides))["tracking_id"]


def rows_of(response) -> list[dict[str, str]]:
    text = response.body.decode("utf-8")
    assert text.startswith(BOM)
    reader = csv.DictReader(io.StringIO(text.removeprefix(BOM)))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


@pytest.fixture(scope="module")
def filed(tables) -> dict[str, str]:
    """In Kota Bandung (social aid: no routing rule, so they wait in the city's queue)."""
    region = {"province_code": "32", "regency_code": "32.73", "category": "social_aid"}
    return {
        "named": file(**region, title="Bantuan sosial tidak sampai ke warga"),
        "anonymous": file(**region, anonymous=True, reporter={"email": "rahasia@example.com"},
                          title="=HYPERLINK(\"http://evil.example\",\"klik\")"),
        "confidential": file(**region, confidential=True, title="Pungutan liar di kelurahan"),
    }


def test_a_coordinator_exports_their_scope_as_csv(client, filed, dynamodb_calls):
    headers = staff("coordinator", "pemkot-bandung")
    # When the coordinator of Kota Bandung downloads the export of social-aid reports
    dynamodb_calls.reset()
    response = client.http.get("/agency/complaints.csv?category=social_aid", headers=headers)
    # Then it is a UTF-8 CSV file with a BOM and a header row, read with index Queries only
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="lapor-pemkot-bandung-')
    assert dynamodb_calls.counts["Scan"] == 0 and dynamodb_calls.counts["Query"] >= 1
    rows = {row["tracking_id"]: row for row in rows_of(response)}
    assert set(filed.values()) <= set(rows)
    assert response.headers["X-Export-Rows"] == str(len(rows))
    assert response.headers["X-Export-Truncated"] == "false"
    named, anonymous = rows[filed["named"]], rows[filed["anonymous"]]
    assert (named["reporter_name"], named["reporter_email"]) == ("Siti Rahma", "siti@example.com")
    assert named["status"] == "submitted" and named["status_label"] == "Belum Terverifikasi"
    assert named["submitted_at"].endswith("+07:00") and named["verification_due"].endswith("23:59:59+07:00")
    # an anonymous reporter stays unknown, and a formula is shown, never run
    assert (anonymous["reporter_name"], anonymous["reporter_email"], anonymous["reporter_phone"]) == ("", "", "")
    assert anonymous["anonymous"] == "true"
    assert anonymous["title"].startswith("'=HYPERLINK")
    assert "rahasia@example.com" not in response.body.decode("utf-8")


def test_an_officer_exports_only_their_own_agency(client, filed):
    response = client.http.get("/agency/complaints.csv", headers=staff("officer", "dinas-kesehatan-kota-bandung"))
    assert response.status_code == 200
    ids = {row["tracking_id"] for row in rows_of(response)}
    assert not ids & set(filed.values())
    assert {row["agency_id"] for row in rows_of(response)} <= {"dinas-kesehatan-kota-bandung"}


def test_the_export_follows_the_date_range(client, filed):
    headers = staff("coordinator", "pemkot-bandung")
    empty = client.http.get("/agency/complaints.csv?from=2020-01-01&to=2020-01-31", headers=headers)
    assert empty.status_code == 200 and rows_of(empty) == []
    assert empty.headers["X-Export-Rows"] == "0"


def test_bad_filters_and_keys_are_refused(client, filed):
    headers = staff("coordinator", "pemkot-bandung")
    bad = client.http.get("/agency/complaints.csv?from=someday", headers=headers)
    assert bad.status_code == 422 and "from" in body(bad)["error"]["fields"]
    unknown = client.http.get("/agency/complaints.csv", headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 401 and body(unknown)["error"]["code"] == "unauthorized"
