"""The staff console's pages without a browser (SPEC §10 "The console"): what a browser without
JavaScript receives, on the Chalice test client against the moto server. The pages are asked with
an API key here (``current_staff`` takes a key or the session cookie); the browser tests sign in."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.staff import DINKES_BDG, DINKES_MKS, JABAR, MAKASSAR, PUPR_MKS, SULSEL, act, file_report

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}


def text_of(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def element(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def page(client, staff, path: str, role: str = "coordinator", agency: str = MAKASSAR):
    headers = {"Authorization": f"Bearer {staff.key(role, agency)}"}
    return client.http.get(path, headers=headers)


def post(client, staff, path: str, fields: dict[str, str], role: str = "coordinator", agency: str = MAKASSAR):
    headers = {**FORM, "Authorization": f"Bearer {staff.key(role, agency)}"}
    return client.http.post(path, headers=headers, body=urlencode(fields))


def test_a_visitor_without_a_session_is_sent_to_sign_in_and_back(client):
    response = client.http.get("/staff/reports/LPR-2345-6789?lang=en")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("../../staff/login?") and "next=%2Fstaff%2Freports%2FLPR-2345-6789" in location
    assert "lang=en" in location


def test_the_sign_in_page_in_bahasa_indonesia_and_english(client):
    html = text_of(client.http.get("/staff/login"))
    assert '<html lang="id">' in html and "Masuk ke konsol petugas" in html
    assert 'autocomplete="current-password"' in html and "<script src=" in html
    english = text_of(client.http.get("/staff/login?lang=en"))
    assert "Sign in to the staff console" in english


def test_a_sign_in_form_posted_from_another_site_is_refused(client):
    # Given the sign-in page, which sets a SameSite=Strict cookie and carries the same token in the form
    shown = client.http.get("/staff/login")
    set_cookie = shown.headers["Set-Cookie"]
    token = re.search(r"__Host-lapor-login=([A-Za-z0-9_-]{32});", set_cookie).group(1)
    assert "SameSite=Strict" in set_cookie and "HttpOnly" in set_cookie and "Secure" in set_cookie
    assert f'name="login_token" value="{token}"' in text_of(shown)
    fields = {"email": "penyerang@example.com", "password": "kata-sandi-penyerang", "login_token": token}
    # When another site's page posts the form (the browser sends no SameSite=Strict cookie), or a
    # forged token, to either sign-in step
    for headers, path, sent in (
            (FORM, "/staff/login", fields),
            ({**FORM, "Cookie": "__Host-lapor-login=" + "x" * 32}, "/staff/login", fields),
            (FORM, "/staff/login/challenge", {"challenge": "SOFTWARE_TOKEN_MFA", "challenge_session": "s" * 40,
                                             "code": "123456", "login_token": token})):
        refused = client.http.post(path, headers=headers, body=urlencode(sent))
        # Then it is refused with a page that says so, nothing is asked of Cognito and no session is set
        assert refused.status_code == 403, path
        assert "kedaluwarsa" in element(text_of(refused), "form-error")
        assert "__Host-lapor-staff" not in refused.headers.get("Set-Cookie", "")
    # But the same post from the page itself reaches the password check
    wrong = client.http.post("/staff/login", headers={**FORM, "Cookie": f"__Host-lapor-login={token}"},
                             body=urlencode(fields))
    assert wrong.status_code == 401


def test_the_inbox_lists_the_scope_with_deadlines_in_words(client, staff):
    # Given a report filed in Kota Makassar (it waits in the city's verification queue)
    filed = file_report(client, title="Lampu jalan mati di Jl. Veteran Utara")
    # When the city's coordinator opens the inbox
    response = page(client, staff, "/staff")
    html = text_of(response)
    # Then the report is there, with its next deadline counted in working days
    assert response.status_code == 200 and "Content-Security-Policy" in response.headers
    assert filed["tracking_id"] in html and "Lampu jalan mati di Jl. Veteran Utara" in html
    row = re.search(rf'data-tracking-id="{filed["tracking_id"]}".*?</li>', html, re.S).group(0)
    assert re.search(r"\d hari kerja lagi|Batas waktu hari ini", unescape(row))
    assert "Verifikasi dan disposisi" in unescape(row)


def test_the_tracking_id_box_opens_the_report(client, staff):
    filed = file_report(client)
    response = page(client, staff, f"/staff?q={filed['tracking_id'].lower()}")
    assert response.status_code == 303 and response.headers["Location"] == f"./staff/reports/{filed['tracking_id']}"
    bad = page(client, staff, "/staff?q=nonsense")
    assert bad.status_code == 422 and "LPR-XXXX-XXXX" in element(text_of(bad), "error-q")


def test_a_coordinator_narrows_to_an_agency_below_but_not_outside(client, staff, pump):
    filed = file_report(client, target_agency_id=DINKES_MKS, category="health")
    pump.drain()
    below = text_of(page(client, staff, f"/staff?agency={DINKES_MKS}"))
    assert filed["tracking_id"] in below
    elsewhere = page(client, staff, f"/staff?agency={DINKES_BDG}")
    assert elsewhere.status_code == 403 and filed["tracking_id"] not in text_of(elsewhere)
    # and the agency picker offers only the subtree
    html = text_of(page(client, staff, "/staff"))
    picker = re.search(r'<select id="agency".*?</select>', html, re.S).group(0)
    assert DINKES_MKS in picker and PUPR_MKS in picker
    assert DINKES_BDG not in picker and JABAR not in picker and SULSEL not in picker


def test_the_report_page_offers_the_actions_this_account_may_take(client, staff):
    filed = file_report(client)
    coordinator = text_of(page(client, staff, f"/staff/reports/{filed['tracking_id']}"))
    assert 'id="action-forward"' in coordinator and 'id="action-reject"' in coordinator
    assert 'id="action-request_info"' in coordinator and 'id="action-respond"' not in coordinator
    picker = re.search(r'<select id="agency-forward".*?</select>', coordinator, re.S).group(0)
    assert DINKES_MKS in picker and DINKES_BDG not in picker
    # An officer of another agency does not see it at all
    other = page(client, staff, f"/staff/reports/{filed['tracking_id']}", "officer", DINKES_BDG)
    assert other.status_code == 403 and "Lampu" not in text_of(other)


def test_forward_then_respond_then_resolve_with_plain_form_posts(client, staff):
    filed = file_report(client)
    tid = filed["tracking_id"]
    view = text_of(page(client, staff, f"/staff/reports/{tid}"))
    version = re.search(r'name="version" value="(\d+)"', view).group(1)
    # The coordinator forwards it to the health office
    done = post(client, staff, f"/staff/reports/{tid}", {"action": "forward", "agency_id": DINKES_MKS,
                                                       "version": version, "note": ""})
    assert done.status_code == 303 and done.headers["Location"].endswith("?done=forward#done-forward")
    # The officer answers without a note: the error is by the note, and what was typed stays
    officer = text_of(page(client, staff, f"/staff/reports/{tid}", "officer", DINKES_MKS))
    version = re.search(r'name="version" value="(\d+)"', officer).group(1)
    refused = post(client, staff, f"/staff/reports/{tid}", {"action": "respond", "note": " ", "version": version},
                   "officer", DINKES_MKS)
    assert refused.status_code == 422
    assert element(text_of(refused), "error-note-respond") == "Tuliskan tanggapan Anda."
    ok = post(client, staff, f"/staff/reports/{tid}", {"action": "respond", "note": "Sedang kami periksa.",
                                                     "version": version}, "officer", DINKES_MKS)
    assert ok.status_code == 303
    html = text_of(page(client, staff, f"/staff/reports/{tid}?done=respond", "officer", DINKES_MKS))
    assert element(html, "status-label") == "Ditindaklanjuti" and "Tanggapan Anda sudah terkirim." in html
    assert "Sedang kami periksa." in element(html, "timeline")


def test_a_stale_form_is_a_409_showing_the_report_as_it_is_now(client, staff, pump):
    filed = file_report(client, target_agency_id=DINKES_MKS, category="health")
    pump.drain()
    tid = filed["tracking_id"]
    html = text_of(page(client, staff, f"/staff/reports/{tid}", "officer", DINKES_MKS))
    seen = re.search(r'name="version" value="(\d+)"', html).group(1)
    # Someone else responds first (through the API)
    assert act(client, staff.headers("officer", DINKES_MKS), tid, "respond", note="Kami tangani.").status_code == 200
    # Then this officer's form, made from the older page, is refused and the page shows the new state
    late = post(client, staff, f"/staff/reports/{tid}", {"action": "request_info", "note": "Di mana persisnya?",
                                                       "version": seen}, "officer", DINKES_MKS)
    html = text_of(late)
    assert late.status_code == 409
    assert "Orang lain baru saja menindaklanjuti laporan ini." in element(html, "conflict")
    assert element(html, "status-label") == "Ditindaklanjuti" and "Kami tangani." in element(html, "timeline")
    assert "Di mana persisnya?" in html  # what was typed is kept


def test_the_verification_queue_is_for_coordinators(client, staff):
    filed = file_report(client)
    html = text_of(page(client, staff, "/staff/queue"))
    assert filed["tracking_id"] in html
    officer = page(client, staff, "/staff/queue", "officer", DINKES_MKS)
    assert officer.status_code == 403


def test_the_scorecards_with_words_for_each_metric(client, staff, pump):
    file_report(client, target_agency_id=DINKES_MKS, category="health")
    pump.drain()
    html = text_of(page(client, staff, "/staff/dashboard"))
    assert element(html, "agency-name") == "Pemerintah Kota Makassar"
    assert "Dari tanggapan pertama yang sudah diberikan" in html
    assert 'aria-sort="descending"' in html and "Dinas Kesehatan Kota Makassar" in element(html, "agencies")
    assert re.search(r"(Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", element(html, "table-monthly"))


def test_the_admin_pages_by_role(client, staff):
    assert page(client, staff, "/staff/admin/users").status_code == 200
    assert page(client, staff, "/staff/admin/keys").status_code == 403
    assert page(client, staff, "/staff/admin/users", "officer", DINKES_MKS).status_code == 403
    national = {"role": "national_admin", "agency": "kemenpanrb"}
    for path in ("/staff/admin/keys", "/staff/admin/agencies?q=makassar", f"/staff/admin/agencies/{DINKES_MKS}",
                 "/staff/admin/rules?region=73.71"):
        assert page(client, staff, path, **national).status_code == 200, path


def test_an_api_key_is_issued_and_shown_once(client, staff):
    national = {"role": "national_admin", "agency": "kemenpanrb"}
    issued = post(client, staff, "/staff/admin/keys", {"operation": "issue", "role": "officer",
                                                      "agency_id": DINKES_MKS, "label": "SIMPUS"}, **national)
    html = text_of(issued)
    assert issued.status_code == 201 and element(html, "new-key").startswith("lpr_")
    again = text_of(page(client, staff, f"/staff/admin/keys?agency={DINKES_MKS}", **national))
    assert element(html, "new-key") not in again and "SIMPUS" in again


@pytest.mark.parametrize("path", ["/staff", "/staff/queue", "/staff/dashboard", "/staff/admin/users"])
def test_pages_carry_no_inline_script(client, staff, path):
    html = text_of(page(client, staff, path))
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))


@pytest.mark.parametrize(("path", "fields"), [
    ("/staff?agency=" + "x" * 3000, None),
    ("/staff?agency=NOT%20A%20SLUG&sort=urgent&page=-3", None),
    ("/staff?status=lost&from=2026-13-45&cursor=%7B%7D", None),
    ("/staff/dashboard?agency=" + "y" * 300, None),
    ("/staff/admin/keys?agency=" + "z" * 3000, None),
    ("/staff/admin/rules?region=" + "9" * 3000, None),
    ("/staff/admin/agencies/" + "a" * 300, None),
    ("/staff/reports/" + "L" * 300, None),
    ("/staff/admin/keys", {"operation": "revoke", "key_id": "k" * 3000}),
    ("/staff/admin/rules", {"operation": "delete", "region_code": "r" * 3000, "category": "health"}),
    ("/staff/admin/agencies/" + "b" * 300, {"emails": "a@b.id"}),
    ("/staff/reports/LPR-2345-6789", {"action": "forward", "agency_id": "q" * 3000, "version": "1"}),
])
def test_junk_in_any_parameter_is_a_4xx_page_never_a_500(client, staff, path, fields):
    national = {"role": "national_admin", "agency": "kemenpanrb"}
    response = page(client, staff, path, **national) if fields is None else post(client, staff, path, fields,
                                                                                   **national)
    assert 400 <= response.status_code < 500, (response.status_code, text_of(response)[:300])
    assert response.headers["Content-Type"].startswith("text/html")


def test_users_page_refuses_junk_user_ids(client, staff):
    response = post(client, staff, "/staff/admin/users", {"operation": "disable", "user_id": "u" * 3000})
    assert response.status_code == 422


def test_the_national_admin_edits_an_agencys_contacts(client, staff):
    national = {"role": "national_admin", "agency": "kemenpanrb"}
    path = f"/staff/admin/agencies/{PUPR_MKS}"
    saved = post(client, staff, path, {"emails": "pupr@makassarkota.go.id\nhumas.pupr@makassarkota.go.id",
                                       "webhook_url": "", "notify": "daily"}, **national)
    assert saved.status_code == 303
    html = text_of(page(client, staff, path + "?saved=1", **national))
    assert "humas.pupr@makassarkota.go.id" in element(html, "emails") and 'id="notify-daily" name="notify" ' \
        'value="daily" checked' in html
    refused = post(client, staff, path, {"emails": "not-an-address", "notify": "daily"}, **national)
    assert refused.status_code == 422 and element(text_of(refused), "error-emails")
