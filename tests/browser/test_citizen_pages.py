"""The citizen's side in a real browser (headless Chromium) against the local stack: file a report,
keep the receipt, follow it, reply, rate the follow-up; with and without JavaScript; in Bahasa
Indonesia and English; on a 360 px phone."""

from __future__ import annotations

import re
import time

import pytest

from tests.factories import valid_report

pytestmark = pytest.mark.browser

SCRIPT_TITLE = "<script>alert('x')</script> Jalan rusak"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
LABELS_ID = {"Belum Terverifikasi", "Terdisposisi", "Ditindaklanjuti", "Menunggu Tanggapan Pelapor",
             "Selesai Ditindaklanjuti", "Selesai", "Diarsipkan"}
DINKES_MKS = "dinas-kesehatan-kota-makassar"
# WCAG contrast ratio of the first element matching each selector against its background.
CONTRAST = """selectors => {
    const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => {
        const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const b = getComputedStyle(el).backgroundColor;
            if (!/rgba\\(.*, 0\\)|transparent/.test(b)) return b;
        }
        return "rgb(255, 255, 255)";
    };
    const ratio = el => {
        const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(background(el)));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    };
    return selectors.map(sel => [sel, ratio(document.querySelector(sel))]);
}"""


def choose_region(page, province: str = "73", regency: str = "73.71") -> None:
    page.select_option("#province_code", province)
    page.wait_for_selector(f'#regency_code option[value="{regency}"]', state="attached")
    page.select_option("#regency_code", regency)


def fill_report(page, *, title: str = "Jalan berlubang di Jl. Perintis Kemerdekaan", javascript: bool = True) -> None:
    page.check("#kind-complaint")
    page.fill("#title", title)
    page.fill("#description", "Jalan berlubang besar di depan kampus sejak dua bulan lalu, membahayakan pengendara.")
    page.select_option("#category", "infrastructure")
    if javascript:
        choose_region(page)
    else:  # the province's regencies come with the form posted back to itself ("show its regencies")
        page.select_option("#province_code", "73")
        page.click("#show-regencies")
        page.wait_for_selector('#regency_code option[value="73.71"]', state="attached")
        page.select_option("#regency_code", "73.71")
    page.fill("#reporter_name", "Siti Rahma")
    page.fill("#reporter_email", "siti@example.com")


def receipt_of(page) -> tuple[str, str]:
    page.wait_for_selector("#receipt-heading")
    return page.inner_text("#tracking-id").strip(), page.inner_text("#reporter-token").strip()


def wait_for_status(stack, tracking_id: str, status: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.get(f"/complaints/{tracking_id}").json()["status"] == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"{tracking_id} never reached {status}")


