"""The report lifecycle (SPEC §4) as a table: every staff action from every status, every reporter
step from every status, and the refusals the SPEC names. The expected table is written out here
from the SPEC, not derived from the code's ``ACTIONS``, so a change to either shows up as a failure.

Reports are brought into each status through the domain functions themselves (file → forward →
respond → …), the way they get there in production.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.agencies import national, province_coordinator, regency_coordinator
from chalicelib.domain.complaint import (
    STAFF_ACTIONS,
    Actor,
    Complaint,
    Status,
    Target,
    apply_action,
    forward,
    reporter_feedback,
    reporter_reply,
    returns_destination,
)
from chalicelib.domain.deadlines import Limits
from chalicelib.errors import Forbidden, InvalidTransition, ValidationFailed
from tests.factories import complaint

WITA = ZoneInfo("Asia/Makassar")
LIMITS = Limits()
FILED = datetime(2026, 11, 2, 9, 0, tzinfo=WITA)  # a Monday
NOW = datetime(2026, 11, 4, 10, 0, tzinfo=WITA)  # two days later, well inside every window

QUEUE = regency_coordinator("73.71").target()  # pemkot-makassar, where a Makassar report waits
UNIT = Target("dinas-kesehatan-kota-makassar", (*QUEUE.path, "dinas-kesehatan-kota-makassar"))
OTHER_UNIT = Target("dinas-pupr-kota-makassar", (*QUEUE.path, "dinas-pupr-kota-makassar"))

NATIONAL_ADMIN = Actor("national_admin", "kemenpanrb", ("kemenpanrb",))
CITY_COORDINATOR = Actor("coordinator", QUEUE.agency_id, QUEUE.path)
UNIT_OFFICER = Actor("officer", UNIT.agency_id, UNIT.path)
STRANGER = Actor("officer", "dinas-kesehatan-kota-bandung",
                 ("kemenpanrb", "pemprov-jawa-barat", "pemkot-bandung", "dinas-kesehatan-kota-bandung"))


def _in(status: Status) -> Complaint:
    """A Makassar report brought into ``status`` by the lifecycle's own steps."""
    c = complaint(now=FILED, regency_code="73.71")
    if status == Status.SUBMITTED:
        return c
    if status == Status.REJECTED:
        return apply_action(c, NATIONAL_ADMIN, "reject", FILED, LIMITS, note="spam")[0]
    c, _ = forward(c, UNIT, FILED, LIMITS)
    if status == Status.FORWARDED:
        return c
    c, _ = apply_action(c, UNIT_OFFICER, "respond", FILED, LIMITS, note="sedang dicek")
    if status == Status.IN_PROGRESS:
        return c
    if status == Status.AWAITING_REPORTER:
        return apply_action(c, UNIT_OFFICER, "request_info", FILED, LIMITS, note="di mana tepatnya?")[0]
    c, _ = apply_action(c, UNIT_OFFICER, "resolve", FILED, LIMITS, note="sudah diperbaiki")
    if status == Status.RESOLVED:
        return c
    assert status == Status.CLOSED
    return reporter_feedback(c, FILED, LIMITS, "accept", 5, "terima kasih")[0]


# SPEC §4 "Transitions": (action, from) -> to. Every other pair is 409 and changes nothing.
STAFF_TRANSITIONS = {
    ("forward", Status.SUBMITTED): Status.FORWARDED,
    ("forward", Status.FORWARDED): Status.FORWARDED,  # re-disposes to another agency
    ("reject", Status.SUBMITTED): Status.REJECTED,
    ("return", Status.FORWARDED): Status.SUBMITTED,
    ("return", Status.IN_PROGRESS): Status.SUBMITTED,
    ("respond", Status.FORWARDED): Status.IN_PROGRESS,
    ("respond", Status.IN_PROGRESS): Status.IN_PROGRESS,
    ("request_info", Status.SUBMITTED): Status.AWAITING_REPORTER,
    ("request_info", Status.FORWARDED): Status.AWAITING_REPORTER,
    ("request_info", Status.IN_PROGRESS): Status.AWAITING_REPORTER,
    ("resolve", Status.IN_PROGRESS): Status.RESOLVED,
    # SPEC §12: a duplicate of another report of the same regency is closed
    ("mark_duplicate", Status.SUBMITTED): Status.CLOSED,
    ("mark_duplicate", Status.FORWARDED): Status.CLOSED,
    ("mark_duplicate", Status.IN_PROGRESS): Status.CLOSED,
    ("mark_duplicate", Status.AWAITING_REPORTER): Status.CLOSED,
}
EXPECTED_EVENT = {"forward": "forwarded", "reject": "rejected", "return": "returned", "respond": "responded",
                  "request_info": "info_requested", "resolve": "resolved", "mark_duplicate": "marked_duplicate"}
