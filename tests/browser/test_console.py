"""The staff console in a real browser (headless Chromium) against the local stack (SPEC §10):
sign in with password + TOTP, work the inbox, open reports and take every kind of action, with and
without JavaScript, on a 360 px phone and a desktop, by keyboard alone; axe-core finds no WCAG 2.1
A/AA violation on any console page; a 409 race is shown as it is; a coordinator never sees or
picks an agency outside their subtree."""

from __future__ import annotations

import re
import time

import pytest

from devtools import totp
from tests.factories import valid_report

pytestmark = pytest.mark.browser

MAKASSAR = "pemkot-makassar"
DINKES_MKS = "dinas-kesehatan-kota-makassar"
DINKES_BDG = "dinas-kesehatan-kota-bandung"
NATIONAL = "kemenpanrb"


def account(stack, role: str, agency_id: str) -> dict[str, str]:
    for member in stack.credentials["staff"]:
        if member["role"] == role and member["agency_id"] == agency_id:
            return member
    raise KeyError((role, agency_id))


def fresh_code(secret: str) -> str:
    """A code with a few seconds of life left (not one about to roll over)."""
    if 30 - time.time() % 30 < 3:
        time.sleep(3.5)
    return totp.code(secret)


def sign_in(page, stack, role: str = "coordinator", agency_id: str = MAKASSAR, *, lang: str = "") -> None:
    member = account(stack, role, agency_id)
    page.goto("/staff/login" + (f"?lang={lang}" if lang else ""))
    page.fill("#email", member["email"])
    page.fill("#password", member["password"])
    page.click("#sign-in")
    page.wait_for_selector("#code")
    page.fill("#code", fresh_code(member["totp_secret"]))
    page.click("#continue")
    page.wait_for_selector("#sign-out")


