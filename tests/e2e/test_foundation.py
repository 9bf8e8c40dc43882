"""Over HTTP against the running local stack: a citizen files a report and follows it."""

from __future__ import annotations

import json

import pytest

from tests.factories import valid_report

pytestmark = pytest.mark.e2e


def test_credentials_file_has_the_spec_shape(stack):
    creds = stack.credentials
    assert creds["base_url"] == stack.base_url
    roles = {(m["role"], m["agency_id"]) for m in creds["staff"]}
    assert ("national_admin", "kemenpanrb") in roles
    for coordinator in ("pemprov-sulawesi-selatan", "pemkot-makassar", "pemprov-jawa-barat", "pemkot-bandung"):
        assert ("coordinator", coordinator) in roles
    assert ("officer", "dinas-kesehatan-kota-makassar") in roles
    assert all(m["key"].startswith("lpr_") for m in creds["staff"])


def test_file_and_follow_a_report(stack):
    # Given a citizen with a valid report
    response = stack.post("/complaints", json=valid_report())
    # Then it is accepted with everything they need to follow it
    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) >= {"tracking_id", "reporter_token", "status", "status_label", "submitted_at",
                            "deadlines"}
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    # And the public sees the status without the reporter (the filed status, unless the stack's
    # forwarder has already routed it: it runs in the background a moment after the filing)
    public = stack.get(f"/complaints/{tid}").json()
    assert public["status"] in ("submitted", "forwarded") and "reporter" not in public
    # And the reporter, with the token, sees their own details
    mine = stack.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token}).json()
    assert mine["reporter"]["email"] == "siti@example.com"
    # And the timeline has the filing
    events = stack.get(f"/complaints/{tid}/timeline").json()["events"]
    assert events[0]["type"] == "submitted"


@pytest.mark.parametrize(("kwargs", "status", "field"), [
    ({"data": b'{"kind": ', "headers": {"Content-Type": "application/json"}}, 400, None),
    ({"data": b"<a/>", "headers": {"Content-Type": "application/xml"}}, 415, None),
    ({"data": json.dumps(valid_report(description="x" * 70000)),
      "headers": {"Content-Type": "application/json"}}, 413, None),
    ({"json": valid_report(title="abc")}, 422, "title"),
    ({"json": valid_report(regency_code="32.73")}, 422, "regency_code"),
    ({"json": valid_report(category="cuaca")}, 422, "category"),
    ({"json": valid_report(incident_date="2999-01-01")}, 422, "incident_date"),
    ({"json": valid_report(latitude=51.5, longitude=-0.1)}, 422, "latitude"),
    ({"json": valid_report(reporter={})}, 422, "reporter.name"),
])
def test_bad_input_over_http(stack, kwargs, status, field):
    response = stack.post("/complaints", **kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if field:
        assert field in error["fields"]


def test_script_in_text_is_stored_and_returned_inert(stack):
    receipt = stack.post("/complaints", json=valid_report(title="<script>alert('x')</script>")).json()
    public = stack.get(f"/complaints/{receipt['tracking_id']}")
    assert public.headers["Content-Type"].startswith("application/json")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert public.json()["title"] == "<script>alert('x')</script>"


def test_replayed_and_conflicting_idempotency_keys(stack):
    headers = {"Idempotency-Key": "e2e-key-1-replayed-twice"}
    first = stack.post("/complaints", json=valid_report(), headers=headers)
    replay = stack.post("/complaints", json=valid_report(), headers=headers)
    assert first.status_code == replay.status_code == 201 and first.json() == replay.json()
    conflict = stack.post("/complaints", json=valid_report(title="Judul yang berbeda"), headers=headers)
    assert conflict.status_code == 409


def test_unknown_id_and_wrong_token(stack):
    assert stack.get("/complaints/LPR-2222-2222").status_code == 404
    tid = stack.post("/complaints", json=valid_report()).json()["tracking_id"]
    assert stack.get(f"/complaints/{tid}", headers={"X-Reporter-Token": "salah"}).status_code == 403


def test_a_wrong_method_uses_the_error_shape(stack):
    response = stack.http.put(stack.url("/complaints"), json={}, timeout=10)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.json() == {"error": {"code": "method_not_allowed", "message": "Unsupported method: PUT"}}