# The report a duplicate repeats: another open Makassar report.
ORIGINAL = complaint(tracking_id="LPR-TEST-0002", now=FILED, regency_code="73.71")
ALL_PAIRS = [(action, status) for action in STAFF_ACTIONS for status in Status]


def _act(c: Complaint, action: str, actor: Actor = NATIONAL_ADMIN, **kwargs):
    target = OTHER_UNIT if c.agency_id == UNIT.agency_id else UNIT
    queue = returns_destination(c, province_coordinator(c.province_code).target(), national().target())
    kwargs = {"note": "catatan petugas", "target": target, "return_queue": queue, "original": ORIGINAL} | kwargs
    return apply_action(c, actor, action, NOW, LIMITS, **kwargs)


def test_the_table_names_every_staff_action_of_the_spec():
    assert set(STAFF_ACTIONS) >= {action for action, _ in STAFF_TRANSITIONS}
    assert {"forward", "reject", "return", "respond", "request_info", "resolve", "mark_duplicate"} <= set(STAFF_ACTIONS)


@pytest.mark.parametrize(("action", "status"), ALL_PAIRS, ids=[f"{a}-from-{s}" for a, s in ALL_PAIRS])
def test_a_staff_action_moves_the_report_as_the_spec_says_or_is_refused_with_409(action, status):
    # Given a report in `status`, and the national admin (who may do anything, anywhere)
    before = _in(status)
    expected = STAFF_TRANSITIONS.get((action, status))
    if expected is None:
        # When the action does not apply there: 409 invalid_transition
        with pytest.raises(InvalidTransition) as refused:
            _act(before, action)
        assert refused.value.status == 409 and refused.value.code == "invalid_transition"
        assert action in refused.value.message and str(status) in refused.value.message
        return
    # When it does: the new status, one timeline event of the action's type, the version untouched
    # (the store bumps it with its conditional write)
    after, events = _act(before, action)
    assert after.status == expected
    assert [e.type for e in events] == [EXPECTED_EVENT[action]]
    assert events[0].status == expected and events[0].actor_role == "national_admin"
    assert events[0].at == NOW and after.updated_at == NOW
    assert after.version == before.version


def test_return_sends_the_report_back_up_the_ladder_and_counts_it():
    # Given a report with a unit; returned three times in a row (each time re-forwarded to a unit)
    c = _in(Status.FORWARDED)
    queues = []
    for _ in range(3):
        c, events = _act(c, "return", UNIT_OFFICER)
        queues.append(c.agency_id)
        assert events[0].type == "returned" and events[0].data == {"from_agency_id": UNIT.agency_id,
                                                                   "returns": c.returns}
        assert c.status == Status.SUBMITTED and "verification" in c.deadlines and "first_response" not in c.deadlines
        c, _ = forward(c, UNIT, NOW, LIMITS)
    # Then: the city coordinator, the province coordinator, national (SPEC §4 return)
    assert queues == ["pemkot-makassar", "pemprov-sulawesi-selatan", "kemenpanrb"]
    assert c.returns == 3


def test_the_first_response_stops_its_clock_and_records_being_on_time():
    c = _in(Status.FORWARDED)
    assert "first_response" in c.deadlines
    after, _ = _act(c, "respond", UNIT_OFFICER)
    assert "first_response" not in after.deadlines and "resolution" in after.deadlines
    assert after.first_response_at == NOW and after.first_response_on_time is True
    again, _ = _act(after, "respond", UNIT_OFFICER, note="masih dikerjakan")
    assert again.status == Status.IN_PROGRESS and again.first_response_at == NOW


