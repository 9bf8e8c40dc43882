"""The sweep's decisions (SPEC §5): reminder, overdue, escalation levels, Ombudsman, auto-close."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import escalation
from chalicelib.domain.agencies import regency_coordinator
from chalicelib.domain.complaint import Actor, Complaint, Status, Target, apply_action, forward, reporter_reply
from chalicelib.domain.deadlines import Limits
from tests.factories import complaint

WITA = ZoneInfo("Asia/Makassar")
LIMITS = Limits()
UNIT = Target("dinas-kesehatan-kota-makassar",
              ("kemenpanrb", "pemprov-sulawesi-selatan", "pemkot-makassar", "dinas-kesehatan-kota-makassar"))
OFFICER = Actor("officer", UNIT.agency_id, UNIT.path)


def forwarded_on(day: datetime) -> Complaint:
    c, _ = forward(complaint(now=day), UNIT, day, LIMITS)
    return c


def run(c: Complaint, now: datetime) -> tuple[Complaint, list[str], list[escalation.Notice]]:
    steps = escalation.due_steps(c, now, LIMITS)
    after, events, notices = escalation.apply_steps(c, steps, now)
    return after, [e.type for e in events], notices


def test_the_whole_escalation_ladder_for_a_silent_unit():
    # Given a report forwarded on Monday 2026-11-02 09:00 WITA: first response due Mon 9 Nov 23:59:59
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=WITA))
    due = c.deadlines["first_response"]
    assert due.isoformat() == "2026-11-09T23:59:59+08:00"
    # Nothing is due on Thursday
    assert escalation.due_steps(c, datetime(2026, 11, 5, 12, 0, tzinfo=WITA), LIMITS) == []
    # One working day before (end of Friday 6 Nov): a reminder to the unit
    c, types, notices = run(c, datetime(2026, 11, 7, 0, 0, tzinfo=WITA))
    assert types == ["reminder"] and notices[0].recipient == f"agency:{UNIT.agency_id}"
    # At the deadline: overdue, and escalation level 1 to the parent coordinator
    c, types, notices = run(c, datetime(2026, 11, 10, 0, 0, 1, tzinfo=WITA))
    assert types == ["overdue", "escalated"] and c.overdue and c.escalation_level == 1
    assert c.escalated_to == ("pemkot-makassar",)
    assert {n.recipient for n in notices} == {f"agency:{UNIT.agency_id}", "agency:pemkot-makassar"}
    # Two working days later: level 2, the province coordinator
    assert escalation.due_steps(c, datetime(2026, 11, 11, 23, 0, tzinfo=WITA), LIMITS) == []
    c, types, _ = run(c, datetime(2026, 11, 12, 0, 0, 1, tzinfo=WITA))
    assert types == ["escalated"] and c.escalation_level == 2 and c.escalated_to[-1] == "pemprov-sulawesi-selatan"
    # Two more: level 3, national; then nothing more
    c, types, _ = run(c, datetime(2026, 11, 14, 0, 0, 1, tzinfo=WITA))
    assert types == ["escalated"] and c.escalation_level == 3 and c.escalated_to[-1] == "kemenpanrb"
    assert escalation.due_steps(c, datetime(2026, 11, 30, tzinfo=WITA), LIMITS) == []


def test_steps_are_applied_once_even_when_asked_twice():
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=WITA))
    late = datetime(2026, 11, 10, 1, 0, tzinfo=WITA)
    c, types, _ = run(c, late)
    assert types == ["overdue", "escalated"]
    assert escalation.due_steps(c, late, LIMITS) == []
    assert escalation.next_due_at(c, late, LIMITS) > late


def test_a_sweep_that_comes_late_catches_up_in_one_go_without_a_stale_reminder():
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=WITA))
    c, types, _ = run(c, datetime(2026, 11, 20, tzinfo=WITA))
    assert types == ["overdue", "escalated", "escalated", "escalated"]
    assert c.escalation_level == 3


def test_a_regency_queue_escalates_to_province_then_national():
    queue = regency_coordinator("73.71").target()
    c = complaint(now=datetime(2026, 11, 2, 9, 0, tzinfo=WITA), agency_id=queue.agency_id, agency_path=queue.path,
                  deadlines={"verification": datetime(2026, 11, 5, 23, 59, 59, tzinfo=WITA)})
    assert escalation.escalation_targets(c) == ["pemprov-sulawesi-selatan", "kemenpanrb"]


def test_resolved_report_closes_itself_when_the_reporters_window_passes():
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=WITA))
    c, _ = apply_action(c, OFFICER, "respond", datetime(2026, 11, 3, tzinfo=WITA), LIMITS, note="dicek")
    c, _ = apply_action(c, OFFICER, "resolve", datetime(2026, 11, 4, tzinfo=WITA), LIMITS, note="beres")
    window = c.deadlines["reporter_reply"]
    c, types, notices = run(c, window + timedelta(seconds=1))
    assert c.status == Status.CLOSED and types == ["closed"]
    assert {n.recipient for n in notices} == {"reporter", f"agency:{UNIT.agency_id}"}
    assert escalation.next_due_at(c, window, LIMITS) is None  # closed reports leave the due index


def test_silent_reporter_is_archived_and_a_reply_in_time_resumes():
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=WITA))
    asked, _ = apply_action(c, OFFICER, "request_info", datetime(2026, 11, 3, 10, tzinfo=WITA), LIMITS,
                            note="Alamat lengkap?")
    archived, types, _ = run(asked, asked.deadlines["reporter_reply"] + timedelta(seconds=1))
    assert archived.status == Status.REJECTED and types == ["archived"]
    resumed, _ = reporter_reply(asked, datetime(2026, 11, 5, 10, tzinfo=WITA), "Jl. Perintis 10")
    assert resumed.status == Status.FORWARDED
    # 4 working days were left on 3 Nov (4, 5, 6, 9 Nov): from Thu 5 Nov they run to Wed 11 Nov
    assert resumed.deadlines["first_response"].isoformat() == "2026-11-11T23:59:59+08:00"


def test_sixty_days_unresolved_makes_the_reporter_ombudsman_eligible():
    c = forwarded_on(datetime(2026, 9, 1, 9, 0, tzinfo=WITA))
    c, _ = apply_action(c, OFFICER, "respond", datetime(2026, 9, 2, tzinfo=WITA), LIMITS, note="dicek")
    c, types, notices = run(c, datetime(2026, 10, 31, 9, 0, 1, tzinfo=WITA))
    assert c.ombudsman_eligible and "ombudsman_eligible" in types
    assert any(n.recipient == "reporter" and n.kind == "ombudsman" for n in notices)


def test_every_open_report_has_a_next_due_time_and_closed_ones_none():
    c = forwarded_on(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    assert escalation.next_due_at(c, datetime(2026, 11, 2, 9, 0, tzinfo=UTC), LIMITS) is not None
    closed = c.evolve(status=Status.CLOSED, deadlines={})
    assert escalation.next_due_at(closed, datetime(2026, 11, 2, tzinfo=UTC), LIMITS) is None
