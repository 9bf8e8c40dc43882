"""Over HTTP against the running local stack: agencies at work, and the clock that makes them answer."""

from __future__ import annotations

import time

import pytest

from tests.factories import valid_report

pytestmark = pytest.mark.e2e

DINKES_MKS = "dinas-kesehatan-kota-makassar"


def wait_for(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_a_routed_report_is_handled_by_its_unit_and_seen_by_its_coordinator(stack):
    # Given a health report for Kota Makassar (a rule sends health to Dinas Kesehatan)
    receipt = stack.post("/complaints", json=valid_report(category="health")).json()
    tid = receipt["tracking_id"]
    officer = stack.staff("officer", DINKES_MKS)
    # Then the forwarder puts it in the unit's inbox as forwarded, with its deadlines
    inbox = wait_for(lambda: [c for c in stack.get("/agency/complaints", headers=officer).json()["complaints"]
                              if c["tracking_id"] == tid and c["status"] == "forwarded"])
    assert inbox and set(inbox[0]["deadlines"]) == {"first_response", "resolution"}
    # When the officer responds and resolves
    url = f"/agency/complaints/{tid}/actions"
    assert stack.post(url, headers=officer, json={"action": "respond", "note": "Sedang ditinjau"}).status_code == 200
    resolved = stack.post(url, headers=officer, json={"action": "resolve", "note": "Sudah ditangani"})
    assert resolved.json()["status"] == "resolved"
    # Then the Kota Makassar coordinator sees it, the Kota Bandung officer cannot
    assert stack.get(f"/agency/complaints/{tid}", headers=stack.staff("coordinator", "pemkot-makassar")).ok
    assert stack.get(f"/agency/complaints/{tid}",
                     headers=stack.staff("officer", "dinas-kesehatan-kota-bandung")).status_code == 403
    # And the outbox shows the agency notification
    messages = wait_for(lambda: [m for m in stack.get(f"/dev/outbox?tracking_id={tid}").json()["messages"]
                                 if m["recipient"] == f"agency:{DINKES_MKS}"])
    assert messages


def test_a_report_without_a_rule_waits_for_the_coordinator(stack):
    receipt = stack.post("/complaints", json=valid_report(category="licensing")).json()
    tid = receipt["tracking_id"]
    coordinator = stack.staff("coordinator", "pemkot-makassar")
    queued = wait_for(lambda: [e for e in stack.get(f"/agency/complaints/{tid}", headers=coordinator).json()
                               ["timeline"] if e["type"] == "queued"])
    assert queued and stack.get(f"/complaints/{tid}").json()["status"] == "submitted"
    forwarded = stack.post(f"/agency/complaints/{tid}/actions", headers=coordinator,
                           json={"action": "forward", "agency_id": "dinas-pupr-kota-makassar"})
    assert forwarded.json()["status"] == "forwarded"


def test_return_chain_and_re_disposition_over_http(stack):
    tid = stack.post("/complaints", json=valid_report(category="health")).json()["tracking_id"]
    officer = stack.staff("officer", DINKES_MKS)
    url = f"/agency/complaints/{tid}/actions"
    wait_for(lambda: stack.get(f"/complaints/{tid}").json()["status"] == "forwarded")
    back = stack.post(url, headers=officer, json={"action": "return", "note": "Bukan wewenang"}).json()
    assert (back["status"], back["agency_id"], back["returns"]) == ("submitted", "pemkot-makassar", 1)
    again = stack.post(url, headers=stack.staff("coordinator", "pemkot-makassar"),
                       json={"action": "forward", "agency_id": "dinas-pendidikan-kota-makassar"}).json()
    assert again["agency_id"] == "dinas-pendidikan-kota-makassar"
    redisposed = stack.post(url, headers=stack.staff("coordinator", "pemkot-makassar"),
                            json={"action": "forward", "agency_id": DINKES_MKS}).json()
    assert redisposed["agency_id"] == DINKES_MKS
    second = stack.post(url, headers=officer, json={"action": "return", "note": "Masih bukan"}).json()
    assert (second["agency_id"], second["returns"]) == ("pemprov-sulawesi-selatan", 2)


def test_spec_example_deadline_on_the_local_stack(stack):
    stack.post("/dev/clock", json={"set": "2026-03-17T09:00:00+07:00"})
    try:
        receipt = stack.post("/complaints", json=valid_report(province_code="31", regency_code="31.71",
                                                              incident_date="2026-03-16")).json()
        assert receipt["deadlines"]["verification"] == "2026-03-27T23:59:59+07:00"
    finally:
        stack.post("/dev/clock", json={"set": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())})