def file(stack, **overrides) -> str:
    response = stack.post("/complaints", json=valid_report(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["tracking_id"]


def wait_for(stack, tracking_id: str, status: str, key: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = stack.get(f"/agency/complaints/{tracking_id}", headers={"Authorization": f"Bearer {key}"})
        if answer.status_code == 200 and answer.json()["status"] == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"{tracking_id} never reached {status}")


def test_sign_in_with_password_and_totp_then_out(page, stack, axe, expect):
    page.goto("/staff")
    # Not signed in: the sign-in page, which comes back to the inbox afterwards
    page.wait_for_selector("#login-form")
    axe(page)
    member = account(stack, "coordinator", MAKASSAR)
    page.fill("#email", member["email"])
    page.fill("#password", "not the password")
    page.click("#sign-in")
    expect(page.locator("#error-password")).to_have_text("E-mail atau kata sandi salah.")
    page.fill("#password", member["password"])
    page.click("#sign-in")
    page.wait_for_selector("#code")
    axe(page)
    page.fill("#code", totp.wrong_code(member["totp_secret"]))
    page.click("#continue")
    expect(page.locator("#error-code")).to_contain_text("Kode tidak cocok")
    page.fill("#code", fresh_code(member["totp_secret"]))
    page.click("#continue")
    page.wait_for_selector("#sign-out")
    assert page.url.rstrip("/").endswith("/staff")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["__Host-lapor-staff"]["httpOnly"] and cookies["__Host-lapor-staff"]["sameSite"] == "Strict"
    axe(page)
    # Signing out ends the session at once
    page.click("#sign-out")
    page.wait_for_selector("#signed-out")
    page.goto("/staff")
    page.wait_for_selector("#login-form")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def open_report(page, tracking_id: str) -> None:
    page.fill("#q", tracking_id)
    page.click("#find-form button[type=submit]")
    page.wait_for_selector("#summary-heading")


def take(page, action: str, note: str = "", **fields: str) -> None:
    for name, value in fields.items():
        if name == "agency_id":
            page.select_option(f"#agency-{action}", value)
        else:
            page.fill(f"#{name}", value)
    if note:
        page.fill(f"#note-{action}", note)
    page.click(f"#submit-{action}")
    page.wait_for_selector("#done")


def reporter_token_for(stack, **overrides) -> tuple[str, str]:
    response = stack.post("/complaints", json=valid_report(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["tracking_id"], response.json()["reporter_token"]


def test_an_officer_on_a_phone_finds_the_most_urgent_report_asks_and_resolves(phone_page, stack, axe, expect):
    page = phone_page
    officer_key = stack.key("officer", DINKES_MKS)
    tracking_id, token = reporter_token_for(stack, target_agency_id=DINKES_MKS, category="health",
                                            title="Puskesmas tutup sebelum jam layanan")
    wait_for(stack, tracking_id, "forwarded", officer_key)
    # Given an officer who signs in on a phone
    sign_in(page, stack, "officer", DINKES_MKS)
    no_sideways_scroll(page)
    # When they sort by the most urgent deadline
    page.click("#filters summary") if not page.is_visible("#sort") else None
    page.select_option("#sort", "urgent")
    page.click("#apply-filters")
    page.wait_for_selector("#reports")
    first = page.locator("#reports li").first
    assert re.search(r"hari kerja lagi|Batas waktu hari ini|Terlambat", first.inner_text())
    no_sideways_scroll(page)
    axe(page)
    # Then they open the report and ask the reporter a question
    page.click(f'#reports li[data-tracking-id="{tracking_id}"] a.tid')
    page.wait_for_selector("#action-request_info")
    no_sideways_scroll(page)
    axe(page)
    take(page, "request_info", "Jam berapa puskesmas tutup, dan di hari apa saja?")
    expect(page.locator("#status-label")).to_have_text("Menunggu Tanggapan Pelapor")
    # The reporter answers; later the officer responds and resolves it
    replied = stack.post(f"/complaints/{tracking_id}/replies", json={"message": "Setiap Senin, tutup jam 11."},
                         headers={"X-Reporter-Token": token})
    assert replied.status_code in (200, 201), replied.text
    page.reload()
    assert "Setiap Senin, tutup jam 11." in page.inner_text("#timeline")
    take(page, "respond", "Kami sudah menegur kepala puskesmas.")
    expect(page.locator("#status-label")).to_have_text("Ditindaklanjuti")
    take(page, "resolve", "Jam layanan kembali normal, 08.00–14.00.")
    expect(page.locator("#status-label")).to_have_text("Selesai Ditindaklanjuti")
    timeline = page.inner_text("#timeline")
    assert "Admin Penghubung" in timeline  # who did what: the account's name
    no_sideways_scroll(page)


def test_an_officer_returns_a_report_that_is_not_theirs(page, stack):
    officer_key = stack.key("officer", DINKES_MKS)
    tracking_id = file(stack, target_agency_id=DINKES_MKS, category="health")
    wait_for(stack, tracking_id, "forwarded", officer_key)
    sign_in(page, stack, "officer", DINKES_MKS)
    open_report(page, tracking_id)
    # The note is required: the browser says so before sending, the server too
    page.click("#submit-return")
    assert page.evaluate("() => document.querySelector('#note-return').validity.valueMissing")
    take(page, "return", "Ini urusan Dinas PUPR, bukan Dinas Kesehatan.")
    # The report has left this office: back in the inbox, saying so
    assert tracking_id in page.inner_text("#done") and page.locator("#reports, #no-reports").count() == 1
    assert stack.get(f"/complaints/{tracking_id}").json()["status"] == "submitted"


def test_a_coordinator_works_the_queue_without_javascript(plain_page, stack, axe, expect):
    page = plain_page
    # Social aid has no routing rule in Kota Makassar: these wait for the city's verification
    forwarded = file(stack, title="Bantuan sosial tidak sampai ke warga Tallo", category="social_aid")
    spam = file(stack, title="Promo pulsa murah hubungi nomor ini", category="social_aid")
    repeat = file(stack, title="Bansos di Tallo belum dibagikan juga", category="social_aid")
    sign_in(page, stack, "coordinator", MAKASSAR)
    page.click("a[href*='staff/queue']")
    page.wait_for_selector("#reports")
    # Most urgent first: today's reports are at the end of the queue, page after page
    while page.locator(f'#reports li[data-tracking-id="{forwarded}"]').count() == 0:
        page.click("#next-page")
        page.wait_for_selector("#reports")
    # Forward with the plain select (no search box without JavaScript)
    page.click(f'#reports li[data-tracking-id="{forwarded}"] a.tid')
    assert page.locator(".picker-search").count() == 0
    options = page.locator("#agency-forward option").all_inner_texts()
    assert any("Dinas Pekerjaan Umum" in o or "PUPR" in o for o in options)
    assert not any("Bandung" in o for o in options)
    take(page, "forward", agency_id="dinas-pupr-kota-makassar")
    assert page.inner_text("#report-agency").strip() != "Pemerintah Kota Makassar"
    # Archive the spam, with its reason
    page.goto(f"/staff/reports/{spam}")
    take(page, "reject", "Iklan, bukan laporan pelayanan publik.")
    expect(page.locator("#status-label")).to_have_text("Diarsipkan")
    # Mark the repeat as a duplicate of the first
    page.goto(f"/staff/reports/{repeat}")
    take(page, "mark_duplicate", **{"duplicate-of": forwarded})
    expect(page.locator("#status-label")).to_have_text("Selesai")


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_sign_in_and_action(page, stack, expect):
    officer_key = stack.key("officer", DINKES_MKS)
    tracking_id = file(stack, target_agency_id=DINKES_MKS, category="health")
    wait_for(stack, tracking_id, "forwarded", officer_key)
    member = account(stack, "officer", DINKES_MKS)
    page.goto("/staff/login")
    tab_to(page, "#email")
    page.keyboard.type(member["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(member["password"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#code")
    tab_to(page, "#code")
    page.keyboard.type(fresh_code(member["totp_secret"]))
    page.keyboard.press("Enter")
    page.wait_for_selector("#sign-out")
    tab_to(page, "#q")
    page.keyboard.type(tracking_id)
    page.keyboard.press("Enter")
    page.wait_for_selector("#action-respond")
    tab_to(page, "#note-respond")
    page.keyboard.type("Kami periksa hari ini.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "submit-respond"
    page.keyboard.press("Enter")
    page.wait_for_selector("#done")
    expect(page.locator("#status-label")).to_have_text("Ditindaklanjuti")


def test_a_race_shows_the_report_as_it_is_now(browser, stack, expect):
    officer_key = stack.key("officer", DINKES_MKS)
    tracking_id = file(stack, target_agency_id=DINKES_MKS, category="health")
    wait_for(stack, tracking_id, "forwarded", officer_key)
    pages = []
    for _ in range(2):
        context = browser.new_context(base_url=stack.base_url, viewport={"width": 1024, "height": 900})
        page = context.new_page()
        sign_in(page, stack, "officer", DINKES_MKS)
        page.goto(f"/staff/reports/{tracking_id}")
        pages.append(page)
    first, second = pages
    take(first, "respond", "Saya yang menangani ini.")
    second.fill("#note-request_info", "Boleh kirim foto lokasinya?")
    second.click("#submit-request_info")
    second.wait_for_selector("#conflict")
    assert "Orang lain baru saja menindaklanjuti laporan ini." in second.inner_text("#conflict")
    expect(second.locator("#status-label")).to_have_text("Ditindaklanjuti")
    assert "Saya yang menangani ini." in second.inner_text("#timeline")
    assert second.input_value("#note-request_info") == "Boleh kirim foto lokasinya?"
    assert second.evaluate("() => document.activeElement.id") == "conflict"
    for page in pages:
        page.context.close()


def test_a_coordinator_cannot_see_or_pick_agencies_outside_their_subtree(page, stack):
    tracking_id = file(stack, category="social_aid")
    sign_in(page, stack, "coordinator", MAKASSAR)
    # The inbox's agency filter and the forward picker hold Makassar's agencies only
    for select in ("#agency",):
        texts = page.locator(f"{select} option").all_inner_texts()
        assert texts and not any("Bandung" in t or "Jawa Barat" in t for t in texts)
    page.goto(f"/staff/reports/{tracking_id}")
    csrf = page.input_value("input[name=csrf_token] >> nth=0")
    search = page.locator(".picker-search").last
    search.fill("Bandung")
    visible = page.locator("#agency-forward option:not([hidden])").all_inner_texts()
    assert all(not o.strip() or "—" in o for o in visible)
    search.fill("kesehatan")
    assert any("Kesehatan Kota Makassar" in o for o in page.locator("#agency-forward option:not([hidden])")
               .all_inner_texts())
    # Asking for another subtree by hand is refused, not answered with its reports
    page.goto(f"/staff?agency={DINKES_BDG}")
    assert page.locator("#error-message").is_visible()
    page.goto(f"/staff/dashboard?agency={DINKES_BDG}")
    assert page.locator("#error-message").is_visible()
    # Forwarding outside by a forged form is refused by the server
    response = page.request.post(f"/staff/reports/{tracking_id}", form={
        "action": "forward", "agency_id": DINKES_BDG, "csrf_token": csrf})
    assert response.status == 403


def test_the_scorecards_and_admin_pages_are_accessible(page, stack, axe):
    file(stack, target_agency_id=DINKES_MKS, category="health")
    sign_in(page, stack, "national_admin", NATIONAL)
    page.goto("/staff/dashboard")
    page.wait_for_selector("#agencies")
    assert page.locator("th[aria-sort]").count() == 1
    axe(page)
    # Sorting by a column, with the keyboard
    page.focus("#agencies thead th:first-child a")
    page.keyboard.press("Enter")
    page.wait_for_selector("#agencies th[aria-sort]:first-child")
    for path in ("/staff/queue", "/staff/admin/users", "/staff/admin/keys", "/staff/admin/agencies?q=makassar",
                 f"/staff/admin/agencies/{DINKES_MKS}", "/staff/admin/rules?region=73.71"):
        page.goto(path)
        page.wait_for_selector("main h1")
        axe(page)


def test_the_national_admin_invites_an_officer_who_signs_in_the_first_time(page, browser, stack, axe):
    sign_in(page, stack, "national_admin", NATIONAL)
    # Invite an officer of the health office
    page.goto(f"/staff/admin/users?agency={DINKES_MKS}")
    page.fill("#invite-name", "Nur Aisyah")
    email = f"nur.aisyah.{int(time.time())}@dinkes.makassarkota.go.id"
    page.fill("#invite-email", email)
    page.select_option("#invite-role", "officer")
    page.select_option("#invite-agency", DINKES_MKS)
    page.click("#invite")
    page.wait_for_selector("#invited")
    temporary = page.inner_text("#temporary-password").strip()
    assert email in page.inner_text("#accounts")
    # Issue an API key for the office's system: shown once
    page.goto("/staff/admin/keys")
    page.fill("#key-label", "SIMPUS Dinkes")
    page.select_option("#key-agency", DINKES_MKS)
    page.click("#issue")
    key = page.inner_text("#new-key").strip()
    assert key.startswith("lpr_")
    page.goto(f"/staff/admin/keys?agency={DINKES_MKS}")
    assert key not in page.content() and "SIMPUS Dinkes" in page.inner_text("#keys")
    # The new officer signs in for the first time, in English, on a phone
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 360, "height": 740})
    officer = context.new_page()
    officer.goto("/staff/login?lang=en")
    officer.fill("#email", email)
    officer.fill("#password", temporary)
    officer.click("#sign-in")
    officer.wait_for_selector("#new_password")
    axe(officer)
    officer.fill("#new_password", "Makassar-2026-aman")
    officer.fill("#confirm_password", "Makassar-2026-aman")
    officer.click("#continue")
    officer.wait_for_selector("#totp-secret")
    assert officer.locator(".qr svg").count() == 1
    axe(officer)
    secret = officer.inner_text("#totp-secret").strip()
    officer.fill("#code", fresh_code(secret))
    officer.click("#continue")
    officer.wait_for_selector("#sign-out")
    assert officer.inner_text("h1") == "Inbox"
    no_sideways_scroll(officer)
    context.close()


def test_the_scorecards_fit_a_phone(phone_page, stack, axe, artifacts):
    page = phone_page
    file(stack, target_agency_id=DINKES_MKS, category="health")
    sign_in(page, stack, "coordinator", MAKASSAR)
    page.click("a[href*='staff/dashboard']")
    page.wait_for_selector("#agencies")
    deadline = time.monotonic() + 30
    while "belum ada laporan" in page.inner_text("#table-monthly") and time.monotonic() < deadline:
        time.sleep(0.5)  # the counters follow the report through the stream
        page.reload()
    no_sideways_scroll(page)
    # Each metric in words, months as "Jun 2026", the numbers also as a table
    assert "Dari tanggapan pertama yang sudah diberikan" in page.inner_text(".explain")
    page.click("#chart-monthly + details summary")
    assert re.search(r"[A-Z][a-z]{2} 20\d\d", page.inner_text("#table-monthly"))
    axe(page)
    page.screenshot(path=str(artifacts / "console-scorecards-360.png"), full_page=True)
