"""Account management (SPEC §10 ``/admin/users``) against moto's Cognito: who may manage whom, what
a change does to the account's sessions, and that a refusal changes nothing."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests.accounts import cookie_headers
from tests.fixtures import body
from tests.staff import BANDUNG, DINKES_MKS, MAKASSAR, SULSEL


def post(client, path, payload, headers):
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(payload))


def patch(client, path, payload, headers):
    return client.http.patch(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(payload))


def new_account(role="officer", agency_id=DINKES_MKS, email=None):
    import secrets

    return {"email": email or f"akun.{secrets.token_hex(4)}@lapor.go.id", "name": "Petugas Uji", "role": role,
            "agency_id": agency_id}


def listed(client, headers, agency_id):
    response = client.http.get(f"/admin/users?agency_id={agency_id}", headers=headers)
    assert response.status_code == 200, response.body
    return {u["email"]: u for u in body(response)["users"]}


def test_a_coordinator_manages_the_accounts_of_their_agency_and_below(client, accounts):
    # Given the coordinator of Kota Makassar, signed in
    coordinator = accounts.headers("coordinator", MAKASSAR)
    # When they create an officer of a unit below them, and a coordinator of their own agency
    for payload in (new_account("officer", DINKES_MKS), new_account("coordinator", MAKASSAR)):
        created = post(client, "/admin/users", payload, coordinator)
        assert created.status_code == 201, created.body
        assert body(created)["status"] == "FORCE_CHANGE_PASSWORD" and body(created)["user_id"]
        # Then the account is listed under its agency
        assert listed(client, coordinator, payload["agency_id"])[payload["email"]]["role"] == payload["role"]


@pytest.mark.parametrize(("role", "agency_id"), [("officer", SULSEL), ("coordinator", SULSEL),
                                                 ("officer", BANDUNG), ("national_admin", "kemenpanrb"),
                                                 ("national_admin", MAKASSAR)])
def test_a_coordinator_cannot_create_an_account_above_or_beside_their_agency(client, accounts, staff, role,
                                                                             agency_id):
    coordinator = accounts.headers("coordinator", MAKASSAR)
    payload = new_account(role, agency_id)
    refused = post(client, "/admin/users", payload, coordinator)
    assert refused.status_code in {403, 422}, refused.body
    assert refused.status_code == 403 or body(refused)["error"]["fields"] == {
        "agency_id": "a national_admin belongs to the national agency"}
    # nothing was made: not listed, and the e-mail is still free for the national admin
    assert payload["email"] not in listed(client, staff.national(), agency_id)
    if role != "national_admin" or agency_id == "kemenpanrb":
        assert post(client, "/admin/users", payload, staff.national()).status_code == 201


def test_an_officer_manages_no_accounts(client, accounts):
    officer = accounts.headers("officer", DINKES_MKS)
    assert post(client, "/admin/users", new_account(), officer).status_code == 403
    assert client.http.get(f"/admin/users?agency_id={DINKES_MKS}", headers=officer).status_code == 403


def test_a_coordinator_cannot_list_or_change_accounts_outside_their_scope(client, accounts, staff):
    made = body(post(client, "/admin/users", new_account("officer", "dinas-kesehatan-kota-bandung"), staff.national()))
    coordinator = accounts.headers("coordinator", MAKASSAR)
    assert client.http.get(f"/admin/users?agency_id={BANDUNG}", headers=coordinator).status_code == 403
    assert client.http.get(f"/admin/users?agency_id={SULSEL}", headers=coordinator).status_code == 403
    for change in ({"enabled": False}, {"role": "coordinator"}, {"agency_id": DINKES_MKS}):
        assert patch(client, f"/admin/users/{made['user_id']}", change, coordinator).status_code == 403
    assert post(client, f"/admin/users/{made['user_id']}/reset-mfa", {}, coordinator).status_code == 403
    # moving an account of their own scope above it is refused too
    mine = body(post(client, "/admin/users", new_account("officer", DINKES_MKS), coordinator))
    assert patch(client, f"/admin/users/{mine['user_id']}", {"agency_id": SULSEL}, coordinator).status_code == 403
    assert patch(client, f"/admin/users/{mine['user_id']}", {"role": "national_admin"}, coordinator).status_code == 403
    after = listed(client, staff.national(), DINKES_MKS)[mine["email"]]
    assert after["role"] == "officer" and after["enabled"] is True


def test_bad_account_input_is_422_and_a_taken_email_is_409(client, staff):
    national = staff.national()
    for payload in ({"email": "bukan-email", "name": "X Y", "role": "officer", "agency_id": DINKES_MKS},
                    {**new_account(), "role": "admin"}, {**new_account(), "agency_id": "tidak-ada"},
                    {**new_account(), "extra": 1}, {"email": "a@b.go.id"}):
        response = post(client, "/admin/users", payload, national)
        assert response.status_code == 422, (payload, response.body)
    taken = new_account()
    assert post(client, "/admin/users", taken, national).status_code == 201
    again = post(client, "/admin/users", taken, national)
    assert again.status_code == 409 and body(again)["error"]["fields"] == {"email": "already has an account"}
    assert patch(client, "/admin/users/no-such-user", {"enabled": False}, national).status_code == 404
    assert patch(client, "/admin/users/x", {"enabled": "maybe"}, national).status_code == 422
    # odd names, ids and agencies are 4xx, never a 500
    odd_name = post(client, "/admin/users", {**new_account(), "name": "Petugas \u202eUji"}, national)
    assert odd_name.status_code == 422 and "name" in body(odd_name)["error"]["fields"]
    assert patch(client, "/admin/users/" + "x" * 300, {"enabled": False}, national).status_code == 404
    assert post(client, "/admin/users/" + "x" * 300 + "/reset-mfa", {}, national).status_code == 404
    assert client.http.get("/admin/users?agency_id=" + "x" * 3000, headers=national).status_code == 422
    assert client.http.get("/admin/users?agency_id=Bad%20Slug", headers=national).status_code == 422


def test_nobody_changes_their_own_access(client, accounts):
    account = accounts.new("coordinator", MAKASSAR)
    headers = cookie_headers(accounts.sign_in(account))
    for change in ({"enabled": False}, {"role": "officer"}, {"agency_id": DINKES_MKS}):
        response = patch(client, f"/admin/users/{account['user_id']}", change, headers)
        assert response.status_code == 403, change
    assert client.http.get("/staff/session", headers=headers).status_code == 200


def test_moving_an_account_to_another_agency_ends_its_sessions_and_gives_the_new_scope(client, staff, accounts):
    account = accounts.new("officer", DINKES_MKS)
    headers = cookie_headers(accounts.sign_in(account))
    moved = patch(client, f"/admin/users/{account['user_id']}", {"agency_id": "dinas-pupr-kota-makassar"},
                  staff.national())
    assert moved.status_code == 200 and body(moved)["agency_id"] == "dinas-pupr-kota-makassar"
    assert client.http.get("/agency/complaints", headers=headers).status_code == 401
    assert accounts.sign_in(account).agency_id == "dinas-pupr-kota-makassar"


def test_a_name_change_keeps_the_session(client, staff, accounts):
    account = accounts.new("officer", DINKES_MKS)
    headers = cookie_headers(accounts.sign_in(account))
    renamed = patch(client, f"/admin/users/{account['user_id']}", {"name": "Nama Baru"}, staff.national())
    assert renamed.status_code == 200 and body(renamed)["name"] == "Nama Baru"
    assert client.http.get("/staff/session", headers=headers).status_code == 200
    assert accounts.sign_in(account).name == "Nama Baru"


def test_reset_mfa_ends_the_sessions(client, staff, accounts):
    account = accounts.new("officer", DINKES_MKS)
    headers = cookie_headers(accounts.sign_in(account))
    reset = post(client, f"/admin/users/{account['user_id']}/reset-mfa", {}, staff.national())
    assert reset.status_code == 200 and body(reset)["sessions_ended"] == 1
    assert client.http.get("/staff/session", headers=headers).status_code == 401


def test_two_admins_changing_one_account_at_once_make_one_change(client, staff, accounts):
    from chalicelib.adapters import clock
    from chalicelib.domain.complaint import Actor
    from chalicelib.errors import StaleVersion
    from chalicelib.services import users

    account = accounts.new("officer", DINKES_MKS)
    national = Actor("national_admin", "kemenpanrb", ("kemenpanrb",))
    results: list[str] = []
    start = threading.Barrier(2)

    def change(name: str) -> None:
        start.wait()
        try:
            users.update(national, account["user_id"], {"name": name}, now=clock.now())
            results.append("ok")
        except StaleVersion:
            results.append("409")

    threads = [threading.Thread(target=change, args=(n,)) for n in ("Nama Satu", "Nama Dua")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "ok" in results and len(results) == 2
    final = listed(client, staff.national(), DINKES_MKS)[account["email"]]
    assert final["name"] in {"Nama Satu", "Nama Dua"}


def test_no_password_code_cookie_or_token_is_logged(client, staff, accounts, caplog, capsys):
    from devtools import totp

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="sp4n-lapor")  # the app's own lines, at every level
    made = body(post(client, "/admin/users", new_account(), staff.national()))
    first = post(client, "/staff/session", {"email": made["email"], "password": made["temporary_password"]}, {})
    step = body(first)
    step = body(post(client, "/staff/session/challenge", {**step, "new_password": "Rahasia-Sekali-2026"}, {}))
    code = totp.code(step["secret_code"])
    done = post(client, "/staff/session/challenge", {"challenge_session": step["challenge_session"],
                                                     "challenge": step["challenge"], "code": code}, {})
    assert done.status_code == 201
    cookie = done.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    secrets_seen = [made["temporary_password"], "Rahasia-Sekali-2026", step["challenge_session"], cookie,
                    body(done)["csrf_token"]]
    logged = caplog.text + capsys.readouterr().out
    for secret in secrets_seen:
        assert secret not in logged
    # and the account list never shows a password again
    assert made["temporary_password"] not in json.dumps(listed(client, staff.national(), DINKES_MKS))


def test_the_first_national_admin_comes_from_the_command_line(client, tables, capsys):
    from devtools import admin, totp

    # Given a new deployment's operator runs the command
    code = admin.main(["create-user", "--email", "Admin.Pertama@MenPAN.go.id", "--name", "Admin Pertama",
                       "--role", "national_admin", "--agency", "kemenpanrb"])
    assert code == 0
    made = json.loads(capsys.readouterr().out)
    assert made["email"] == "admin.pertama@menpan.go.id" and made["status"] == "FORCE_CHANGE_PASSWORD"
    # When the admin signs in: new password, TOTP set-up
    step = body(post(client, "/staff/session", {"email": made["email"], "password": made["temporary_password"]}, {}))
    step = body(post(client, "/staff/session/challenge", {**step, "new_password": "Admin-Pertama-2026"}, {}))
    done = post(client, "/staff/session/challenge", {"challenge_session": step["challenge_session"],
                                                     "challenge": "MFA_SETUP", "code": totp.code(step["secret_code"])},
                {})
    # Then they are the national admin and can make accounts anywhere
    assert done.status_code == 201 and body(done)["role"] == "national_admin"
    browser = {"Cookie": done.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": body(done)["csrf_token"]}
    assert post(client, "/admin/users", new_account("coordinator", BANDUNG), browser).status_code == 201
    # and a bad request from the command line is a message, not a trace
    assert admin.main(["create-user", "--email", "x@y.go.id", "--name", "X Y", "--role", "officer",
                       "--agency", "tidak-ada"]) == 2
    assert "unknown agency" in capsys.readouterr().err
