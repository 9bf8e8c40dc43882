"""Staff sign-in against moto's Cognito (SPEC §10): every challenge path, the session cookie, expiry
(idle and absolute, on the test clock), sign-out, disable, role change, CSRF, bad input and attacks.
Each refusal is a clear 4xx in the error shape and changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from devtools import totp
from tests.accounts import COOKIE, cookie_headers, set_cookie_value
from tests.fixtures import body
from tests.staff import DINKES_BDG, DINKES_MKS, MAKASSAR, act, file_report


def post(client, path, payload, headers=None):
    return client.http.post(path, headers={"Content-Type": "application/json", **(headers or {})},
                            body=json.dumps(payload))


def sign_in_steps(client, email, password, secret):
    """Password, then the TOTP code: the cookie value and the session answer."""
    first = post(client, "/staff/session", {"email": email, "password": password})
    assert first.status_code == 200, first.body
    step = body(first)
    assert step["challenge"] == "SOFTWARE_TOKEN_MFA" and set(step) == {"challenge", "challenge_session"}
    done = post(client, "/staff/session/challenge", {"challenge_session": step["challenge_session"],
                                                     "challenge": "SOFTWARE_TOKEN_MFA", "code": totp.code(secret)})
    assert done.status_code == 201, done.body
    return set_cookie_value(done), body(done)


def browser(cookie, csrf=None):
    headers = {"Cookie": f"{COOKIE}={cookie}", "Content-Type": "application/json"}
    if csrf:
        headers["X-CSRF-Token"] = csrf
    return headers


def test_a_new_account_goes_from_invitation_to_signed_in(client, staff):
    # Given the national admin creates an officer's account (the local stage answers the temporary password)
    email = "baru.petugas@dinkes.makassar.go.id"
    created = post(client, "/admin/users", {"email": email, "name": "Petugas Baru", "role": "officer",
                                            "agency_id": DINKES_MKS}, staff.national())
    assert created.status_code == 201, created.body
    account = body(created)
    assert account["status"] == "FORCE_CHANGE_PASSWORD" and account["email"] == email
    # When the officer signs in with it, a new password is asked for
    first = post(client, "/staff/session", {"email": email, "password": account["temporary_password"]})
    assert first.status_code == 200 and body(first)["challenge"] == "NEW_PASSWORD_REQUIRED"
    # (a password that breaks the policy is a 422 on the field, and the same step may be answered again)
    weak = post(client, "/staff/session/challenge", {**_step(first), "new_password": "pendek"})
    assert weak.status_code == 422 and "new_password" in body(weak)["error"]["fields"]
    second = post(client, "/staff/session/challenge", {**_step(first), "new_password": "Sangat-Rahasia-2026"})
    assert second.status_code == 200, second.body
    # Then TOTP is set up: the secret and an otpauth URI for the authenticator app
    setup = body(second)
    assert setup["challenge"] == "MFA_SETUP"
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={setup['secret_code']}" in setup["otpauth_uri"]
    # A wrong code keeps the step open; the right one signs in with the cookie
    wrong = post(client, "/staff/session/challenge", {**_step(second), "code": totp.wrong_code(setup["secret_code"])})
    assert wrong.status_code == 401 and body(wrong)["error"]["code"] == "wrong_code"
    done = post(client, "/staff/session/challenge", {**_step(second), "code": totp.code(setup["secret_code"])})
    assert done.status_code == 201, done.body
    session = body(done)
    assert session["role"] == "officer" and session["agency_id"] == DINKES_MKS and session["name"] == "Petugas Baru"
    assert set(session) >= {"role", "agency_id", "name", "csrf_token"}
    cookie_header = done.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert attribute in cookie_header
    # And the cookie alone reads who is signed in, and the inbox
    cookie = set_cookie_value(done)
    me = client.http.get("/staff/session", headers=browser(cookie))
    assert me.status_code == 200 and body(me)["email"] == email and body(me)["expires_at"]
    assert client.http.get("/agency/complaints", headers=browser(cookie)).status_code == 200
    # And the next sign-in asks for the TOTP code only
    password_again = post(client, "/staff/session", {"email": email, "password": "Sangat-Rahasia-2026"})
    assert body(password_again)["challenge"] == "SOFTWARE_TOKEN_MFA"


def _step(response):
    step = body(response)
    return {"challenge_session": step["challenge_session"], "challenge": step["challenge"]}


def test_wrong_password_and_unknown_email_get_the_same_401(client, accounts):
    account = accounts.account("officer", DINKES_MKS)
    wrong = post(client, "/staff/session", {"email": account["email"], "password": "Salah-Sekali-123"})
    unknown = post(client, "/staff/session", {"email": "tidak.ada@example.go.id", "password": "Salah-Sekali-123"})
    assert wrong.status_code == unknown.status_code == 401
    assert body(wrong) == body(unknown)
    assert "Set-Cookie" not in wrong.headers


@pytest.mark.parametrize("payload", [{}, {"email": "a@b.go.id"}, {"email": 5, "password": "x"},
                                     {"email": "a@b.go.id", "password": "x", "role": "national_admin"}])
def test_a_malformed_sign_in_is_422(client, payload):
    response = post(client, "/staff/session", payload)
    assert response.status_code == 422 and body(response)["error"]["code"] == "validation_error"


def test_a_used_challenge_session_cannot_be_replayed(client, accounts):
    account = accounts.account("officer", DINKES_MKS)
    first = post(client, "/staff/session", {"email": account["email"], "password": account["password"]})
    answer = {**_step(first), "code": totp.code(account["totp_secret"])}
    assert post(client, "/staff/session/challenge", answer).status_code == 201
    replayed = post(client, "/staff/session/challenge", answer)
    assert replayed.status_code == 401 and "Set-Cookie" not in replayed.headers
    assert body(replayed)["error"]["code"] == "unauthorized"


def test_a_made_up_or_mismatched_challenge_session_is_refused(client, accounts):
    account = accounts.account("officer", DINKES_MKS)
    forged = post(client, "/staff/session/challenge", {"challenge_session": "A" * 43, "challenge": "SOFTWARE_TOKEN_MFA",
                                                       "code": "123456"})
    assert forged.status_code == 401
    first = post(client, "/staff/session", {"email": account["email"], "password": account["password"]})
    # the step is SOFTWARE_TOKEN_MFA; answering it as another challenge changes nothing
    other = post(client, "/staff/session/challenge", {"challenge_session": body(first)["challenge_session"],
                                                      "challenge": "NEW_PASSWORD_REQUIRED",
                                                      "new_password": "Ganti-Sandi-Diam2026"})
    assert other.status_code == 401
    still = post(client, "/staff/session/challenge", {**_step(first), "code": totp.code(account["totp_secret"])})
    assert still.status_code == 201
    assert post(client, "/staff/session", {"email": account["email"],
                                           "password": account["password"]}).status_code == 200  # password kept


def test_wrong_totp_codes_run_out(client, accounts):
    account = accounts.account("officer", DINKES_MKS)
    first = post(client, "/staff/session", {"email": account["email"], "password": account["password"]})
    wrong = {**_step(first), "code": totp.wrong_code(account["totp_secret"])}
    answers = [post(client, "/staff/session/challenge", wrong).status_code for _ in range(5)]
    assert answers == [401] * 5
    right = post(client, "/staff/session/challenge", {**_step(first), "code": totp.code(account["totp_secret"])})
    assert right.status_code == 401 and body(right)["error"]["code"] == "unauthorized"  # sign in again


def test_a_signed_in_officer_acts_with_the_cookie_and_the_csrf_token(client, accounts, pump):
    # Given an officer signed in with password and TOTP, and a report in their agency
    account = accounts.account("officer", DINKES_MKS)
    cookie, session = sign_in_steps(client, account["email"], account["password"], account["totp_secret"])
    receipt = file_report(client, category="health")
    pump.drain()
    tid = receipt["tracking_id"]
    # When they act without the CSRF token, or with another one: 403 csrf_failed and nothing changes
    for headers in (browser(cookie), browser(cookie, "x" * 43)):
        refused = act(client, headers, tid, "respond", note="Sudah dicek")
        assert refused.status_code == 403 and body(refused)["error"]["code"] == "csrf_failed"
    view = body(client.http.get(f"/agency/complaints/{tid}", headers=browser(cookie)))
    assert view["status"] == "forwarded"
    # Then with the token it works, and the timeline names the account
    done = act(client, browser(cookie, session["csrf_token"]), tid, "respond", note="Sudah dicek")
    assert done.status_code == 200, done.body
    timeline = body(client.http.get(f"/agency/complaints/{tid}", headers=browser(cookie)))["timeline"]
    responded = [e for e in timeline if e["type"] == "responded"]
    assert responded[0]["acted_by"] == {"user_id": account["user_id"], "name": "Petugas " + DINKES_MKS}
    # And the public timeline does not name staff
    public = body(client.http.get(f"/complaints/{tid}/timeline"))
    assert public["events"] and all("acted_by" not in e for e in public["events"])
    assert account["user_id"] not in json.dumps(public)


def test_the_timeline_names_the_api_key_that_acted(client, staff, pump):
    receipt = file_report(client, category="health")
    pump.drain()
    issued = body(post(client, "/admin/keys", {"role": "officer", "agency_id": DINKES_MKS, "label": "sistem dinkes"},
                       staff.national()))
    headers = {"Authorization": f"Bearer {issued['key']}", "Content-Type": "application/json"}
    assert act(client, headers, receipt["tracking_id"], "respond", note="Diterima sistem").status_code == 200
    timeline = body(client.http.get(f"/agency/complaints/{receipt['tracking_id']}", headers=headers))["timeline"]
    assert [e["acted_by"] for e in timeline if e["type"] == "responded"] == [
        {"key_id": issued["key_id"], "label": "sistem dinkes"}]


def test_another_regions_officer_cannot_read_the_report(client, accounts, pump):
    receipt = file_report(client, category="health")
    pump.drain()
    other = cookie_headers(accounts.session("officer", DINKES_BDG))
    response = client.http.get(f"/agency/complaints/{receipt['tracking_id']}", headers=other)
    assert response.status_code == 403 and receipt["tracking_id"] not in response.body.decode()


def test_sign_out_ends_the_session_at_once(client, accounts):
    session = accounts.session("officer", DINKES_MKS)
    headers = cookie_headers(session)
    assert client.http.get("/agency/complaints", headers=headers).status_code == 200
    # signing out needs the CSRF token too
    no_token = client.http.delete("/staff/session", headers=cookie_headers(session, csrf=False))
    assert no_token.status_code == 403 and body(no_token)["error"]["code"] == "csrf_failed"
    out = client.http.delete("/staff/session", headers=headers)
    assert out.status_code == 204 and "Max-Age=0" in out.headers["Set-Cookie"]
    assert client.http.get("/agency/complaints", headers=headers).status_code == 401
    assert client.http.get("/staff/session", headers=headers).status_code == 401
    assert client.http.delete("/staff/session", headers=headers).status_code == 204  # already out: fine


def test_a_session_ends_after_30_idle_minutes(client, accounts, clock_at):
    from chalicelib.adapters import clock

    start = clock.now()
    session = accounts.session("officer", DINKES_MKS)
    headers = cookie_headers(session)
    # active every 25 minutes: still signed in after 50 minutes
    for minutes in (25, 50):
        clock_at(start + timedelta(minutes=minutes))
        assert client.http.get("/staff/session", headers=headers).status_code == 200, minutes
    # then 31 minutes of nothing: gone
    clock_at(start + timedelta(minutes=81))
    response = client.http.get("/agency/complaints", headers=headers)
    assert response.status_code == 401 and body(response)["error"]["code"] == "unauthorized"


def test_a_session_ends_after_12_hours_however_active(client, accounts, clock_at):
    from chalicelib.adapters import clock

    start = clock.now()
    headers = cookie_headers(accounts.session("officer", DINKES_MKS))
    for minutes in range(20, 12 * 60, 20):
        clock_at(start + timedelta(minutes=minutes))
        assert client.http.get("/staff/session", headers=headers).status_code == 200, minutes
    clock_at(start + timedelta(hours=12, minutes=1))
    assert client.http.get("/staff/session", headers=headers).status_code == 401


@pytest.mark.parametrize("cookie", ["", "x", "A" * 43, "A" * 43 + "; other=1", "../../etc", "é" * 43])
def test_a_forged_cookie_is_401(client, cookie):
    response = client.http.get("/agency/complaints", headers={"Cookie": f"{COOKIE}={cookie}"})
    assert response.status_code == 401 and body(response)["error"]["code"] == "unauthorized"


def test_disabling_an_account_ends_its_sessions_and_its_sign_in(client, staff, accounts):
    account = accounts.new("officer", DINKES_MKS)
    session = accounts.sign_in(account)
    headers = cookie_headers(session)
    assert client.http.get("/agency/complaints", headers=headers).status_code == 200
    disabled = client.http.patch(f"/admin/users/{account['user_id']}", headers=staff.national(),
                                 body=json.dumps({"enabled": False}))
    assert disabled.status_code == 200 and body(disabled)["enabled"] is False
    assert client.http.get("/agency/complaints", headers=headers).status_code == 401
    again = post(client, "/staff/session", {"email": account["email"], "password": account["password"]})
    assert again.status_code == 401
    assert body(again) == body(post(client, "/staff/session", {"email": "x@y.go.id", "password": "Salah-123456"}))


def test_a_role_change_ends_the_session_and_the_next_one_has_the_new_role(client, staff, accounts):
    account = accounts.new("officer", MAKASSAR)
    headers = cookie_headers(accounts.sign_in(account))
    changed = client.http.patch(f"/admin/users/{account['user_id']}", headers=staff.national(),
                                body=json.dumps({"role": "coordinator"}))
    assert changed.status_code == 200 and body(changed)["role"] == "coordinator"
    assert client.http.get("/agency/complaints", headers=headers).status_code == 401
    assert accounts.sign_in(account).role == "coordinator"


def test_racing_answers_to_one_challenge_make_one_session(accounts):
    import threading

    from chalicelib.adapters import clock
    from chalicelib.errors import Unauthorized
    from chalicelib.services import sessions

    # Given one sign-in step, answered by five requests at the same moment with the right code
    account = accounts.account("officer", DINKES_MKS)
    step = sessions.start(account["email"], account["password"], now=clock.now())
    code = totp.code(account["totp_secret"])
    start, results = threading.Barrier(5), []

    def answer() -> None:
        start.wait()
        try:
            results.append(sessions.answer(step.challenge_session, step.challenge, code=code, now=clock.now()))
        except Unauthorized as error:
            results.append(error)

    threads = [threading.Thread(target=answer) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then exactly one of them signed in; the others were told to sign in again
    signed_in = [r for r in results if isinstance(r, sessions.StaffSession)]
    assert len(signed_in) == 1 and len(results) == 5
    assert all(isinstance(r, Unauthorized) for r in results if r is not signed_in[0])


def test_sign_in_attempts_from_one_address_are_limited(client, accounts, monkeypatch, clock_at):
    import dataclasses
    import secrets
    from datetime import UTC, datetime

    from chalicelib.config import get_settings
    from chalicelib.services import limits

    # Given a limit of 3 sign-in steps an hour per address, in a fresh hour
    settings = dataclasses.replace(get_settings(), sign_ins_per_hour_per_address=3)
    monkeypatch.setattr(limits, "get_settings", lambda: settings)
    clock_at(datetime(2032, 1, 1, tzinfo=UTC) + timedelta(days=secrets.randbelow(3000), hours=3, minutes=5))
    account = accounts.account("officer", DINKES_MKS)
    # When someone guesses passwords: three answers, then 429 with Retry-After, even for the right one
    guesses = [post(client, "/staff/session", {"email": account["email"], "password": f"Tebakan-{n}-2026"})
               for n in range(3)]
    assert [g.status_code for g in guesses] == [401, 401, 401]
    limited = post(client, "/staff/session", {"email": account["email"], "password": account["password"]})
    assert limited.status_code == 429 and body(limited)["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    # and TOTP guesses count the same
    answer = post(client, "/staff/session/challenge", {"challenge_session": "A" * 43, "challenge": "SOFTWARE_TOKEN_MFA",
                                                       "code": "123456"})
    assert answer.status_code == 429
