"""Helpers for tests of staff accounts: accounts made in moto's Cognito, signed in, as headers."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

COOKIE = "__Host-lapor-staff"


def cookie_headers(session: Any, *, csrf: bool = True) -> dict[str, str]:
    """What a browser sends for ``session``: the cookie (and the CSRF token a change needs)."""
    headers = {"Cookie": f"{COOKIE}={session.cookie}", "Content-Type": "application/json"}
    if csrf:
        headers["X-CSRF-Token"] = session.csrf_token
    return headers


def set_cookie_value(response: Any) -> str:
    """The session cookie's value from an answer's Set-Cookie."""
    header = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or ""
    name, _, rest = header.partition("=")
    assert name == COOKIE, header
    return rest.split(";", 1)[0]


class Accounts:
    """Accounts taken through their first sign-in (new password, TOTP set-up) once per test module."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, str], dict[str, str]] = {}

    def new(self, role: str, agency_id: str) -> dict[str, str]:
        from devtools.bootstrap import sign_up

        email = f"{role}.{secrets.token_hex(4)}@{agency_id}.test.lapor.go.id"
        return {**sign_up(email, f"Petugas {agency_id}", role, agency_id), "role": role, "agency_id": agency_id}

    def account(self, role: str, agency_id: str) -> dict[str, str]:
        if (role, agency_id) not in self.made:
            self.made[(role, agency_id)] = self.new(role, agency_id)
        return self.made[(role, agency_id)]

    def sign_in(self, account: dict[str, str]):
        from chalicelib.adapters import clock
        from chalicelib.services import sessions
        from devtools import totp

        step = sessions.start(account["email"], account["password"], now=clock.now())
        assert step.challenge == "SOFTWARE_TOKEN_MFA", step
        return sessions.answer(step.challenge_session, step.challenge, code=totp.code(account["totp_secret"]),
                               now=clock.now())

    def session(self, role: str, agency_id: str):
        return self.sign_in(self.account(role, agency_id))

    def headers(self, role: str, agency_id: str) -> dict[str, str]:
        return cookie_headers(self.session(role, agency_id))


@pytest.fixture(scope="module")
def accounts(tables) -> Accounts:
    """Per test module, like ``tables`` (each module starts from fresh tables: tests/isolation.py)."""
    return Accounts()
