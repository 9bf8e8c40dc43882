"""The daily digest (SPEC §13) against the moto server: an agency on ``notify: daily`` gets one
e-mail at 07:00 its local time with its new, due-soon and overdue reports, read from indexes, sent
once even when two runs overlap; its other e-mails wait for the digest, escalations do not."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures import body
from tests.staff import MAKASSAR, file_report

WITA = ZoneInfo("Asia/Makassar")


def outbox(outbox_path, **match) -> list[dict]:
    if not outbox_path.exists():
        return []
    lines = [json.loads(line) for line in outbox_path.read_text().splitlines() if line]
    return [m for m in lines if all(m.get(k) == v for k, v in match.items())]


@pytest.fixture
def daily_unit(client, staff):
    """A unit of Kota Makassar (WITA) that chose the daily digest."""
    agency_id = f"dinas-digest-{uuid.uuid4().hex[:8]}"
    unit = {"agency_id": agency_id, "name": "Dinas Perhubungan Kota Makassar", "level": "unit",
            "parent_id": MAKASSAR, "emails": [f"{agency_id}@makassar.example.go.id"]}
    assert client.http.post("/admin/agencies", headers=staff.national(), body=json.dumps(unit)).status_code == 201
    changed = client.http.patch(f"/admin/agencies/{agency_id}", headers=staff.national(),
                                body=json.dumps({"notify": "daily"}))
    assert changed.status_code == 200 and body(changed)["notify"] == "daily"
    return agency_id


def file_at(client, pump, clock_at, moment: datetime, agency_id: str, title: str) -> str:
    clock_at(moment)
    receipt = file_report(client, category="transport", target_agency_id=agency_id, title=title)
    pump.drain()
    return receipt["tracking_id"]


def test_notify_mode_is_validated_and_shown(client, staff, daily_unit):
    bad = client.http.patch(f"/admin/agencies/{daily_unit}", headers=staff.national(),
                            body=json.dumps({"notify": "weekly"}))
    assert bad.status_code == 422 and "notify" in body(bad)["error"]["fields"]
    shown = body(client.http.get(f"/admin/agencies/{daily_unit}", headers=staff.national()))
    assert shown["notify"] == "daily"


def test_one_digest_at_seven_local_time_even_when_two_runs_overlap(client, staff, pump, clock_at, daily_unit,
                                                                  outbox_path, dynamodb_calls):
    from chalicelib.models import NotificationModel
    from chalicelib.services import digest

    address = f"{daily_unit}@makassar.example.go.id"
    # Given three reports disposed to the daily unit: one long overdue, one due on Monday, one new on Thursday
    overdue = file_at(client, pump, clock_at, datetime(2026, 10, 19, 10, 0, tzinfo=WITA), daily_unit,
                      "Lampu lalu lintas mati di Jl. Sudirman")
    due_soon = file_at(client, pump, clock_at, datetime(2026, 11, 2, 9, 0, tzinfo=WITA), daily_unit,
                       "Halte bus rusak di depan pasar")
    new = file_at(client, pump, clock_at, datetime(2026, 11, 5, 10, 0, tzinfo=WITA), daily_unit,
                  "Angkot ngetem di tikungan")
    # Then none of the dispositions was e-mailed to it one by one
    assert outbox(outbox_path, recipient=f"agency:{daily_unit}") == []

    # When the hourly run happens at 08:00 WITA (07:00 WIB): not this agency's hour
    assert daily_unit not in [a["agency_id"] for a in digest.run(datetime(2026, 11, 6, 8, 0, tzinfo=WITA))["agencies"]]

    # When two runs at 07:00 WITA on Friday overlap
    seven = datetime(2026, 11, 6, 7, 0, 30, tzinfo=WITA)
    clock_at(seven)
    dynamodb_calls.reset()
    results: list[dict] = []
    runs = [threading.Thread(target=lambda: results.append(digest.run(seven))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    calls = dynamodb_calls.counts
    # Then exactly one of them wrote this agency's digest for the day
    outcomes = sorted(a["outcome"] for r in results for a in r["agencies"] if a["agency_id"] == daily_unit)
    assert outcomes == ["already_sent", "sent"]
    rows = list(NotificationModel.query(f"digest:{daily_unit}"))
    assert [(r.notification_id, r.kind, r.recipient) for r in rows] == [
        ("2026-11-06", "digest", f"agency:{daily_unit}")]
    # And it read indexes only: per run one Query for the zone's daily agencies and one per agency,
    # and wrote one conditional put per agency with something to say
    agencies = len(results[0]["agencies"])
    assert "Scan" not in calls
    assert calls["Query"] == 2 * (1 + agencies)
    assert calls["PutItem"] == sum(r["sent"] + r["already_sent"] for r in results)  # the day's marker

    # When the notifier delivers it
    pump.drain()
    mails = outbox(outbox_path, recipient=f"agency:{daily_unit}")
    assert len(mails) == 1 and mails[0]["to"] == [address]
    mail = mails[0]
    # Then it lists the overdue, due-soon and new reports by name, with absolute console links
    assert mail["subject"].startswith("[LAPOR!] Ringkasan harian Dinas Perhubungan Kota Makassar, 6 November 2026")
    assert "1 baru, 1 segera jatuh tempo, 1 terlambat" in mail["subject"]
    text = mail["text"]
    order = [text.index(heading) for heading in ("Terlambat (1)", "Jatuh tempo dalam 2 hari kerja (1)",
                                                 "Laporan baru sejak ringkasan kemarin (1)")]
    assert order == sorted(order)
    assert text.index(overdue) < text.index(due_soon) < text.index(new)
    for tid in (overdue, due_soon, new):
        assert f"http://127.0.0.1:8000/staff/complaints/{tid}" in text
        assert f'href="http://127.0.0.1:8000/staff/complaints/{tid}"' in mail["html"]
    assert "Transportasi" in text and "Kota Makassar" in text and "transport" not in text
    assert "Senin, 9 November 2026 pukul 23.59 WITA" in text  # the due-soon first response

    # When the hour's run comes again (a retry), nothing more is sent
    again = digest.run(datetime(2026, 11, 6, 7, 45, tzinfo=WITA))
    assert {"agency_id": daily_unit, "outcome": "already_sent"} in again["agencies"]
    pump.drain()
    assert len(outbox(outbox_path, recipient=f"agency:{daily_unit}")) == 1


def test_escalations_stay_immediate_for_a_daily_agency(client, staff, pump, clock_at, daily_unit, outbox_path):
    from chalicelib.services import sweep

    tid = file_at(client, pump, clock_at, datetime(2026, 11, 2, 9, 0, tzinfo=WITA), daily_unit,
                  "Parkir liar di trotoar")
    # When its first-response deadline (Mon 9 Nov) passes and the sweep runs
    moment = datetime(2026, 11, 10, 0, 0, 1, tzinfo=WITA)
    clock_at(moment)
    sweep.run(moment)
    pump.drain()
    mails = [m for m in outbox(outbox_path, recipient=f"agency:{daily_unit}") if m["tracking_id"] == tid]
    # Then the escalation reached it at once, but the overdue notice waits for the digest
    subjects = [m["subject"] for m in mails]
    assert subjects == [f"[LAPOR!] Eskalasi level 1: {tid}"], subjects


def test_an_immediate_agency_still_gets_every_email(client, staff, pump, clock_at, outbox_path):
    tid = file_report(client, category="health")["tracking_id"]
    pump.drain()
    mails = [m for m in outbox(outbox_path, recipient="agency:dinas-kesehatan-kota-makassar")
             if m["tracking_id"] == tid]
    assert [m["subject"] for m in mails] == [f"[LAPOR!] Laporan baru didisposisikan kepada Anda: {tid}"]
