"""The real local stack (``python -m devtools.stack``) on a free port, talked to over HTTP.

Shared by the end-to-end tests (``tests/e2e``) and the browser tests (``tests/browser``): one
stack per test session, started only when a test asks for ``stack``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, base_url: str, state: Path) -> None:
        self.base_url = base_url
        self.state = state
        self.http = requests.Session()

    @property
    def credentials(self) -> dict:
        return json.loads((self.state / "demo-credentials.json").read_text())

    def key(self, role: str, agency_id: str | None = None) -> str:
        for member in self.credentials["staff"]:
            if member["role"] == role and (agency_id is None or member["agency_id"] == agency_id):
                return member["key"]
        raise KeyError((role, agency_id))

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str, **kwargs):
        return self.http.get(self.url(path), timeout=30, **kwargs)

    def post(self, path: str, **kwargs):
        return self.http.post(self.url(path), timeout=30, **kwargs)

    def staff(self, role: str, agency_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key(role, agency_id)}"}

    def account(self, role: str, agency_id: str | None = None) -> dict:
        for member in self.credentials["staff"]:
            if member["role"] == role and (agency_id is None or member["agency_id"] == agency_id):
                return member
        raise KeyError((role, agency_id))

    def sign_in(self, role: str, agency_id: str | None = None) -> dict[str, str]:
        """A demo account signed in over HTTP with its password and TOTP code: the headers a browser
        sends (the session cookie, and the CSRF token a change needs)."""
        from devtools import totp

        member = self.account(role, agency_id)
        step = self.post("/staff/session", json={"email": member["email"], "password": member["password"]})
        assert step.status_code == 200 and step.json()["challenge"] == "SOFTWARE_TOKEN_MFA", step.text
        done = self.post("/staff/session/challenge", json={**step.json(), "code": totp.code(member["totp_secret"])})
        assert done.status_code == 201, done.text
        cookie = done.headers["Set-Cookie"].split(";", 1)[0]  # Secure: a client keeps it for https only
        return {"Cookie": cookie, "X-CSRF-Token": done.json()["csrf_token"]}


def wait_for(check, timeout: float = 20.0):
    """``check()``'s first truthy answer within ``timeout`` seconds, else its last answer (falsy):
    the stack's background functions (forwarder, notifier) act a moment after a request."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    state = Path(tempfile.mkdtemp(prefix="lapor-e2e-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_ENDPOINT_URL", "DEV_", "TABLE_PREFIX", "STAGE"))}
    log = open(state / "stack.log", "w")  # noqa: SIM115 - closed at the end of the session
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.stack", "--port", str(port), "--state-dir", str(state),
         "--sweep-every", "3600"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the local stack exited:\n" + (state / "stack.log").read_text())
        if (state / "demo-credentials.json").exists():
            try:
                if requests.get(base + "/categories", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
        time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError("the local stack did not come up:\n" + (state / "stack.log").read_text())
    yield Stack(base, state)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()
