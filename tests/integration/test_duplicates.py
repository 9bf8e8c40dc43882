"""Duplicates (SPEC §12): a coordinator marks a report a duplicate of another of the same regency;
it is closed with ``duplicate_of``, its reporter is told the original's tracking id, the original
gains a supporter, and statistics count duplicates apart, out of the resolution rates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures import body
from tests.staff import BANDUNG, MAKASSAR, PUPR_MKS, act, file_report, staff_view

WITA = ZoneInfo("Asia/Makassar")


def test_a_coordinator_marks_a_duplicate_and_the_original_gains_a_supporter(client, staff, dynamodb_calls):
    from chalicelib.models import NotificationModel

    coordinator = staff.headers("coordinator", MAKASSAR)
    original = file_report(client, title="Jembatan Tallo retak")["tracking_id"]
    again = file_report(client, title="Jembatan Tallo retak lagi")["tracking_id"]
    # When the coordinator marks the second one a duplicate of the first
    dynamodb_calls.reset()
    answer = act(client, coordinator, again, "mark_duplicate", duplicate_of=original)
    # Then it is closed with duplicate_of; the original and its duplicate were read in one round trip
    assert answer.status_code == 200, answer.body
    assert dynamodb_calls.counts["BatchGetItem"] == 1 and dynamodb_calls.counts["TransactWriteItems"] == 1
    closed = body(answer)
    assert (closed["status"], closed["duplicate_of"]) == ("closed", original)
    # And the original has one more supporter, with a staff line naming the duplicate
    first = staff_view(client, coordinator, original)
    assert first["supporters"] == 1 and first["status"] == "submitted"
    merged = [e for e in first["timeline"] if e["type"] == "duplicate_merged"]
    assert merged and merged[0]["data"] == {"duplicate": again}
    # And the public sees both the link and the reason on the duplicate's timeline
    public = body(client.http.get(f"/complaints/{again}"))
    assert public["duplicate_of"] == original and public["supporters"] == 0
    events = body(client.http.get(f"/complaints/{again}/timeline"))["events"]
    assert events[-1]["type"] == "marked_duplicate" and original in events[-1]["note"]
    assert "duplicate_merged" not in [e["type"] for e in body(client.http.get(f"/complaints/{original}/timeline"))
                                      ["events"]]
    # And the duplicate's reporter is told which report to follow
    from chalicelib.services.notify import message_of

    notices = [message_of(r).text for r in NotificationModel.query(again) if r.recipient == "reporter"]
    assert any(original in text and f"/track?tracking_id={original}" in text for text in notices)


@pytest.mark.parametrize(("case", "status", "field"), [
    ("itself", 422, "duplicate_of"), ("another regency", 422, "duplicate_of"), ("a duplicate", 422, "duplicate_of"),
    ("closed", 422, "duplicate_of"), ("unknown", 422, "duplicate_of"), ("missing", 422, "duplicate_of"),
    ("not a tracking id", 422, "duplicate_of"),
])
def test_what_a_duplicate_may_point_at(client, staff, case, status, field):
    national = staff.national()
    report = file_report(client)["tracking_id"]
    original = file_report(client)["tracking_id"]
    if case == "itself":
        original = report
    elif case == "another regency":
        original = file_report(client, province_code="32", regency_code="32.73")["tracking_id"]
    elif case == "a duplicate":
        first = file_report(client)["tracking_id"]
        assert act(client, national, original, "mark_duplicate", duplicate_of=first).status_code == 200
    elif case == "closed":
        assert act(client, national, original, "reject", note="Bukan pengaduan").status_code == 200
    elif case == "unknown":
        original = "LPR-2222-2222"
    elif case == "not a tracking id":
        original = "jalan rusak"
    fields = {} if case == "missing" else {"duplicate_of": original}
    answer = act(client, national, report, "mark_duplicate", **fields)
    assert answer.status_code == status, answer.body
    assert field in body(answer)["error"]["fields"]
    # nothing changed
    assert body(client.http.get(f"/complaints/{report}"))["status"] == "submitted"


def test_only_verifiers_mark_duplicates_and_only_in_their_scope(client, staff):
    report, original = file_report(client)["tracking_id"], file_report(client)["tracking_id"]
    coordinator = staff.headers("coordinator", MAKASSAR)
    assert act(client, coordinator, report, "forward", agency_id=PUPR_MKS).status_code == 200
    officer = staff.headers("officer", PUPR_MKS)
    assert act(client, officer, report, "mark_duplicate", duplicate_of=original).status_code == 403
    assert act(client, staff.headers("coordinator", BANDUNG), report, "mark_duplicate",
               duplicate_of=original).status_code == 403
    assert act(client, coordinator, report, "mark_duplicate", duplicate_of=original).status_code == 200


def test_a_concurrent_change_of_the_original_is_409_and_nothing_is_written(client, staff):
    from chalicelib.domain.complaint import apply_action, merge_duplicate
    from chalicelib.services import store

    national = staff.national()
    report, original = file_report(client)["tracking_id"], file_report(client)["tracking_id"]
    before, first = store.get(report, consistent=True), store.get(original, consistent=True)
    # Given the original changes after it was read (someone supports it)
    assert client.http.post(f"/complaints/{original}/support",
                            headers={"Idempotency-Key": "support-while-merging-1"}).status_code == 201
    from chalicelib.adapters import clock
    from chalicelib.domain.complaint import Actor

    admin = Actor("national_admin", "kemenpanrb", ("kemenpanrb",))
    now = clock.now()
    after, events = apply_action(before, admin, "mark_duplicate", now, store.limits(), original=first)
    # When the duplicate is written against the stale original: 409, and neither report changed
    from chalicelib.errors import StaleVersion

    with pytest.raises(StaleVersion):
        store.update(before, after, events, now, also=(first, *merge_duplicate(first, after, admin, now)))
    assert body(client.http.get(f"/complaints/{report}"))["status"] == "submitted"
    assert body(client.http.get(f"/complaints/{original}"))["supporters"] == 1
    assert act(client, national, report, "mark_duplicate", duplicate_of=original).status_code == 200
    assert body(client.http.get(f"/complaints/{original}"))["supporters"] == 2


def test_statistics_count_duplicates_apart_and_out_of_the_resolution_rate(client, staff, clock_at):
    # Given, on one day in Makassar: A forwarded and resolved; B forwarded then marked a duplicate of
    # A; C marked a duplicate of A while still waiting for verification
    clock_at(datetime(2025, 4, 7, 9, 0, tzinfo=WITA))
    coordinator, officer = staff.headers("coordinator", MAKASSAR), staff.headers("officer", PUPR_MKS)
    a, b, c = (file_report(client)["tracking_id"] for _ in range(3))
    for tid in (a, b):
        assert act(client, coordinator, tid, "forward", agency_id=PUPR_MKS).status_code == 200
    assert act(client, officer, a, "respond", note="Sedang ditinjau").status_code == 200
    assert act(client, officer, a, "resolve", note="Sudah diperbaiki").status_code == 200
    for tid in (b, c):
        assert act(client, coordinator, tid, "mark_duplicate", duplicate_of=a).status_code == 200
    # When anyone reads that day's numbers
    figures = body(client.http.get("/stats?scope=regency:73.71&from=2025-04-07&to=2025-04-07"))
    # Then the duplicates are counted apart, closed but not resolved: 1 resolved of 1 forwarded
    assert figures["total"] == 3 and figures["duplicates"] == 2
    assert figures["by_status"]["closed"] == 2 and figures["by_status"]["resolved"] == 1
    assert figures["resolved"] == 1 and figures["forwarded"] == 2
    assert figures["resolved_pct"] == 100.0
    assert figures["by_month"] == [{"month": "2025-04", "total": 3, "resolved": 1}]
    assert body(client.http.get(f"/complaints/{a}"))["supporters"] == 2
