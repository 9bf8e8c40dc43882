"""The participation and evaluation pages in headless Chromium against the local stack (SPEC §14):
axe-core finds no WCAG 2.1 A/AA violation; the evaluation prints on A4 without the console's
navigation, and page 1 of the PDF the browser prints has the title and the seed's two numbers."""

from __future__ import annotations

import io
import re
import time

import pytest

from devtools import totp
from tests.factories import valid_report

pytestmark = pytest.mark.browser
MAKASSAR = "pemkot-makassar"
A4 = (595, 842)  # points


def sign_in(page, stack, role: str = "coordinator", agency_id: str = MAKASSAR) -> None:
    member = stack.account(role, agency_id)
    page.goto("/staff/login")
    page.fill("#email", member["email"])
    page.fill("#password", member["password"])
    page.click("#sign-in")
    page.wait_for_selector("#code")
    if 30 - time.time() % 30 < 3:  # not a code about to roll over
        time.sleep(3.5)
    page.fill("#code", totp.code(member["totp_secret"]))
    page.click("#continue")
    page.wait_for_selector("#sign-out")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_participation_page_is_accessible_and_lists_the_scope(page, stack, axe):
    sign_in(page, stack)
    page.goto("/staff/participation")
    page.wait_for_selector("#participation")
    axe(page)
    rows = page.locator("#participation tbody tr")
    assert rows.count() >= 3  # Kota Makassar and its demo units
    first = rows.first.get_attribute("data-agency")
    assert first  # attention order: whoever needs it most comes first
    page.goto("/staff/participation?status=not_connected&sort=-held&lang=en")
    page.wait_for_selector("h1")
    axe(page)


def test_the_evaluation_prints_on_a4_with_the_title_and_both_numbers_on_page_1(page, stack, axe, artifacts):
    import pypdf

    # Given a report this month in Kota Makassar, and its coordinator signed in
    filed = stack.post("/complaints", json=valid_report(category="health"))
    assert filed.status_code == 201, filed.text
    month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))  # this month in WITA
    sign_in(page, stack)
    # When the evaluation of this month is opened
    page.goto(f"/staff/evaluation?month={month}")
    page.wait_for_selector("#eval-title")
    axe(page)
    title = squeeze(page.locator("#eval-title").inner_text())
    received = squeeze(page.locator("#received").inner_text())
    resolved = squeeze(page.locator("#resolved-pct").inner_text())
    assert int(received) >= 1 and title.startswith("Evaluasi Bulanan Pengelolaan Pengaduan")
    # Then, as printed, the console's bar and the form are gone
    page.emulate_media(media="print")
    assert page.locator("header.bar").is_hidden() and page.locator("#eval-form").is_hidden()
    # And the PDF Chromium prints is A4, with the title and both numbers on its first page
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (artifacts / "evaluation.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    first = squeeze(reader.pages[0].extract_text())
    assert title in first, first[:400]
    assert f"Laporan masuk {received}" in first or received in first.split("Laporan masuk", 1)[1][:40], first[:400]
    assert resolved.replace("\u00a0", " ") in first.replace("\u00a0", " "), first[:400]
    assert "Kotak masuk" not in first and "Keluar" not in first  # no navigation printed
