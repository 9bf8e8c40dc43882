"""The daily digest's decisions (SPEC §13): which zones it is 07:00 in, what a digest lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from chalicelib.domain import digest
from chalicelib.domain.complaint import Complaint, Status

WITA = ZoneInfo("Asia/Makassar")
AGENCY = "dinas-kesehatan-kota-makassar"


def report(tid: str, status: str = Status.FORWARDED, assigned: datetime | None = None, **deadlines) -> Complaint:
    filed = datetime(2026, 10, 1, 9, 0, tzinfo=WITA)
    return Complaint(tid, "complaint", "Judul laporan", "Deskripsi laporan yang cukup panjang", "health",
                     "73", "73.71", "x", filed, filed, status=status, agency_id=AGENCY,
                     assigned_at=assigned or filed, deadlines=deadlines)


def test_each_hourly_run_picks_the_zones_where_it_is_seven():
    assert digest.zones_at_digest_hour(datetime(2026, 11, 6, 0, 0, tzinfo=UTC)) == ["Asia/Jakarta"]
    assert digest.zones_at_digest_hour(datetime(2026, 11, 5, 23, 0, tzinfo=UTC)) == ["Asia/Makassar"]
    assert digest.zones_at_digest_hour(datetime(2026, 11, 5, 22, 59, tzinfo=UTC)) == ["Asia/Jayapura"]
    assert digest.zones_at_digest_hour(datetime(2026, 11, 6, 1, 0, tzinfo=UTC)) == []


def test_a_digest_sorts_open_reports_into_new_due_soon_and_overdue():
    # Given Friday 6 November 2026, 07:00 WITA
    now = datetime(2026, 11, 6, 7, 0, tzinfo=WITA)
    reports = [
        report("LPR-NEW1-0001", assigned=datetime(2026, 11, 5, 10, 0, tzinfo=WITA),
               first_response=datetime(2026, 11, 12, 23, 59, 59, tzinfo=WITA)),
        report("LPR-OLD1-0002", assigned=datetime(2026, 11, 5, 6, 59, tzinfo=WITA),  # yesterday's digest had it
               first_response=datetime(2026, 11, 12, 23, 59, 59, tzinfo=WITA)),
        report("LPR-SOON-0003", first_response=datetime(2026, 11, 10, 23, 59, 59, tzinfo=WITA)),  # Tuesday
        report("LPR-LATE-0004", first_response=datetime(2026, 11, 11, 23, 59, 59, tzinfo=WITA)),  # 3rd working day
        report("LPR-OVER-0005", status=Status.IN_PROGRESS, resolution=datetime(2026, 11, 1, tzinfo=WITA)),
        report("LPR-WAIT-0006", status=Status.AWAITING_REPORTER,
               reporter_reply=datetime(2026, 11, 2, tzinfo=WITA)),  # the reporter's clock, not the agency's
        report("LPR-DONE-0007", status=Status.CLOSED),
    ]
    # When the digest is built
    d = digest.build(AGENCY, "Asia/Makassar", reports, now)
    # Then each section holds what the agency must know, and nothing else
    ids = {name: [line.complaint.tracking_id for line in getattr(d, name)] for name in ("new", "due_soon", "overdue")}
    assert ids == {"new": ["LPR-NEW1-0001"], "due_soon": ["LPR-SOON-0003"], "overdue": ["LPR-OVER-0005"]}
    assert d.day == date(2026, 11, 6) and not d.empty
    assert d.overdue[0].clock == "resolution"


def test_a_digest_with_nothing_to_say_is_empty():
    now = datetime(2026, 11, 6, 7, 0, tzinfo=WITA)
    assert digest.build(AGENCY, "Asia/Makassar", [], now).empty


def test_only_escalations_and_the_digest_itself_reach_a_daily_agency_at_once():
    assert digest.held_for_digest("daily", "forwarded") and digest.held_for_digest("daily", "overdue")
    assert not digest.held_for_digest("daily", "escalation") and not digest.held_for_digest("daily", "digest")
    assert not digest.held_for_digest("immediate", "forwarded")