def test_forward_to_the_agency_that_holds_the_report_is_refused():
    # Given a report forwarded to the unit; When it is forwarded to the same unit again: 409
    c = _in(Status.FORWARDED)
    with pytest.raises(InvalidTransition, match="already with that agency"):
        _act(c, "forward", target=UNIT)
    # while forwarding to another agency re-disposes it, with a fresh first-response clock
    after, events = _act(c, "forward", target=OTHER_UNIT)
    assert after.agency_id == OTHER_UNIT.agency_id and events[0].data == {"from_agency_id": UNIT.agency_id}
    assert after.deadlines["first_response"] > c.deadlines["first_response"]
    assert after.deadlines["resolution"] == c.deadlines["resolution"]  # the 60 days run from the first disposition


def test_request_info_on_a_submitted_report_pauses_it_and_the_reply_puts_it_back_in_the_queue():
    # Given a report waiting for verification; When the verifier asks the reporter a question
    c = _in(Status.SUBMITTED).evolve(deadlines={"verification": FILED + timedelta(days=3)})
    asked, events = _act(c, "request_info", CITY_COORDINATOR, note="di mana tepatnya?")
    # Then it waits for the reporter, its clock paused, with the reporter's reply window running
    assert asked.status == Status.AWAITING_REPORTER and events[0].type == "info_requested"
    assert asked.paused["from_status"] == Status.SUBMITTED and set(asked.deadlines) == {"reporter_reply"}
    # When the reporter replies: back to submitted, in the same queue, the verification clock running
    replied, events = reporter_reply(asked, NOW + timedelta(hours=1), "di depan kampus UNHAS")
    assert replied.status == Status.SUBMITTED and replied.agency_id == QUEUE.agency_id
    assert set(replied.deadlines) == {"verification"} and events[0].type == "reporter_replied"


# SPEC §4 reporter rows: reply from every status.
REPLY = {Status.AWAITING_REPORTER: Status.IN_PROGRESS,  # back to where it came from (here: in_progress)
         Status.SUBMITTED: Status.SUBMITTED, Status.FORWARDED: Status.FORWARDED,
         Status.IN_PROGRESS: Status.IN_PROGRESS, Status.RESOLVED: Status.RESOLVED}


@pytest.mark.parametrize("status", list(Status))
def test_a_reporter_reply_from_every_status(status):
    before = _in(status)
    if status not in REPLY:
        with pytest.raises(InvalidTransition):
            reporter_reply(before, NOW, "tambahan informasi")
        return
    after, events = reporter_reply(before, NOW, "tambahan informasi")
    assert after.status == REPLY[status]
    assert [(e.type, e.audience) for e in events] == [("reporter_replied", "reporter")]


@pytest.mark.parametrize("decision", ["accept", "reopen"])
@pytest.mark.parametrize("status", list(Status))
def test_feedback_on_a_report_not_resolved_is_refused(status, decision):
    before = _in(status)
    if status == Status.RESOLVED:
        after, events = reporter_feedback(before, NOW, LIMITS, decision, 4, "alasan saya")
        assert after.status == (Status.CLOSED if decision == "accept" else Status.IN_PROGRESS)
        assert [e.type for e in events] == ["accepted" if decision == "accept" else "reopened"]
        return
    with pytest.raises(InvalidTransition, match="give feedback on"):
        reporter_feedback(before, NOW, LIMITS, decision, 4, "alasan saya")


def test_accept_closes_with_the_rating():
    after, events = reporter_feedback(_in(Status.RESOLVED), NOW, LIMITS, "accept", 5, "mantap")
    assert after.status == Status.CLOSED and after.rating == 5 and after.closed_at == NOW
    assert after.deadlines == {} and events[0].data == {"rating": 5}


def test_the_third_reopen_is_refused():
    # Given a report resolved and reopened twice
    c = _in(Status.RESOLVED)
    for n in (1, 2):
        c, _ = reporter_feedback(c, NOW, LIMITS, "reopen", None, "belum beres")
        assert c.status == Status.IN_PROGRESS and c.reopens == n
        c, _ = _act(c, "resolve", UNIT_OFFICER, note="sudah, sungguh")
    # When the reporter reopens it a third time: 409, and nothing changes
    with pytest.raises(InvalidTransition, match="at most 2 times"):
        reporter_feedback(c, NOW, LIMITS, "reopen", None, "masih belum")
    # but they may still accept it
    assert reporter_feedback(c, NOW, LIMITS, "accept", 3, "")[0].status == Status.CLOSED


