"""A citizen on a phone uses "Gunakan lokasi saya" (SPEC §12): the browser's location fills the
place, the reports of the same category within 1 km show before sending, and the citizen supports
one instead of filing it again. Without JavaScript the form is as before. Real Chromium, the
location granted and set by Playwright."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import _open
from tests.factories import valid_report

# Lapangan Karebosi, Makassar; and a point about 200 m north of it
KAREBOSI = {"latitude": -5.1347, "longitude": 119.4128}
NEARBY = {"latitude": -5.1329, "longitude": 119.4128}


@pytest.fixture
def located_phone(browser, stack):
    """A 360 px phone whose owner allowed the page to know where they stand."""
    context, page, watch = _open(browser, stack, viewport={"width": 360, "height": 740}, is_mobile=True,
                                 has_touch=True, geolocation=NEARBY, permissions=["geolocation"])
    yield page
    context.close()
    assert not watch.errors, f"script errors in the page: {watch.errors}"


def _file_at(stack, where: dict, **overrides) -> str:
    title = f"Lubang besar di depan Karebosi {uuid.uuid4().hex[:6]}"
    answer = stack.post("/complaints", json=valid_report(title=title, latitude=where["latitude"],
                                                         longitude=where["longitude"], **overrides))
    assert answer.status_code == 201, answer.text
    return answer.json()["tracking_id"]


def test_use_my_location_shows_the_report_200_m_away_and_supports_it_instead(located_phone, stack, artifacts):
    page = located_phone
    # Given the same problem reported at Karebosi, about 200 m from the citizen
    original = _file_at(stack, KAREBOSI)
    # When the citizen on their phone taps "Gunakan lokasi saya"
    page.goto("/")
    page.click("#use-location")
    # Then the place is filled from their location, and the page says which regency it found
    page.wait_for_selector('#regency_code option[value="73.71"]:checked', state="attached")
    assert page.input_value("#province_code") == "73"
    assert "Kota Makassar" in page.inner_text("#location-status")
    # When they choose the category, the report 200 m away is shown before sending
    page.select_option("#category", "infrastructure")
    report = page.locator(f"#nearby-list li:has-text('{original}')")
    report.wait_for()
    assert page.is_visible("#nearby")
    assert "m dari Anda" in report.inner_text()
    page.screenshot(path=str(artifacts / "nearby-360.png"), full_page=True)
    # And they support it instead of filing it again (a double tap counts once)
    report.locator("button.support").dblclick()
    page.wait_for_selector("#support-status:has-text('didukung')")
    assert stack.get(f"/complaints/{original}").json()["supporters"] == 1


def test_a_report_filed_after_using_the_location_keeps_the_point(located_phone, stack):
    page = located_phone
    page.goto("/")
    page.click("#use-location")
    page.wait_for_selector('#regency_code option[value="73.71"]:checked', state="attached")
    page.check("#kind-complaint")
    page.fill("#title", "Lampu jalan mati di dekat Karebosi")
    page.fill("#description", "Lampu jalan mati sejak seminggu, jalan gelap dan rawan kecelakaan malam hari.")
    page.select_option("#category", "transport")
    page.fill("#reporter_name", "Andi Baso")
    page.click("#submit")
    page.wait_for_selector("#receipt-heading")
    tracking_id = page.inner_text("#tracking-id").strip()
    token = page.inner_text("#reporter-token").strip()
    mine = stack.get(f"/complaints/{tracking_id}", headers={"X-Reporter-Token": token}).json()
    assert (mine["regency_code"], mine["latitude"], mine["longitude"]) == ("73.71", NEARBY["latitude"],
                                                                          NEARBY["longitude"])


def test_without_permission_the_citizen_is_told_to_choose_the_region(browser, stack):
    context, page, watch = _open(browser, stack, viewport={"width": 1024, "height": 900})
    try:
        page.goto("/")
        page.click("#use-location")
        page.wait_for_selector("#location-status:has-text('Pilih wilayahnya')")
        assert page.input_value("#province_code") == ""
    finally:
        context.close()
    assert not watch.errors


def test_without_javascript_the_location_button_is_not_there(plain_page):
    plain_page.goto("/")
    assert not plain_page.is_visible("#use-location")
    assert not plain_page.is_visible("#nearby")


def test_the_statistics_page_shows_the_map_and_sorts_its_table(page, axe, artifacts):
    page.goto("/statistik?metric=total")
    page.screenshot(path=str(artifacts / "statistik-1024.png"), full_page=False)
    assert page.locator("#stats-map svg path[data-code]").count() == 38
    assert page.locator("#stats-table tbody tr").count() == 38
    page.click("#stats-table thead th:first-child a")
    names = page.locator("#stats-table tbody th").all_inner_texts()
    assert names == sorted(names, reverse=True)  # the name link of a table sorted by figure: Z to A first
    axe(page)
