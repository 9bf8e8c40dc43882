"""The citizen's pages without a browser (SPEC §7 ``GET /``, ``GET /track``, form posts): what a
browser without JavaScript receives, on the Chalice test client against the moto server."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.fixtures import body
from tests.staff import DINKES_MKS, act, file_report

SCRIPT_TITLE = "<script>alert('x')</script> Jalan rusak"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,application/xhtml+xml"}


def form_fields(**overrides: str) -> dict[str, str]:
    fields = {
        "kind": "complaint", "title": "Lampu jalan mati di Jl. Veteran",
        "description": "Sudah tiga minggu lampu jalan di depan pasar mati, gelap dan rawan kecelakaan.",
        "category": "infrastructure", "province_code": "73", "regency_code": "73.71",
        "reporter_name": "Andi Baso", "reporter_email": "andi@example.com", "lang": "id",
    }
    fields.update(overrides)
    return fields


def post_form(client, fields: dict[str, str], path: str = "/complaints"):
    return client.http.post(path, headers=FORM, body=urlencode(fields, doseq=True))


def text_of(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def element(html: str, element_id: str) -> str:
    """The text inside the element with this id (simple pages: no nesting of the same tag)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(2)))


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return unescape(match.group(1))


# --- GET / -------------------------------------------------------------------------------------

def test_the_form_is_served_by_the_app_in_bahasa_indonesia(client):
    # When a citizen opens the site
    response = client.http.get("/")
    html = text_of(response)
    # Then they get the form, in Bahasa Indonesia, with a fresh key against double filing
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert '<html lang="id">' in html and "Sampaikan laporan Anda" in html
    assert len(hidden_value(html, "idempotency_key")) >= 20
    assert hidden_value(html, "idempotency_key") != hidden_value(text_of(client.http.get("/")), "idempotency_key")
    # And every control a person fills in has a label
    for control in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
        if control != "agency-search":
            assert f'for="{control}"' in html, control
    assert 'for="agency-search"' in html
    # And the plain-language explanations of anonymous and confidential
    assert "tidak ditampilkan kepada instansi" in element(html, "hint-anonymous")
    assert "Publik hanya melihat status laporan" in element(html, "hint-confidential")


def test_the_form_in_english(client):
    html = text_of(client.http.get("/?lang=en"))
    assert '<html lang="en">' in html and "Submit your report" in html
    assert 'hreflang="id"' in html  # and the way back to Bahasa Indonesia