def test_file_a_report_in_indonesian_then_track_it_and_reply(page, stack):
    # Given a citizen on the form, in Bahasa Indonesia
    page.goto("/")
    assert page.get_attribute("html", "lang") == "id"
    assert page.inner_text("h1") == "Sampaikan laporan Anda"
    fill_report(page)
    # And they name the agency, found by searching the region's agencies
    page.wait_for_selector(f'#target_agency_id option[value="{DINKES_MKS}"]', state="attached")
    page.fill("#agency-search", "kesehatan")
    found = page.locator("#target_agency_id option").all_inner_texts()[1:]
    assert found and all("Kesehatan" in name for name in found)
    page.select_option("#target_agency_id", DINKES_MKS)
    # And attach a photo, which goes straight to S3
    page.set_input_files("#attachments", files=[{"name": "jalan.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#attachment-list li:has-text('terunggah')")
    # When they send it (a double click files once)
    filed = []
    page.on("response", lambda r: filed.append(r) if r.url.endswith("/complaints") and r.request.method == "POST"
            else None)
    page.dblclick("#submit")
    # Then the receipt shows the tracking number and the token once, with a clear "save this"
    tracking_id, token = receipt_of(page)
    assert re.fullmatch(r"LPR-[0-9A-Z]{4}-[0-9A-Z]{4}", tracking_id) and len(token) > 20
    assert "Simpan token pelapor" in page.inner_text("#save-this")
    assert page.inner_text("#receipt-title") == "Jalan berlubang di Jl. Perintis Kemerdekaan"
    assert {r.json()["tracking_id"] for r in filed if r.status == 201} == {tracking_id}
    # When they open the tracking page from the receipt
    page.click("#open-tracking")
    page.wait_for_selector("#status-label")
    # Then they see the status in words, the agency, the deadlines, the timeline and the photo
    assert page.inner_text("#status-label") in LABELS_ID
    assert "Makassar" in page.inner_text("#agency")
    assert page.locator(".deadlines li").count() >= 1
    assert "Laporan dikirim" in page.inner_text("#timeline")
    assert page.locator("#attachment-links a").all_inner_texts() == ["Lampiran 1"]
    assert token not in page.url
    # When they reply
    page.fill("#message", "Lubangnya makin besar setelah hujan kemarin.")
    page.click("#reply-form button[type=submit]")
    # Then the page says so, and the reply is in the timeline
    page.wait_for_selector("#notice")
    assert page.inner_text("#notice") == "Balasan Anda sudah terkirim."
    assert "Lubangnya makin besar setelah hujan kemarin." in page.inner_text("#timeline")
    assert token not in page.url
    mine = stack.get(f"/complaints/{tracking_id}", headers={"X-Reporter-Token": token}).json()
    assert len(mine["attachments"]) == 1 and mine["target_agency_id"] == DINKES_MKS


def test_a_field_error_is_shown_next_to_its_field(page):
    page.goto("/")
    fill_report(page, title="abc")
    # The browser checks what it can, as the server would
    page.click("#submit")
    assert page.is_visible("#error-title")
    assert page.inner_text("#error-title") == "Judul harus 5–150 karakter."
    assert page.get_attribute("#title", "aria-invalid") == "true"
    assert page.is_visible("#error-summary")
    # And what only the server can tell comes back next to its field too
    page.fill("#title", "Jalan berlubang di Jl. Perintis")
    page.fill("#reporter_email", "siti@exa_mple.com")
    page.click("#submit")
    page.wait_for_selector("#error-reporter_email:not([hidden])")
    assert page.inner_text("#error-reporter_email").startswith("Masukkan alamat e-mail yang benar")
    assert not page.is_visible("#error-title")


def test_attachments_outside_the_limits_are_refused_by_the_field(page):
    page.goto("/")
    page.set_input_files("#attachments", files=[{"name": "peta.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
    assert "peta.gif: hanya JPG, PNG, atau PDF" in page.inner_text("#error-attachments")
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    page.set_input_files("#attachments", files=[{"name": "besar.pdf", "mimeType": "application/pdf", "buffer": big}])
    assert "besar.pdf: berkas lebih besar dari 10 MB" in page.inner_text("#error-attachments")
    assert page.locator("#attachment-list li").count() == 0


def test_without_javascript_the_form_and_the_tracking_page_still_work(plain_page):
    page = plain_page
    page.goto("/")
    # A province but no regency yet: the server answers with the form, the error by the field and
    # the province's regencies to choose from
    fill_report(page, javascript=False)
    page.select_option("#regency_code", "")
    page.click("#submit")
    assert page.inner_text("#error-regency_code").strip()
    assert page.input_value("#title") == "Jalan berlubang di Jl. Perintis Kemerdekaan"
    assert page.locator('#regency_code option[value="73.71"]').count() == 1
    # Fixed and sent again: the receipt
    page.select_option("#regency_code", "73.71")
    page.click("#submit")
    tracking_id, token = receipt_of(page)
    assert tracking_id.startswith("LPR-") and token
    # The tracking page, as the reporter, then a reply
    page.click("#open-tracking")
    assert page.inner_text("#status-label") in LABELS_ID
    page.fill("#message", "Saya bisa dihubungi di nomor yang sama.")
    page.click("#reply-form button[type=submit]")
    assert page.inner_text("#notice") == "Balasan Anda sudah terkirim."
    assert "Saya bisa dihubungi di nomor yang sama." in page.inner_text("#timeline")
    assert token not in page.url


def test_enter_in_a_text_field_files_the_report_without_javascript(plain_page):
    # Given the whole form filled in without JavaScript (the regency chosen after "show its regencies")
    page = plain_page
    page.goto("/")
    fill_report(page, javascript=False)
    # When the citizen presses Enter in the name field
    page.press("#reporter_name", "Enter")
    # Then the report is filed (not the regency step again)
    tracking_id, token = receipt_of(page)
    assert tracking_id.startswith("LPR-") and token


def test_the_back_button_does_not_file_twice_without_javascript(plain_page):
    page = plain_page
    page.goto("/")
    key = page.input_value("input[name=idempotency_key]")
    fill_report(page, javascript=False)
    page.click("#submit")
    first, token = receipt_of(page)
    # Back to the form page: the same page, with the same key
    page.go_back()
    page.wait_for_selector("#report-form")
    assert page.input_value("input[name=idempotency_key]") == key
    # Sending the same report again shows the first receipt, and files nothing new
    if not page.input_value("#title"):
        fill_report(page, javascript=False)
    page.click("#submit")
    assert receipt_of(page) == (first, token)


def test_the_english_switch(page):
    page.goto("/")
    page.click("a[hreflang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text("h1") == "Submit your report"
    assert "File anonymously" in page.inner_text("#field-anonymous")
    page.click("#submit")
    assert page.inner_text("#error-title") == "This field is required."
    page.click("nav >> text=Track a report")
    assert page.inner_text("h1") == "Track a report"


def test_a_script_in_the_title_is_shown_as_text_everywhere(page, plain_page, stack):
    # The form again with errors (no JavaScript): the title is put back as text
    plain_page.goto("/")
    fill_report(plain_page, title=SCRIPT_TITLE, javascript=False)
    plain_page.fill("#description", "terlalu pendek")
    plain_page.click("#submit")
    assert plain_page.input_value("#title") == SCRIPT_TITLE
    assert plain_page.is_visible("#error-description")
    # The receipt (with JavaScript) and the tracking page: text, and no script ran (no dialog)
    page.goto("/")
    fill_report(page, title=SCRIPT_TITLE)
    page.click("#submit")
    tracking_id, _ = receipt_of(page)
    assert page.inner_text("#receipt-title") == SCRIPT_TITLE
    page.goto(f"/track?tracking_id={tracking_id}")
    assert page.inner_text("#report-title") == SCRIPT_TITLE
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0


def test_the_reporter_accepts_the_resolution_with_a_rating(page, stack):
    # Given a report the agency has resolved
    receipt = stack.post("/complaints", json=valid_report(category="health", target_agency_id=DINKES_MKS)).json()
    tracking_id, token = receipt["tracking_id"], receipt["reporter_token"]
    wait_for_status(stack, tracking_id, "forwarded")
    officer = stack.staff("officer", DINKES_MKS)
    for action, note in (("respond", "Kami sudah meninjau lokasi."), ("resolve", "Jalan sudah ditambal.")):
        response = stack.post(f"/agency/complaints/{tracking_id}/actions", headers=officer,
                              json={"action": action, "note": note})
        assert response.status_code == 200, response.text
    # When the reporter looks it up with the token
    page.goto("/track")
    page.fill("#tracking_id", tracking_id)
    page.fill("#reporter_token", token)
    page.click("#lookup-form button[type=submit]")
    assert page.inner_text("#status-label") == "Selesai Ditindaklanjuti"
    # Then accepting needs a rating
    page.click("#accept-form button[type=submit]")
    assert page.inner_text("#error-rating") == "Pilih nilai 1 sampai 5."
    # And with one, the report is closed
    page.check("#rating-4")
    page.fill("#accept-comment", "Terima kasih, sudah rapi.")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#notice")
    assert page.inner_text("#status-label") == "Selesai"
    assert stack.get(f"/complaints/{tracking_id}", headers={"X-Reporter-Token": token}).json()["rating"] == 4


def test_labels_keyboard_and_contrast(page):
    page.goto("/")
    # Every control has a label
    unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => el.type !== 'hidden' && !el.hidden && !(el.labels && el.labels.length) &&
                      !el.getAttribute('aria-label'))
        .map(el => el.id || el.name)""")
    assert unlabeled == []
    # The keyboard reaches the content first through the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#kind-complaint")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#kind-aspiration")
    # Text has enough contrast (WCAG AA: 4.5:1)
    ratios = page.evaluate(CONTRAST, ["label", ".hint", "button[type=submit]", "header.site a", ".req", "footer p"])
    assert ratios and all(ratio >= 4.5 for _, ratio in ratios), ratios


def test_the_pages_fit_a_360_px_phone(phone_page, artifacts):
    page = phone_page
    page.goto("/")
    fill_report(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "form-360.png"), full_page=True)
    page.click("#submit")
    receipt_of(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "receipt-360.png"), full_page=True)
    page.click("#open-tracking")
    page.wait_for_selector("#reply-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "track-360.png"), full_page=True)
    assert (artifacts / "form-360.png").stat().st_size > 0


def test_axe_finds_no_wcag_violation_on_the_citizen_pages(page, stack, axe):
    # The form, in both languages
    page.goto("/")
    axe(page)
    page.goto("/?lang=en")
    axe(page)
    # The form with an error only the server can find, shown by its field
    page.goto("/")
    fill_report(page)
    page.fill("#reporter_email", "siti@exa_mple.com")
    page.click("#submit")
    page.wait_for_selector("#error-reporter_email:not([hidden])")
    axe(page)
    # The receipt
    page.fill("#reporter_email", "siti@example.com")
    page.click("#submit")
    tracking_id, token = receipt_of(page)
    axe(page)
    # The tracking page: the lookup, the public view, the reporter's view with its forms
    page.goto("/track")
    axe(page)
    page.goto(f"/track?tracking_id={tracking_id}")
    axe(page)
    page.fill("#reporter_token", token)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#reply-form")
    axe(page)
    # The scorecards page
    page.goto("/dashboard")
    axe(page)


def test_the_accessibility_check_can_fail(page, axe):
    # Given a page axe finds clean, when an image without a text alternative appears in it
    page.goto("/track")
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    # Then the check fails, naming the rule
    with pytest.raises(AssertionError, match="image-alt"):
        axe(page)


def test_the_receipt_survives_a_reload_and_the_back_button(page):
    # Given a report filed with the script
    page.goto("/")
    fill_report(page)
    page.click("#submit")
    tracking_id, token = receipt_of(page)
    assert tracking_id in page.title()
    # When the citizen reloads the page: they are asked first, and the receipt comes back
    page.reload()
    assert page.watch.leave_prompts == 1
    assert receipt_of(page) == (tracking_id, token)
    # When they open the tracking page from it and come back with the back button
    page.click("#open-tracking")
    page.wait_for_selector("#status-label")
    page.go_back()
    # Then the receipt is still there, and the token never went into a URL
    assert receipt_of(page) == (tracking_id, token)
    assert token not in page.url
    # And the copy button puts both on the clipboard
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-receipt")
    page.wait_for_selector("#copy-status:not(:empty)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert tracking_id in copied and token in copied
    # And "file another report" starts afresh
    page.click("#file-another")
    page.wait_for_selector("#report-form")
    assert page.input_value("#title") == ""


def test_the_language_switch_keeps_the_reporter_view(page, stack):
    receipt = stack.post("/complaints", json=valid_report(category="health")).json()
    page.goto(f"/track?tracking_id={receipt['tracking_id']}")
    page.fill("#reporter_token", receipt["reporter_token"].lower())  # any case works
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#reply-form")
    # When the reporter switches to English
    page.click("#lang-switch")
    page.wait_for_selector("html[lang=en]")
    # Then they are still the reporter, in English, and the token is in no URL
    assert page.is_visible("#reply-form") and "Send" in page.inner_text("#reply-form button[type=submit]")
    assert receipt["reporter_token"] not in page.url and receipt["reporter_token"].lower() not in page.url
    # And back to Bahasa Indonesia, still the reporter
    page.click("#lang-switch")
    page.wait_for_selector("html[lang=id]")
    assert page.is_visible("#reply-form")


def test_attachment_messages_still_appear_after_a_failed_submit(page):
    # Given a citizen whose first try was refused (nothing filled in)
    page.goto("/")
    page.click("#submit")
    page.wait_for_selector("#error-summary:not([hidden])")
    # When they then add a file the form cannot take
    page.set_input_files("#attachments", files=[{"name": "peta.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
    # Then they are told, by the field, as before the failed submit
    assert "peta.gif: hanya JPG, PNG, atau PDF" in page.inner_text("#error-attachments")
    assert page.is_visible("#error-attachments")


def test_the_error_summary_names_the_fields_and_links_to_them(page, plain_page):
    for p in (page, plain_page):
        p.goto("/")
        p.fill("#title", "Jal")
        p.click("#submit")
        p.wait_for_selector("#error-links")
        links = p.locator("#error-links a")
        texts = [links.nth(i).inner_text() for i in range(links.count())]
        # Then each line names the field by its label, and following it lands on the field
        assert any(t.startswith("Judul") for t in texts) and any(t.startswith("Isi laporan") for t in texts), texts
        p.click("#error-links a[href='#description']")
        assert p.evaluate("document.activeElement.id") == "description" or p.url.endswith("#description")


FOCUS_RING = """id => {
    const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => {
        const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    };
    const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const el = document.getElementById(id), style = getComputedStyle(el);
    let bg = null;
    for (let p = el.parentElement; p && !bg; p = p.parentElement) {
        const b = getComputedStyle(p).backgroundColor;
        if (!/rgba\\(.*, 0\\)|transparent/.test(b)) bg = b;
    }
    bg = rgb(bg || "rgb(255, 255, 255)");
    const inner = rgb(style.outlineColor), halo = style.boxShadow === "none" ? null : rgb(style.boxShadow);
    return {width: parseFloat(style.outlineWidth), inner: contrast(inner, bg),
            halo: halo ? contrast(halo, bg) : 0, between: halo ? contrast(inner, halo) : 0};
}"""


def test_the_focus_ring_stands_out_on_light_and_dark(page):
    page.goto("/")
    for element_id in ("title", "submit"):
        page.focus(f"#{element_id}")
        ring = page.evaluate(FOCUS_RING, element_id)
        # A ring at least 2 px wide, one of its two tones at least 3:1 against what is around it
        assert ring["width"] >= 2 and max(ring["inner"], ring["halo"]) >= 3, ring
    # And on the blue header, too
    page.keyboard.press("Shift+Tab")
    page.focus("header.site a.brand")
    brand = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('header.site a.brand'));
                                     return [s.outlineStyle, s.boxShadow]; }""")
    assert brand[0] == "solid" and "244, 180, 0" in brand[1]  # the yellow halo against the blue


def test_the_token_by_email_option_with_the_script(page, stack):
    import uuid

    from tests.stack import wait_for

    address = f"token-{uuid.uuid4().hex[:8]}@example.com"
    # Given the English form, the option ticked but no address given
    page.goto("/?lang=en")
    fill_report(page)
    page.fill("#reporter_email", "")
    page.check("#token_by_email")
    page.click("#submit")
    # Then the checkbox says why, in English, and the summary links to it
    page.wait_for_selector("#error-token_by_email:not(:empty)")
    assert page.inner_text("#error-token_by_email").strip().endswith(
        "Give an e-mail address to receive the token by e-mail")
    assert page.locator("a[href='#token_by_email']").count() == 1
    # When the address is given and the report filed
    page.fill("#reporter_email", address)
    page.click("#submit")
    tracking_id, token = receipt_of(page)
    # Then the receipt says the token will follow by e-mail, also after a reload
    assert page.is_visible("#token-by-email") and "once you confirm" in page.inner_text("#token-by-email")
    page.reload()
    receipt_of(page)
    assert page.is_visible("#token-by-email")

    # And once the address is confirmed, one English e-mail carries the token
    def mails() -> list[dict]:
        return [m for m in stack.get(f"/dev/outbox?tracking_id={tracking_id}").json()["messages"]
                if address in m.get("to", [])]

    assert wait_for(lambda: [m for m in mails() if "/confirm-email" in m["text"]])
    [ask] = [m for m in mails() if "/confirm-email" in m["text"]]
    assert token not in ask["text"] and ask["subject"].startswith("[LAPOR!] Confirm your e-mail address")
    key = re.search(r"/confirm-email\?token=([^&\s]+)", ask["text"]).group(1)
    assert stack.post("/confirm-email", json={"token": key}).json() == {"confirmed": True}
    assert wait_for(lambda: [m for m in mails() if token in m["text"]])
    [mail] = [m for m in mails() if token in m["text"]]
    assert mail["subject"] == f"[LAPOR!] Tracking number and reporter token for {tracking_id}"
