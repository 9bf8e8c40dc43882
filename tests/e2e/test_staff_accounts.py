"""Over HTTP against the running local stack: staff sign in as people (SPEC §10).

The demo accounts in ``.local/demo-credentials.json`` sign in with their password and a TOTP code
computed from their secret, then work with the session cookie alone."""

from __future__ import annotations

import pytest

from devtools import totp
from tests.factories import valid_report
from tests.stack import wait_for

pytestmark = pytest.mark.e2e

DINKES_MKS = "dinas-kesehatan-kota-makassar"
DINKES_BDG = "dinas-kesehatan-kota-bandung"


def test_every_demo_staff_entry_has_an_account(stack):
    for member in stack.credentials["staff"]:
        assert member["email"] and member["password"] and member["totp_secret"], member["agency_id"]
        assert len(member["password"]) >= 12 and len(totp.code(member["totp_secret"])) == 6


def test_an_officer_signs_in_and_works_the_inbox_with_the_cookie_alone(stack):
    # Given a health report for Kota Makassar, routed to Dinas Kesehatan
    tid = stack.post("/complaints", json=valid_report(category="health")).json()["tracking_id"]
    # When its officer signs in with password and TOTP
    officer = stack.sign_in("officer", DINKES_MKS)
    me = stack.get("/staff/session", headers=officer).json()
    assert me["role"] == "officer" and me["agency_id"] == DINKES_MKS
    # Then the report is in their inbox, and they act on it with the CSRF token
    assert wait_for(lambda: [c for c in stack.get("/agency/complaints", headers=officer).json()["complaints"]
                             if c["tracking_id"] == tid and c["status"] == "forwarded"])
    refused = stack.post(f"/agency/complaints/{tid}/actions", headers={"Cookie": officer["Cookie"]},
                         json={"action": "respond", "note": "Sedang ditinjau"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    done = stack.post(f"/agency/complaints/{tid}/actions", headers=officer,
                      json={"action": "respond", "note": "Sedang ditinjau"})
    assert done.status_code == 200 and done.json()["status"] == "in_progress"
    # And the staff view's timeline names the account that acted
    timeline = stack.get(f"/agency/complaints/{tid}", headers=officer).json()["timeline"]
    acted = [e["acted_by"] for e in timeline if e["type"] == "responded"]
    assert acted and acted[0]["name"] == me["name"] and acted[0]["user_id"]
    # And another region's officer, signed in the same way, cannot see it
    other = stack.sign_in("officer", DINKES_BDG)
    assert stack.get(f"/agency/complaints/{tid}", headers=other).status_code == 403
    # And signing out ends access on the next request
    assert stack.http.delete(stack.url("/staff/session"), headers=officer, timeout=30).status_code == 204
    assert stack.get("/agency/complaints", headers=officer).status_code == 401


def test_a_new_account_from_invitation_to_signed_in_and_disabled(stack):
    admin = stack.sign_in("national_admin", "kemenpanrb")
    # Given the national admin invites an officer (the local stage answers the temporary password)
    made = stack.post("/admin/users", headers=admin, json={
        "email": "e2e.officer@dinkes.makassar.go.id", "name": "Petugas E2E", "role": "officer",
        "agency_id": DINKES_MKS})
    assert made.status_code == 201, made.text
    account = made.json()
    # When the officer signs in: a new password, then TOTP set-up, then signed in
    step = stack.post("/staff/session", json={"email": account["email"],
                                              "password": account["temporary_password"]}).json()
    assert step["challenge"] == "NEW_PASSWORD_REQUIRED"
    step = stack.post("/staff/session/challenge", json={**step, "new_password": "Petugas-E2E-2026"}).json()
    assert step["challenge"] == "MFA_SETUP" and step["otpauth_uri"].startswith("otpauth://totp/")
    done = stack.post("/staff/session/challenge", json={"challenge_session": step["challenge_session"],
                                                        "challenge": "MFA_SETUP",
                                                        "code": totp.code(step["secret_code"])})
    assert done.status_code == 201, done.text
    officer = {"Cookie": done.headers["Set-Cookie"].split(";", 1)[0]}
    assert stack.get("/agency/complaints", headers=officer).status_code == 200
    # Then the admin disables the account, and its very next request is refused
    disabled = stack.http.patch(stack.url(f"/admin/users/{account['user_id']}"), headers=admin,
                                json={"enabled": False}, timeout=30)
    assert disabled.status_code == 200
    assert stack.get("/agency/complaints", headers=officer).status_code == 401
    again = stack.post("/staff/session", json={"email": account["email"], "password": "Petugas-E2E-2026"})
    assert again.status_code == 401
