"""Over HTTP against the running local stack: agencies at work, and the clock that makes them answer."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.factories import valid_report
from tests.stack import wait_for

pytestmark = pytest.mark.e2e

DINKES_MKS = "dinas-kesehatan-kota-makassar"


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
    assert wait_for(lambda: stack.get(f"/complaints/{tid}").json()["status"] == "forwarded")
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


def outbox_kinds(stack, tid: str) -> list[tuple[str, str]]:
    messages = stack.get(f"/dev/outbox?tracking_id={tid}").json()["messages"]
    return sorted((m["recipient"], m["subject"].split(":")[0]) for m in messages)


def settle(stack, tid: str, expect: tuple[str, str] | None = None, timeout: float = 60.0) -> list[tuple[str, str]]:
    """Wait until the notifier has delivered ``expect`` (if given) and the outbox stops changing
    for two seconds: delivery runs in the stack's background worker, slower on a busy machine."""
    deadline = time.monotonic() + timeout
    last, stable = None, 0
    while time.monotonic() < deadline:
        now = outbox_kinds(stack, tid)
        stable = stable + 1 if now == last else 0
        if stable >= 10 and (expect is None or expect in now):
            return now
        last = now
        time.sleep(0.2)
    pytest.fail(f"the outbox of {tid} did not settle{f' with {expect}' if expect else ''} within {timeout:.0f} s; "
                f"last seen: {last}")


def sweep_twice_at(stack, moment: str) -> None:
    assert stack.post("/dev/clock", json={"set": moment}).ok
    for _ in range(2):
        assert stack.post("/dev/sweep").status_code == 200


def test_the_whole_chain_with_the_test_clock(stack):
    stack.post("/dev/clock", json={"set": "2026-11-02T09:00:00+08:00"})  # a Monday, WITA
    try:
        address = f"siti-{uuid.uuid4().hex[:8]}@example.com"
        receipt = stack.post("/complaints", json=valid_report(
            category="health", reporter={"name": "Siti Rahma", "email": address})).json()
        tid, token = receipt["tracking_id"], receipt["reporter_token"]
        assert wait_for(lambda: stack.get(f"/complaints/{tid}").json()["status"] == "forwarded")
        view = stack.get(f"/complaints/{tid}").json()
        assert view["deadlines"]["first_response"]["due"] == "2026-11-09T23:59:59+08:00"
        # the reporter confirms the address (SPEC §11), so the news that follows reaches them
        settle(stack, tid, expect=("reporter", f"[LAPOR!] Konfirmasi alamat e-mail Anda untuk laporan {tid}"))
        [ask] = [m for m in stack.get(f"/dev/outbox?tracking_id={tid}").json()["messages"]
                 if m["recipient"] == "reporter"]
        link = re.search(r"/confirm-email\?token=(\S+)", ask["text"])
        assert stack.post("/confirm-email", json={"token": link.group(1)}).json() == {"confirmed": True}
        before = settle(stack, tid)

        # no response; one working day before the deadline: one reminder, however often we sweep
        sweep_twice_at(stack, "2026-11-07T00:00:00+08:00")
        after_reminder = settle(stack, tid, expect=(f"agency:{DINKES_MKS}", "[LAPOR!] Pengingat"))
        added = [k for k in after_reminder if k not in before or after_reminder.count(k) > before.count(k)]
        assert added == [(f"agency:{DINKES_MKS}", "[LAPOR!] Pengingat")]

        # at the deadline: overdue, and escalation level 1 to Kota Makassar
        sweep_twice_at(stack, "2026-11-10T00:00:01+08:00")
        view = stack.get(f"/complaints/{tid}").json()
        assert view["overdue"] is True and view["escalation_level"] == 1
        coordinator = stack.staff("coordinator", "pemkot-makassar")
        overdue = stack.get("/agency/complaints?overdue=true&limit=100", headers=coordinator).json()["complaints"]
        assert tid in [c["tracking_id"] for c in overdue]
        assert stack.get(f"/agency/complaints/{tid}", headers=coordinator).json()["escalated_to"] == [
            "pemkot-makassar"]

        # every further 2 working days: the province, then national
        sweep_twice_at(stack, "2026-11-12T00:00:01+08:00")
        assert stack.get(f"/complaints/{tid}").json()["escalation_level"] == 2
        sweep_twice_at(stack, "2026-11-14T00:00:01+08:00")
        staff = stack.get(f"/agency/complaints/{tid}", headers=stack.staff("national_admin")).json()
        assert staff["escalation_level"] == 3
        assert staff["escalated_to"] == ["pemkot-makassar", "pemprov-sulawesi-selatan", "kemenpanrb"]

        # the unit finally responds and resolves; the reporter stays silent past the window
        officer = stack.staff("officer", DINKES_MKS)
        url = f"/agency/complaints/{tid}/actions"
        assert stack.post(url, headers=officer, json={"action": "respond", "note": "Maaf terlambat"}).ok
        assert stack.post(url, headers=officer, json={"action": "resolve", "note": "Sudah beres"}).ok
        sweep_twice_at(stack, "2026-12-05T00:00:00+08:00")
        mine = stack.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token}).json()
        assert mine["status"] == "closed" and mine["status_label"] == "Selesai"

        # each step is in the outbox exactly once, none duplicated by the repeated sweeps
        final = settle(stack, tid, expect=("reporter", f"[LAPOR!] {tid}"))
        unit, city, prov, nat = (f"agency:{a}" for a in (DINKES_MKS, "pemkot-makassar",
                                                          "pemprov-sulawesi-selatan", "kemenpanrb"))
        assert final.count((unit, "[LAPOR!] Pengingat")) == 1
        assert final.count((unit, "[LAPOR!] Terlambat")) == 1
        for level, target in ((1, city), (2, prov), (3, nat)):
            assert final.count((target, f"[LAPOR!] Eskalasi level {level}")) == 1
            assert final.count((unit, f"[LAPOR!] Eskalasi level {level}")) == 1
        assert final.count(("reporter", f"[LAPOR!] {tid}")) == 1  # closed: the reply window passed
        events = [e["type"] for e in stack.get(f"/complaints/{tid}/timeline",
                                               headers={"X-Reporter-Token": token}).json()["events"]]
        assert events.count("escalated") == 3 and events.count("overdue") == 1 and events[-1] == "closed"
    finally:
        stack.post("/dev/clock", json={"set": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())})
