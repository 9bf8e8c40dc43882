"""Staff actions (SPEC §4) through POST /agency/complaints/{id}/actions, on the moto server."""

from __future__ import annotations

import json
import threading

import pytest

from tests.fixtures import body
from tests.staff import (
    DIKNAS_MKS,
    DINKES_BDG,
    DINKES_MKS,
    MAKASSAR,
    PUPR_MKS,
    SULSEL,
    act,
    file_report,
    staff_view,
)


@pytest.fixture
def forwarded(client, pump):
    """A health report in Kota Makassar, forwarded by rule to Dinas Kesehatan."""
    receipt = file_report(client, category="health")
    pump.drain()
    return receipt


def test_officer_responds_and_resolves_and_the_reporter_sees_it(client, staff, forwarded):
    tid = forwarded["tracking_id"]
    officer = staff.headers("officer", DINKES_MKS)
    responded = act(client, officer, tid, "respond", note="Petugas sudah meninjau lokasi.")
    assert responded.status_code == 200 and body(responded)["status"] == "in_progress"
    resolved = act(client, officer, tid, "resolve", note="Puskesmas kembali buka sesuai jadwal.")
    assert body(resolved)["status"] == "resolved"
    assert set(body(resolved)["deadlines"]) == {"reporter_reply"}
    mine = body(client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": forwarded["reporter_token"]}))
    assert mine["status_label"] == "Selesai Ditindaklanjuti"
    timeline = body(client.http.get(f"/complaints/{tid}/timeline"))["events"]
    assert [e["type"] for e in timeline] == ["submitted", "forwarded", "responded", "resolved"]
    assert timeline[-1]["note"] == "Puskesmas kembali buka sesuai jadwal."


def test_coordinator_forwards_from_the_queue(client, staff, pump):
    receipt = file_report(client, category="social_aid")
    pump.drain()
    coordinator = staff.headers("coordinator", MAKASSAR)
    response = act(client, coordinator, receipt["tracking_id"], "forward", agency_id=PUPR_MKS, note="Cek lokasi")
    assert response.status_code == 200
    view = body(response)
    assert view["status"] == "forwarded" and view["agency_id"] == PUPR_MKS
    assert "first_response" in view["deadlines"] and "verification" not in view["deadlines"]


def test_re_disposition_moves_a_forwarded_report_to_another_unit(client, staff, forwarded):
    coordinator = staff.headers("coordinator", MAKASSAR)
    response = act(client, coordinator, forwarded["tracking_id"], "forward", agency_id=DIKNAS_MKS)
    assert body(response)["agency_id"] == DIKNAS_MKS
    # the first unit no longer sees it
    old = client.http.get(f"/agency/complaints/{forwarded['tracking_id']}",
                          headers=staff.headers("officer", DINKES_MKS))
    assert old.status_code == 403


def test_the_return_chain_climbs_parent_province_national(client, staff, forwarded):
    tid = forwarded["tracking_id"]
    officer = staff.headers("officer", DINKES_MKS)
    # 1st return: back to the parent coordinator's queue (Kota Makassar)
    first = body(act(client, officer, tid, "return", note="Bukan wewenang Dinas Kesehatan"))
    assert (first["status"], first["agency_id"], first["returns"]) == ("submitted", MAKASSAR, 1)
    assert "verification" in first["deadlines"]
    # the coordinator disposes it again, and the unit returns it a 2nd time: to the province
    act(client, staff.headers("coordinator", MAKASSAR), tid, "forward", agency_id=DINKES_MKS)
    second = body(act(client, officer, tid, "return", note="Tetap bukan wewenang kami"))
    assert (second["agency_id"], second["returns"]) == (SULSEL, 2)
    # the province forwards it once more, and a 3rd return sends it to national
    act(client, staff.headers("coordinator", SULSEL), tid, "forward", agency_id=DINKES_MKS)
    third = body(act(client, officer, tid, "return", note="Mohon ditangani pusat"))
    assert (third["agency_id"], third["returns"]) == ("kemenpanrb", 3)


def test_reject_needs_a_reason_and_archives(client, staff, pump):
    receipt = file_report(client, category="social_aid")
    pump.drain()
    coordinator = staff.headers("coordinator", MAKASSAR)
    missing = act(client, coordinator, receipt["tracking_id"], "reject")
    assert missing.status_code == 422 and body(missing)["error"]["fields"] == {"note": "a reason is required"}
    done = act(client, coordinator, receipt["tracking_id"], "reject", note="Duplikat dari LPR-2222-2222")
    assert body(done)["status"] == "rejected" and body(done)["status_label"] == "Diarsipkan"


def test_request_info_pauses_and_the_reporters_reply_resumes(client, staff, forwarded):
    tid, token = forwarded["tracking_id"], forwarded["reporter_token"]
    asked = body(act(client, staff.headers("officer", DINKES_MKS), tid, "request_info",
                     note="Puskesmas yang mana?"))
    assert asked["status"] == "awaiting_reporter" and set(asked["deadlines"]) == {"reporter_reply"}
    reply = client.http.post(f"/complaints/{tid}/replies", headers={"X-Reporter-Token": token,
                             "Content-Type": "application/json"},
                             body=json.dumps({"message": "Puskesmas Kassi-Kassi."}))
    assert reply.status_code == 201
    assert body(reply)["status"] == "forwarded" and "first_response" in body(reply)["deadlines"]


@pytest.mark.parametrize(("action", "fields", "status", "field"), [
    ("fly", {}, 422, "action"),
    ("respond", {}, 422, "note"),
    ("respond", {"note": "   "}, 422, "note"),
    ("return", {}, 422, "note"),
    ("forward", {}, 403, None),  # an officer may not forward at all
    ("resolve", {"note": "selesai"}, 409, None),  # forwarded -> resolved skips in_progress
    ("respond", {"note": "ok", "extra": 1}, 422, "extra"),
])
def test_bad_actions_are_clear_errors_and_change_nothing(client, staff, forwarded, action, fields, status, field):
    officer = staff.headers("officer", DINKES_MKS)
    before = staff_view(client, officer, forwarded["tracking_id"])
    response = act(client, officer, forwarded["tracking_id"], action, **fields)
    assert response.status_code == status
    error = body(response)["error"]
    assert error["code"] and error["message"]
    if field:
        assert field in error["fields"]
    after = staff_view(client, officer, forwarded["tracking_id"])
    assert after["version"] == before["version"] and after["timeline"] == before["timeline"]


def test_forward_to_unknown_or_out_of_scope_agency(client, staff, pump):
    receipt = file_report(client, category="social_aid")
    pump.drain()
    coordinator = staff.headers("coordinator", MAKASSAR)
    unknown = act(client, coordinator, receipt["tracking_id"], "forward", agency_id="dinas-hantu")
    assert unknown.status_code == 422 and body(unknown)["error"]["fields"] == {"agency_id": "unknown agency"}
    foreign = act(client, coordinator, receipt["tracking_id"], "forward", agency_id=DINKES_BDG)
    assert foreign.status_code == 403
    assert staff_view(client, coordinator, receipt["tracking_id"])["status"] == "submitted"


def test_malformed_action_bodies(client, staff, forwarded):
    officer = staff.headers("officer", DINKES_MKS)
    url = f"/agency/complaints/{forwarded['tracking_id']}/actions"
    assert client.http.post(url, headers=officer, body="{nope").status_code == 400
    assert client.http.post(url, headers={**officer, "Content-Type": "text/plain"}, body="x").status_code == 415
    assert client.http.post(url, headers=officer, body="[]").status_code == 422


def test_twenty_officers_at_once_one_winner_per_version(client, staff, forwarded):
    """Concurrency against the moto server: every attempt reads version v and writes v+1."""
    from chalicelib.domain.complaint import Actor
    from chalicelib.errors import Conflict
    from chalicelib.services import actions, store

    tid = forwarded["tracking_id"]
    officer = Actor("officer", DINKES_MKS, ("kemenpanrb", SULSEL, MAKASSAR, DINKES_MKS))
    start = store.get(tid, consistent=True).version
    barrier = threading.Barrier(20)
    results: list[str] = []

    def respond(i: int) -> None:
        barrier.wait()
        try:
            actions.act(officer, tid, {"action": "respond", "note": f"tanggapan {i}"})
            results.append("ok")
        except Conflict:
            results.append("409")

    threads = [threading.Thread(target=respond, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get(tid, consistent=True)
    wins = results.count("ok")
    assert wins >= 1 and wins + results.count("409") == 20
    # every success took exactly one version; the timeline has one event per success
    assert final.version == start + wins
    timeline = store.timeline(tid)
    assert [e.type for e in timeline].count("responded") == wins
    assert timeline[-1].status == final.status == "in_progress"


def test_a_reply_sent_twice_with_its_key_is_recorded_once(client, forwarded):
    tid, token = forwarded["tracking_id"], forwarded["reporter_token"]
    headers = {"X-Reporter-Token": token, "Content-Type": "application/json", "Idempotency-Key": "reply-abc-123"}
    first = client.http.post(f"/complaints/{tid}/replies", headers=headers, body=json.dumps({"message": "Info"}))
    again = client.http.post(f"/complaints/{tid}/replies", headers=headers, body=json.dumps({"message": "Info"}))
    assert first.status_code == again.status_code == 201
    assert body(first)["version"] == body(again)["version"]
    other = client.http.post(f"/complaints/{tid}/replies", headers={**headers, "Idempotency-Key": "reply-abc-456"},
                             body=json.dumps({"message": "Info lain"}))
    assert body(other)["version"] == body(first)["version"] + 1
    events = body(client.http.get(f"/complaints/{tid}/timeline", headers={"X-Reporter-Token": token}))["events"]
    assert [e["type"] for e in events].count("reporter_replied") == 2


def test_an_action_costs_at_most_three_round_trips_counting_the_key_check(client, staff, pump, dynamodb_calls):
    receipt = file_report(client, category="social_aid")
    pump.drain()
    coordinator = staff.headers("coordinator", MAKASSAR)
    dynamodb_calls.reset()
    response = act(client, coordinator, receipt["tracking_id"], "forward", agency_id=PUPR_MKS)
    assert response.status_code == 200
    # the key (authorizer), the report and the target agency in one BatchGetItem, one transaction;
    # after the commit, outside it, the participation bookkeeping (SPEC §14): the agency's day marker,
    # plus its first action of the day and the key's first use of the day, when they are
    calls = dict(dynamodb_calls.counts)
    bookkeeping = calls.pop("UpdateItem", 0)
    assert calls == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert 1 <= bookkeeping <= 4
    dynamodb_calls.reset()
    act(client, staff.headers("officer", PUPR_MKS), receipt["tracking_id"], "respond", note="Dicek")
    assert dynamodb_calls.counts["TransactWriteItems"] == 1 and dynamodb_calls.counts["Scan"] == 0