def test_a_reopen_after_the_reply_window_is_refused():
    c = _in(Status.RESOLVED)
    window_end = c.deadlines["reporter_reply"]
    # One second inside the window: reopened
    assert reporter_feedback(c, window_end, LIMITS, "reopen", None, "belum")[0].status == Status.IN_PROGRESS
    # One second after: refused
    with pytest.raises(InvalidTransition, match="window to reopen"):
        reporter_feedback(c, window_end + timedelta(seconds=1), LIMITS, "reopen", None, "belum")


def test_a_reopen_needs_a_reason():
    with pytest.raises(ValidationFailed) as refused:
        reporter_feedback(_in(Status.RESOLVED), NOW, LIMITS, "reopen", None, "   ")
    assert refused.value.fields == {"note": "a reason is required"}


# Who may act (SPEC §1, §4): (actor, action, status) -> allowed?
PERMISSIONS = [
    (UNIT_OFFICER, "forward", Status.FORWARDED, Forbidden),  # verifiers only
    (UNIT_OFFICER, "respond", Status.FORWARDED, None),
    (UNIT_OFFICER, "resolve", Status.IN_PROGRESS, None),
    (UNIT_OFFICER, "request_info", Status.IN_PROGRESS, None),
    (UNIT_OFFICER, "return", Status.FORWARDED, None),
    (UNIT_OFFICER, "reject", Status.SUBMITTED, Forbidden),  # verifiers only, and not in its scope
    (UNIT_OFFICER, "forward", Status.SUBMITTED, Forbidden),  # the city's queue is not the unit's
    (CITY_COORDINATOR, "forward", Status.SUBMITTED, None),
    (CITY_COORDINATOR, "reject", Status.SUBMITTED, None),
    (CITY_COORDINATOR, "respond", Status.FORWARDED, None),  # a coordinator acts for agencies below it
    (STRANGER, "respond", Status.FORWARDED, Forbidden),
    (STRANGER, "request_info", Status.SUBMITTED, Forbidden),
    (Actor("coordinator", "pemprov-jawa-barat", ("kemenpanrb", "pemprov-jawa-barat")), "reject", Status.SUBMITTED,
     Forbidden),
]


@pytest.mark.parametrize(("actor", "action", "status", "refusal"), PERMISSIONS,
                         ids=[f"{a.role}:{a.agency_id}-{act}-{s}" for a, act, s, _ in PERMISSIONS])
def test_who_may_act(actor, action, status, refusal):
    before = _in(status)
    if refusal is None:
        after, _ = _act(before, action, actor)
        assert after.status == STAFF_TRANSITIONS[(action, status)]
    else:
        with pytest.raises(refusal):
            _act(before, action, actor)


@pytest.mark.parametrize(("action", "status"), [
    ("reject", Status.SUBMITTED), ("return", Status.FORWARDED), ("respond", Status.FORWARDED),
    ("request_info", Status.IN_PROGRESS), ("resolve", Status.IN_PROGRESS),
])
def test_an_action_that_needs_a_note_is_refused_without_one(action, status):
    for note in (None, "", "  \n "):
        with pytest.raises(ValidationFailed) as refused:
            _act(_in(status), action, note=note)
        assert set(refused.value.fields) == {"note"}
    with pytest.raises(ValidationFailed, match="too long"):
        _act(_in(status), action, note="x" * 4001)


def test_forward_without_an_agency_and_an_unknown_action_are_validation_errors():
    with pytest.raises(ValidationFailed) as refused:
        _act(_in(Status.SUBMITTED), "forward", target=None)
    assert refused.value.fields == {"agency_id": "required for forward"}
    with pytest.raises(ValidationFailed) as refused:
        _act(_in(Status.SUBMITTED), "close")
    assert set(refused.value.fields) == {"action"}


def test_a_refused_transition_is_checked_before_the_note():
    # A resolve on a forwarded report without a note is a 409 (wrong state), not a 422
    with pytest.raises(InvalidTransition):
        _act(_in(Status.FORWARDED), "resolve", note=None)
