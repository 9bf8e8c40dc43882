"""The agency scorecards page in a real browser (headless Chromium) against the local stack."""

from __future__ import annotations

import pytest

from tests.factories import valid_report

pytestmark = pytest.mark.browser

MAKASSAR = "pemkot-makassar"


def test_a_coordinator_reads_the_scorecards_and_drills_down(page, stack, expect):
    # Given a report filed in Kota Makassar, and the city's coordinator at the dashboard
    assert stack.post("/complaints", json=valid_report(category="health")).status_code == 201
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/dashboard")
    # When they enter their key
    page.fill("#key", stack.key("coordinator", MAKASSAR))
    page.click("#query button[type=submit]")
    # Then their city's scorecard and one row per unit below it appear, with the charts
    page.wait_for_selector("#result:not([hidden])")
    assert page.text_content("#agency-name") == "Pemerintah Kota Makassar"
    names = page.locator("#agencies tbody button.link").all_text_contents()
    assert "Dinas Kesehatan Kota Makassar" in names and len(names) >= 3
    assert int(page.locator("#summary dd").first.text_content()) >= 1
    assert page.locator("#chart-monthly svg").count() == 1 and page.locator("#chart-resolution svg").count() == 1
    # When they sort by a column and open one unit's scorecard
    page.click("#agencies th[data-sort=name]")
    expect(page.locator("#sort")).to_have_value("name")
    expect(page.locator("#status")).to_have_text("")
    names = page.locator("#agencies tbody button.link").all_text_contents()
    assert names == sorted(names, key=str.lower)
    page.locator("#agencies tbody button.link", has_text="Dinas Kesehatan Kota Makassar").click()
    expect(page.locator("#agency-name")).to_have_text("Dinas Kesehatan Kota Makassar")
    # and go back up
    page.click("#up")
    expect(page.locator("#agency-name")).to_have_text("Pemerintah Kota Makassar")
    # Nothing was fetched from anywhere but this site
    assert requested and all(url.startswith(stack.base_url) for url in requested)


def test_a_wrong_key_is_said_plainly(page):
    page.goto("/dashboard")
    page.fill("#key", "lpr_00000000_" + "x" * 40)
    page.click("#query button[type=submit]")
    page.wait_for_selector("#status.error")
    assert "tidak dikenal" in page.text_content("#status")
    assert page.locator("#result").is_hidden()