def test_pages_load_their_own_script_and_styles_under_the_csp(client):
    response = client.http.get("/")
    html, policy = text_of(response), response.headers["Content-Security-Policy"]
    # No CDN, no inline script: only files the app serves itself
    assert "script-src 'self'" in policy and "connect-src 'self' http://127.0.0.1:" in policy
    sources = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert "favicon.ico" in sources  # the icon is the app's own too (GET /favicon.ico)
    sources.remove("favicon.ico")
    assert sources and all(src.startswith("static/") for src in sources)
    assert all('type="application/json"' in tag or "src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    for src in sources:
        asset = client.http.get("/" + src.split("?")[0])
        assert asset.status_code == 200
        assert asset.headers["Content-Type"].split(";")[0] in {"text/css", "text/javascript"}
    assert client.http.get("/static/../app.py").status_code in (403, 404)
    assert client.http.get("/static/secret.txt").status_code == 404


# --- filing from a plain form --------------------------------------------------------------------

def test_a_plain_form_post_files_once_and_shows_the_receipt(client):
    # Given the form page with its key
    key = hidden_value(text_of(client.http.get("/")), "idempotency_key")
    fields = form_fields(idempotency_key=key)
    # When the browser posts it (no JavaScript), twice (double click, back button)
    first, again = post_form(client, fields), post_form(client, fields)
    # Then the receipt shows the tracking id and the token, once filed
    assert first.status_code == again.status_code == 201
    html = text_of(first)
    tid, token = element(html, "tracking-id"), element(html, "reporter-token")
    assert re.fullmatch(r"LPR-[0-9A-Z]{4}-[0-9A-Z]{4}", tid) and len(token) > 20
    assert "Simpan token pelapor dan nomor pelacakan ini sekarang" in element(html, "save-this")
    assert (element(text_of(again), "tracking-id"), element(text_of(again), "reporter-token")) == (tid, token)
    # And the token is never put into a link
    assert all(token not in href for href in re.findall(r'href="([^"]*)"', html))
    assert f'href="track?tracking_id={tid}"' in html


def test_the_same_form_key_with_other_contents_asks_again_with_a_new_key(client):
    key = hidden_value(text_of(client.http.get("/")), "idempotency_key")
    assert post_form(client, form_fields(idempotency_key=key)).status_code == 201
    response = post_form(client, form_fields(idempotency_key=key, title="Judul lain untuk laporan baru"))
    html = text_of(response)
    assert response.status_code == 409
    assert "sudah pernah dikirim" in element(html, "error-summary-text")
    assert hidden_value(html, "idempotency_key") != key
    assert hidden_value(html, "title") == "Judul lain untuk laporan baru"


def test_field_errors_come_back_next_to_their_fields_with_what_was_typed(client):
    response = post_form(client, form_fields(title="abc", regency_code="32.73", reporter_email="andi@"))
    html = text_of(response)
    assert response.status_code == 422
    assert element(html, "error-title") == "Harus 5–150 karakter."
    assert element(html, "error-regency_code") == "Kabupaten/kota ini tidak berada di provinsi yang dipilih."
    assert "e-mail" in element(html, "error-reporter_email")
    assert 'id="title" name="title" value="abc"' in html
    assert 'aria-invalid="true"' in html


def test_field_errors_in_english(client):
    html = text_of(post_form(client, form_fields(title="abc", lang="en")))
    assert element(html, "error-title") == "Must be 5–150 characters"


def test_a_script_in_the_title_is_text_on_every_page(client):
    # On the form with errors
    html = text_of(post_form(client, form_fields(title=SCRIPT_TITLE, description="short")))
    assert "<script>alert" not in html and hidden_value(html, "title") == SCRIPT_TITLE
    # On the receipt
    receipt = text_of(post_form(client, form_fields(title=SCRIPT_TITLE)))
    assert "<script>alert" not in receipt and element(receipt, "receipt-title") == SCRIPT_TITLE
    # On the tracking page
    tid = element(receipt, "tracking-id")
    page = text_of(client.http.get(f"/track?tracking_id={tid}"))
    assert "<script>alert" not in page and element(page, "report-title") == SCRIPT_TITLE


def test_json_clients_still_get_json(client):
    response = client.http.post("/complaints", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                        "Accept": "application/json"},
                                body=urlencode(form_fields()))
    assert response.status_code == 201 and body(response)["reporter_token"]


# --- the tracking page -------------------------------------------------------------------------

def test_tracking_without_a_token_shows_the_public_view(client):
    receipt = file_report(client, confidential=True)
    response = client.http.get(f"/track?tracking_id={receipt['tracking_id'].lower()}")
    html = text_of(response)
    assert response.status_code == 200
    assert element(html, "status-label") == "Belum Terverifikasi"
    assert "Jalan berlubang" not in html and "dirahasiakan" in element(html, "confidential-note")
    assert "Laporan dikirim" in element(html, "timeline")
    assert 'id="reply-form"' not in html and 'id="sign-in-form"' in html
    assert 'data-deadline="verification"' in html and "Verifikasi dan disposisi" in html


def test_the_reporter_replies_from_the_tracking_page_without_javascript(client):
    receipt = file_report(client)
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    # Given the reporter opens their report with the token (posted, not in the URL)
    page = post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "view"}, "/track")
    html = text_of(page)
    assert page.status_code == 200 and 'id="reply-form"' in html and "Siti Rahma" in html
    # When they send a reply
    replied = post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "reply",
                                 "message": "Lubangnya semakin besar setelah hujan kemarin."}, "/track")
    html = text_of(replied)
    # Then the page says so and the timeline has it
    assert replied.status_code == 200
    assert element(html, "notice") == "Balasan Anda sudah terkirim."
    assert "Lubangnya semakin besar setelah hujan kemarin." in element(html, "timeline")


def test_a_refreshed_reply_page_does_not_reply_twice(client):
    import re

    receipt = file_report(client)
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    html = text_of(post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "view"}, "/track"))
    key = re.search(r'name="reply_key" value="([^"]+)"', html).group(1)
    form = {"tracking_id": tid, "reporter_token": token, "action": "reply", "reply_key": key,
            "message": "Sudah saya foto ulang."}
    # When the browser sends the same reply form twice (a refresh after posting)
    assert post_form(client, form, "/track").status_code == 200
    assert post_form(client, form, "/track").status_code == 200
    # Then the reply is on the timeline once
    timeline = element(text_of(post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "view"},
                                         "/track")), "timeline")
    assert timeline.count("Sudah saya foto ulang.") == 1


