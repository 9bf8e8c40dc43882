"""Security properties that must hold everywhere, not just where a feature test happened to look.

- The authorization matrix (``tests/integration/test_authorization.py``), again, over real HTTP
  against the local stack with its demo keys: every staff endpoint × every role × in/out of scope,
  unknown, malformed, missing and revoked keys.
- Reporter tokens and API keys are never logged and never answered again after their creation.
- An anonymous reporter's personal data is in no staff answer (inbox, staff view, actions, stats,
  CSV export) and in no message to an agency.
- Every endpoint that takes a body refuses one over 64 KB with 413 before reading it.
"""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest

from tests.factories import valid_report
from tests.fixtures import body
from tests.integration.test_authorization import ADMIN_ENDPOINTS, IN_SCOPE, ROLES, endpoints
from tests.staff import DINKES_MKS, MAKASSAR, SULSEL

# --- the authorization matrix over HTTP -----------------------------------------------------------


@pytest.fixture(scope="module")
def stack_report(stack):
    """An anonymous health report in Kota Makassar, forwarded by the stack's own forwarder."""
    response = stack.post("/complaints", json=valid_report(
        category="health", anonymous=True, reporter={"name": "Anonim Rahasia", "email": "anon-http@example.com"}))
    assert response.status_code == 201
    receipt = response.json()
    national = stack.staff("national_admin")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        view = stack.get(f"/agency/complaints/{receipt['tracking_id']}", headers=national).json()
        if view["agency_id"] == DINKES_MKS:
            return receipt
        time.sleep(0.3)
    raise AssertionError("the stack's forwarder did not forward the report")


def http_call(stack, method: str, path: str, payload: str | None, headers: dict[str, str]):
    return stack.http.request(method, stack.url(path), data=payload, timeout=30,
                              headers={**headers, **({"Content-Type": "application/json"} if payload else {})})


@pytest.mark.e2e
@pytest.mark.parametrize("who", sorted(ROLES))
def test_the_authorization_matrix_holds_over_http(stack, stack_report, who):
    role, agency_id = ROLES[who]
    headers = stack.staff(role, agency_id)
    tid = stack_report["tracking_id"]
    for method, path, payload in endpoints(tid):
        response = http_call(stack, method, path, payload, headers)
        if who in IN_SCOPE:
            assert response.status_code == 200, (who, path, response.text)
            assert "anon-http@example.com" not in response.text and "Anonim Rahasia" not in response.text
        else:
            assert response.status_code == 403, (who, path, response.text)
            assert tid not in response.text and "Jalan" not in response.text
    inbox = stack.get("/agency/complaints?limit=100", headers=headers).json()["complaints"]
    if role == "officer":
        assert {item["agency_id"] for item in inbox} <= {agency_id}
    if who not in IN_SCOPE:
        assert tid not in {item["tracking_id"] for item in inbox}
    for method, path, payload in ADMIN_ENDPOINTS:
        response = http_call(stack, method, path, payload, headers)
        assert response.status_code in ({200, 201} if who == "national" else {403}), (who, method, path)


@pytest.mark.e2e
@pytest.mark.parametrize("auth", [None, "Bearer lpr_deadbeef_" + "x" * 40, "Bearer nonsense", "Basic abc:def"])
def test_no_or_a_bad_key_is_401_on_every_staff_endpoint_over_http(stack, stack_report, auth):
    headers = {"Authorization": auth} if auth else {}
    for method, path, payload in [("GET", "/agency/complaints", None), *endpoints(stack_report["tracking_id"]),
                                  *ADMIN_ENDPOINTS, ("GET", "/agency/stats", None),
                                  ("GET", "/agency/complaints.csv", None)]:
        response = http_call(stack, method, path, payload, headers)
        assert response.status_code == 401, (auth, method, path, response.text)
        assert stack_report["tracking_id"] not in response.text


@pytest.mark.e2e
def test_a_revoked_key_stops_at_once_over_http(stack, stack_report):
    national = stack.staff("national_admin")
    issued = stack.post("/admin/keys", headers=national, json={"role": "officer", "agency_id": DINKES_MKS}).json()
    headers = {"Authorization": f"Bearer {issued['key']}"}
    path = f"/agency/complaints/{stack_report['tracking_id']}"
    assert stack.get(path, headers=headers).status_code == 200
    assert stack.http.delete(stack.url(f"/admin/keys/{issued['key_id']}"), headers=national).status_code == 200
    assert stack.get(path, headers=headers).status_code == 401
    assert stack.get("/agency/complaints", headers=headers).status_code == 401


@pytest.mark.e2e
def test_the_stacks_log_holds_no_key_and_no_reporter_token(stack, stack_report):
    # Runs after the stack served the matrix above (and, in a full run, the fuzzer).
    # The local outbox prints every message it "sends" ([outbox] lines, SPEC §9, never on a deployed
    # stage): the reporter's own e-mail address is rightly there.
    log = "\n".join(line for line in (stack.state / "stack.log").read_text().splitlines()
                    if not line.startswith("[outbox]"))
    assert stack_report["tracking_id"] in log  # the log is the right one, and it is written
    for member in stack.credentials["staff"]:
        assert member["key"] not in log, member["role"]
    assert stack_report["reporter_token"] not in log
    assert "anon-http@example.com" not in log and "Anonim Rahasia" not in log


# --- secrets and personal data, in process (every log line captured) ------------------------------


@contextmanager
def captured_logs():
    from chalicelib.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


PERSON = {"name": "Rahmawati Anonimus", "email": "rahmawati.anon@example.com", "phone": "0813-9999-0000"}


