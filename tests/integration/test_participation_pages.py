"""The console's participation and evaluation pages (SPEC §14), rendered by the app: scope, filters,
links, languages, bad months. (Their layout, print and accessibility are checked in Chromium:
tests/browser/test_participation_pages.py.)"""

from __future__ import annotations

import re

from chalicelib.domain.agencies import province_coordinator, regency_coordinator

KALTARA = province_coordinator("65")
MAKASSAR = regency_coordinator("73.71")


def key(role: str, agency_id: str) -> dict[str, str]:
    from chalicelib.services import keys

    return {"Authorization": f"Bearer {keys.issue(role, agency_id, label='console test')['key']}"}


def page(client, path: str, headers: dict[str, str]):
    response = client.http.get(path, headers=headers)
    return response.status_code, response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def test_a_coordinator_sees_their_agencies_first_those_needing_attention(client, tables):
    status, html = page(client, "/staff/participation", key("coordinator", KALTARA.agency_id))
    assert status == 200
    assert "<h1>Partisipasi instansi</h1>" in html
    agencies = re.findall(r'data-agency="([^"]+)"', html)
    assert KALTARA.agency_id in agencies and all(a.startswith(("pem", "uji-")) for a in agencies)
    assert "staff/dashboard?agency=" in html and "staff/admin/users?agency=" in html
    assert "agency/participation.csv" in html
    # the totals count the same agencies as the rows
    assert re.search(r"<dt>Instansi</dt><dd>(\d+)</dd>", html).group(1) == str(len(agencies))


def test_the_page_filters_by_status_and_speaks_english(client, tables):
    headers = key("coordinator", KALTARA.agency_id)
    status, html = page(client, "/staff/participation?status=connected&lang=en", headers)
    assert status == 200 and "<h1>Agency participation</h1>" in html
    assert "Not connected</strong>" not in html  # only connected rows are listed
    assert 'agency/participation.csv?status=connected' in html


def test_an_officer_is_refused_the_pages(client, tables):
    from tests.staff import DINKES_MKS

    for path in ("/staff/participation", "/staff/evaluation"):
        status, _ = page(client, path, key("officer", DINKES_MKS))
        assert status == 403


def test_the_evaluation_page_gives_the_title_and_the_two_numbers(client, tables):
    status, html = page(client, "/staff/evaluation?month=2026-10", key("coordinator", MAKASSAR.agency_id))
    assert status == 200
    assert 'id="eval-title">Evaluasi Bulanan Pengelolaan Pengaduan — Oktober 2026</h1>' in html
    assert 'id="received">' in html and 'id="resolved-pct">' in html
    assert "agency/evaluation.csv?month=2026-10" in html
    assert "@media print" in html and "size:A4" in html


def test_a_bad_month_shows_the_form_again_with_the_error(client, tables):
    status, html = page(client, "/staff/evaluation?month=2026-13", key("coordinator", MAKASSAR.agency_id))
    assert status == 422 and 'id="error-month"' in html and 'aria-invalid="true"' in html