def test_an_empty_reply_is_an_error_by_the_message(client):
    receipt = file_report(client)
    response = post_form(client, {"tracking_id": receipt["tracking_id"], "action": "reply", "message": " ",
                                  "reporter_token": receipt["reporter_token"]}, "/track")
    assert response.status_code == 422
    assert element(text_of(response), "error-message") == "Tulis pesan Anda."


@pytest.mark.parametrize(("fields", "status", "error_id", "message"), [
    ({"tracking_id": "LPR-ZZZZ-ZZZZ"}, 404, "error-tracking_id", "tidak ditemukan"),
    ({"reporter_token": "salah"}, 403, "error-reporter_token", "tidak cocok"),
    ({"action": "reply", "message": "Halo", "reporter_token": ""}, 401, "error-reporter_token", "Masukkan token"),
])
def test_tracking_errors_are_said_plainly(client, fields, status, error_id, message):
    receipt = file_report(client)
    response = post_form(client, {"tracking_id": receipt["tracking_id"], "action": "view", **fields}, "/track")
    assert response.status_code == status
    assert message in element(text_of(response), error_id)


def test_the_reporter_accepts_a_resolution_with_a_rating(client, staff, pump):
    receipt = file_report(client, category="health")
    pump.drain()
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    officer = staff.headers("officer", DINKES_MKS)
    for action, note in (("respond", "Sedang ditinjau."), ("resolve", "Puskesmas sudah buka kembali.")):
        response = act(client, officer, tid, action, note=note)
        assert response.status_code == 200, response.body
    page = text_of(post_form(client, {"tracking_id": tid, "reporter_token": token}, "/track"))
    assert 'id="accept-form"' in page and 'id="reopen-form"' in page
    # Accepting needs a rating
    missing = post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "feedback",
                                 "decision": "accept"}, "/track")
    assert missing.status_code == 422 and element(text_of(missing), "error-rating") == "Pilih nilai 1 sampai 5."
    done = post_form(client, {"tracking_id": tid, "reporter_token": token, "action": "feedback",
                              "decision": "accept", "rating": "5", "comment": "Terima kasih"}, "/track")
    html = text_of(done)
    assert done.status_code == 200 and element(html, "status-label") == "Selesai"
    assert "Penilaian Anda sudah dicatat" in element(html, "notice")


def test_the_form_does_not_carry_every_regency_and_works_without_a_script(client):
    # When a citizen opens the form
    html = text_of(client.http.get("/"))
    # Then the regency list waits for a province: not all 514 regencies in the page
    assert "<optgroup" not in html and "Kota Makassar" not in html
    assert len(re.findall(r"<option\b", element(html, "regency_code"))) == 0  # just the prompt (its own tag)
    # And without a script, "show its regencies" posts the form back to itself
    assert 'id="show-regencies"' in html and 'formaction="./"' in html
    # When they choose a province and press it, with some of the form already typed
    step = post_form(client, form_fields(regency_code="", lang="en", idempotency_key="k" * 24), path="/")
    page = text_of(step)
    # Then the same form comes back, as typed, with that province's regencies, and nothing is filed
    assert step.status_code == 200 and '<html lang="en">' in page
    assert ">Kota Makassar</option>" in page and ">Kota Bandung</option>" not in page
    assert 'value="Lampu jalan mati di Jl. Veteran"' in page and hidden_value(page, "idempotency_key") == "k" * 24
    assert 'id="report-form"' in page and "LPR-" not in page


def test_every_page_has_its_icon(client):
    response = client.http.get("/favicon.ico", headers={"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/x-icon"
    assert response.body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="favicon.ico"' in text_of(client.http.get("/"))


def test_the_tracking_page_speaks_in_words_and_names_the_report_in_its_title(client, staff, pump, clock_at):
    from datetime import UTC, datetime, timedelta

    from chalicelib.services import sweep

    receipt = file_report(client, category="health")
    pump.drain()
    tid = receipt["tracking_id"]
    # When the agency misses its first-response deadline and the report is escalated
    later = datetime.now(UTC) + timedelta(days=12)
    clock_at(later)
    sweep.run(later)
    for lang, words, slug in (("id", "Batas waktu tanggapan pertama instansi terlewati.", "Pemerintah Kota Makassar"),
                              ("en", "The deadline for the agency's first response was missed.",
                               "Pemerintah Kota Makassar")):
        html = unescape(text_of(client.http.get(f"/track?tracking_id={tid}" + ("&lang=en" if lang == "en" else ""))))
        # Then the public timeline says it in the page's language, with the agency's name, not codes
        assert words in html and slug in html
        assert "deadline passed" not in html and "escalated to pemkot" not in html and "otomatis:" not in html
        assert f"<title>{tid} · " in html