def test_tokens_keys_and_an_anonymous_reporter_never_leak(client, staff, pump, outbox_path):
    from chalicelib.adapters import clock
    from chalicelib.domain.reference import WIB

    staff_headers = {name: staff.headers(*ROLES[name]) for name in ("national", "sulsel", "makassar", "dinkes_mks")}
    answers: list[str] = []

    def keep(response) -> dict:
        answers.append(response.body.decode() if isinstance(response.body, bytes) else str(response.body))
        return body(response) if response.headers.get("Content-Type", "").startswith("application/json") else {}

    with captured_logs() as log:
        # Given an anonymous reporter who still gave a name, e-mail and phone, filing with a key
        filed = client.http.post("/complaints", headers={"Content-Type": "application/json",
                                                         "Idempotency-Key": f"sec-{uuid.uuid4()}"},
                                 body=json.dumps(valid_report(category="health", anonymous=True, reporter=PERSON)))
        assert filed.status_code == 201
        receipt = body(filed)
        tid, token = receipt["tracking_id"], receipt["reporter_token"]
        pump.drain()
        # When the reporter reads it and staff work on it
        keep(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token}))
        keep(client.http.get(f"/complaints/{tid}/timeline", headers={"X-Reporter-Token": token}))
        keep(client.http.get(f"/complaints/{tid}"))
        staff_answers_start = len(answers)
        today = clock.now().astimezone(ZoneInfo(WIB)).date().isoformat()  # the export of today's reports
        for headers in staff_headers.values():
            keep(client.http.get("/agency/complaints?limit=100", headers=headers))
            keep(client.http.get(f"/agency/complaints/{tid}", headers=headers))
            keep(client.http.get("/agency/stats", headers=headers))
            csv = client.http.get(f"/agency/complaints.csv?category=health&from={today}&to={today}", headers=headers)
            assert csv.status_code == 200 and tid in csv.body.decode()
            keep(csv)
        keep(client.http.post(f"/agency/complaints/{tid}/actions", headers=staff_headers["dinkes_mks"],
                              body=json.dumps({"action": "respond", "note": "Sedang kami periksa."})))
        pump.drain()
        staff_answers_end = len(answers)
        # And the national admin issues a key and lists the agency's keys
        issued = body(client.http.post("/admin/keys", headers=staff.national(),
                                       body=json.dumps({"role": "officer", "agency_id": SULSEL})))
        keep(client.http.get(f"/admin/keys?agency_id={SULSEL}", headers=staff.national()))
        keep(client.http.get(f"/agency/complaints/{tid}", headers={"Authorization": f"Bearer {issued['key']}"}))

    text = log.getvalue()
    assert tid in text  # the log lines carry the tracking id
    secrets = [token, issued["key"], *(h["Authorization"].split()[1] for h in staff_headers.values())]
    # Then no token and no key is in any log line, nor in any answer after the one that created it
    for secret in secrets:
        assert secret not in text
        assert not [a for a in answers if secret in a]
    assert answers and all("reporter_token" not in a and "key_hash" not in a for a in answers)
    # And the anonymous reporter is in no log line and no staff answer
    for value in PERSON.values():
        assert value not in text
        assert not [a for a in answers[staff_answers_start:staff_answers_end] if value in a]
    # And in no message to the agency (e-mail or webhook)
    to_agencies = [json.loads(line) for line in outbox_path.read_text().splitlines()
                   if tid in line and json.loads(line).get("recipient", "").startswith("agency:")]
    assert to_agencies
    assert not [m for m in to_agencies if any(value in json.dumps(m) for value in PERSON.values())]
    # While the reporter, with the token, still sees their own details
    mine = body(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token}))
    assert mine["reporter"]["email"] == PERSON["email"]


# --- bodies over the limit ------------------------------------------------------------------------

NO_BODY = {("POST", "/dev/sweep")}  # local-only, reads no body
OVERSIZED = json.dumps({"title": "x" * (65 * 1024)})


def body_routes():
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() for method, entry in methods.items()
                  if method in {"POST", "PUT", "PATCH"} and (method, path) not in NO_BODY)


@pytest.mark.parametrize(("method", "path"), body_routes(), ids=lambda value: str(value))
@pytest.mark.parametrize("media_type", ["application/json", "application/x-www-form-urlencoded"])
def test_every_body_over_64_kb_is_refused_before_it_is_read(client, staff, dynamodb_calls, method, path,
                                                            media_type):
    # Given a body of 65 KB, sent with a valid staff key where the route needs one
    url = (path.replace("{tracking_id}", "LPR-AAAA-AAAA").replace("{agency_id}", MAKASSAR))
    headers = {**staff.national(), "Content-Type": media_type}
    payload = OVERSIZED if media_type == "application/json" else "title=" + "x" * (65 * 1024)
    # (the key's use today is already recorded for participation, SPEC §14: a key check is one read)
    client.http.get("/agency/complaints?limit=1", headers=staff.national())
    dynamodb_calls.reset()
    # When it is posted
    response = getattr(client.http, method.lower())(url, headers=headers, body=payload)
    # Then it is refused as too large, and nothing was read or written but the key check
    assert response.status_code == 413, (method, path, response.body[:300])
    if not path.startswith("/open311/") and response.headers["Content-Type"].startswith("application/json"):
        assert body(response)["error"]["code"] == "payload_too_large"
    assert set(dynamodb_calls.counts) <= {"GetItem"} and dynamodb_calls.total <= 1, dynamodb_calls.counts
