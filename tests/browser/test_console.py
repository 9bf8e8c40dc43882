"""The staff console in a real browser (headless Chromium) against the local stack (SPEC §10):
sign in with password + TOTP, work the inbox, open reports and take every kind of action, with and
without JavaScript, on a 360 px phone and a desktop, by keyboard alone; axe-core finds no WCAG 2.1
A/AA violation on any console page; a 409 race is shown as it is; a coordinator never sees or
picks an agency outside their subtree."""

from __future__ import annotations

import time

import pytest

from devtools import totp
from tests.factories import valid_report

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

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


def test_sign_in_with_password_and_totp_then_out(page, stack, axe):
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
