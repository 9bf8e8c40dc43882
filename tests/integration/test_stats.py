"""Statistics through the API (``GET /stats``, ``GET /agency/stats``) and the rebuild, on the moto server.

The scenario lives in Kota Gorontalo (75.71) and the random walks in Kabupaten Mamuju (76.02) and
Halmahera Barat (82.01): no other test files reports there, so their scopes hold only these reports.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from chalicelib.domain import escalation, stats
from chalicelib.domain.agencies import Agency, regency_coordinator
from chalicelib.domain.complaint import Complaint, apply_action, reporter_feedback, submitted_event
from chalicelib.domain.deadlines import verification_deadline
from tests import transitions
from tests.fixtures import body
from tests.moto_speedups import streams_paused

WITA = ZoneInfo("Asia/Makassar")
GORONTALO = regency_coordinator("75.71")  # pemkot-gorontalo
PUPR = Agency("uji-pupr-kota-gorontalo", "Dinas PUPR Kota Gorontalo (uji)", "unit", GORONTALO.agency_id,
              (*GORONTALO.path, "uji-pupr-kota-gorontalo"), "75", "75.71")
DINKES = Agency("uji-dinkes-kota-gorontalo", "Dinas Kesehatan Kota Gorontalo (uji)", "unit", GORONTALO.agency_id,
                (*GORONTALO.path, "uji-dinkes-kota-gorontalo"), "75", "75.71")
FEBRUARY = "from=2026-02-01&to=2026-02-28"


@pytest.fixture(scope="module", autouse=True)
def _fast_transactions():
    """Hundreds of transactions here: let moto back up only what each one touches."""
    from tests.moto_speedups import cheap_transaction_backups

    with cheap_transaction_backups():
        yield


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=WITA)


def key(role: str, agency_id: str) -> dict[str, str]:
    from chalicelib.services import keys

    return {"Authorization": f"Bearer {keys.issue(role, agency_id)['key']}"}


class Reports:
    """Builds reports with the domain functions and writes them through the store, at set times."""

    def __init__(self) -> None:
        from chalicelib.services import store

        self.store = store
        self.limits = store.limits()

    def file(self, number: int, kind: str, category: str, when: datetime) -> Complaint:
        queue = GORONTALO.target()
        c = Complaint(tracking_id=f"LPR-GTLO-{number:04d}", kind=kind, title="Laporan skenario statistik",
                      description="Deskripsi laporan skenario yang cukup panjang.", category=category,
                      province_code="75", regency_code="75.71", reporter_token_hash="x", submitted_at=when,
                      updated_at=when, agency_id=queue.agency_id, agency_path=queue.path, agency_name=queue.name,
                      reporter_name="Pelapor Rahasia", reporter_email="pelapor@example.com", confidential=True,
                      deadlines={"verification": verification_deadline(when, "75", self.limits)})
        self.store.create(c, [submitted_event(c)], when)
        return c

    def act(self, c: Complaint, action: str, when: datetime, target: Agency | None = None) -> Complaint:
        admin = transitions.NATIONAL_ADMIN
        after, events = apply_action(c, admin, action, when, self.limits, note="catatan",
                                     target=target.target() if target else None)
        return self.store.update(c, after, events, when)

    def feedback(self, c: Complaint, decision: str, when: datetime, rating: int | None = None) -> Complaint:
        after, events = reporter_feedback(c, when, self.limits, decision, rating, "komentar pelapor")
        return self.store.update(c, after, events, when)

    def sweep(self, c: Complaint, when: datetime) -> Complaint:
        after, events, _ = escalation.apply_steps(c, escalation.due_steps(c, when, self.limits), when)
        return self.store.update(c, after, events, when)


@pytest.fixture(scope="module")
def scenario(tables) -> dict[str, Complaint]:
    """Six reports filed in Kota Gorontalo on Monday 2 February 2026 (WITA):

    R1 complaint/infrastructure -> PUPR, answered after 2 h, resolved, accepted with 5 stars: closed
    R2 aspiration/health        -> Dinkes, answered after 30 h, resolved, reopened: in progress
    R3 complaint/health         -> Dinkes, answered after 240 h (late), resolved
    R4 information_request/education: rejected by the coordinator
    R5 complaint/infrastructure: still waiting in the coordinator's queue
    R6 complaint/infrastructure -> PUPR, never answered: overdue and escalated by the sweep
    """
    from chalicelib.services import seed

    for unit in (PUPR, DINKES):
        seed.to_model(unit, "2026-01-01T00:00:00+08:00").save()
    r = Reports()
    r1 = r.file(1, "complaint", "infrastructure", at(2, 9))
    r1 = r.act(r1, "forward", at(2, 10), PUPR)
    r1 = r.act(r1, "respond", at(2, 12))
    r1 = r.act(r1, "resolve", at(3, 10))
    r1 = r.feedback(r1, "accept", at(4, 9), rating=5)
    r2 = r.file(2, "aspiration", "health", at(2, 9, 10))
    r2 = r.act(r2, "forward", at(2, 10), DINKES)
    r2 = r.act(r2, "respond", at(3, 16))
    r2 = r.act(r2, "resolve", at(4, 10))
    r2 = r.feedback(r2, "reopen", at(5, 10))
    r3 = r.file(3, "complaint", "health", at(2, 9, 20))
    r3 = r.act(r3, "forward", at(2, 10), DINKES)
    r3 = r.act(r3, "respond", at(12, 10))
    r3 = r.act(r3, "resolve", at(12, 11))
    r4 = r.file(4, "information_request", "education", at(2, 9, 30))
    r4 = r.act(r4, "reject", at(3, 9))
    r5 = r.file(5, "complaint", "infrastructure", at(2, 9, 40))
    r6 = r.file(6, "complaint", "infrastructure", at(2, 9, 50))
    r6 = r.act(r6, "forward", at(2, 10), PUPR)
    r6 = r.sweep(r6, at(20, 9))
    reports = {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6}
    assert [c.status for c in reports.values()] == ["closed", "in_progress", "resolved", "rejected", "submitted",
                                                     "forwarded"]
    assert r6.overdue and r6.escalated_to
    return reports


def test_regency_stats_match_the_hand_computed_numbers(client, scenario, dynamodb_calls):
    # When anyone asks for Kota Gorontalo's numbers for February 2026
    dynamodb_calls.reset()
    response = client.http.get(f"/stats?scope=regency:75.71&{FEBRUARY}")
    # Then one Query answers it (never a Scan)
    assert response.status_code == 200
    assert dynamodb_calls.counts == {"Query": 1}
    figures = body(response)
    assert (figures["scope"], figures["from"], figures["to"]) == ("regency:75.71", "2026-02-01", "2026-02-28")
    assert figures["total"] == 6
    assert figures["by_status"] == {"submitted": 1, "forwarded": 1, "in_progress": 1, "awaiting_reporter": 0,
                                    "resolved": 1, "closed": 1, "rejected": 1}
    assert figures["by_kind"] == {"complaint": 4, "aspiration": 1, "information_request": 1}
    assert {k: v for k, v in figures["by_category"].items() if v} == {"infrastructure": 3, "health": 2,
                                                                      "education": 1}
    assert figures["forwarded"] == 4
    assert figures["resolved_pct"] == 50.0                 # R1 closed + R3 resolved, of 4 forwarded
    assert figures["on_time_pct"] == 66.7                  # R1 and R2 of three first responses
    assert figures["median_first_response_hours"] == 36.0  # 2 h, 30 h, 240 h: the middle one's bucket (24, 48]
    assert figures["reopen_rate"] == 33.3                  # R2 of R1, R2, R3 (resolved at least once)
    assert figures["satisfaction_avg"] == 5.0 and figures["ratings"] == 1
    assert figures["escalated"] == 1 and figures["overdue"] == 1
    assert figures["by_month"] == [{"month": "2026-02", "total": 6, "resolved": 2}]


def test_public_stats_show_no_personal_data_and_nothing_of_confidential_reports(client, scenario):
    text = client.http.get(f"/stats?scope=province:75&{FEBRUARY}").body.decode()
    for secret in ("Pelapor Rahasia", "pelapor@example.com", "Laporan skenario", "LPR-GTLO"):
        assert secret not in text


def test_stats_by_agency_and_outside_the_range(client, scenario):
    pupr = body(client.http.get(f"/stats?scope=agency:{PUPR.agency_id}&{FEBRUARY}"))
    assert (pupr["total"], pupr["resolved_pct"], pupr["on_time_pct"], pupr["overdue"]) == (2, 50.0, 100.0, 1)
    march = body(client.http.get("/stats?scope=regency:75.71&from=2026-03-01&to=2026-03-31"))
    assert march["total"] == 0 and march["resolved_pct"] is None and march["by_month"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("scope=planet:earth", "scope"), ("scope=province:99", "scope"), ("scope=regency:75.99", "scope"),
    ("scope=agency:no-such-agency", "scope"), ("from=2026-02-31", "from"), ("to=tomorrow", "to"),
    ("from=2026-03-01&to=2026-02-01", "from"),
])
def test_a_bad_scope_or_date_is_a_422_in_the_spec_shape(client, tables, query, field):
    response = client.http.get(f"/stats?{query}")
    assert response.status_code == 422
    error = body(response)["error"]
    assert error["code"] == "validation_error" and field in error["fields"]


def test_the_default_range_is_the_last_30_days(client, tables):
    figures = body(client.http.get("/stats"))
    first, last = date.fromisoformat(figures["from"]), date.fromisoformat(figures["to"])
    assert (last - first).days == 29 and figures["scope"] == "national"


def test_coordinator_scorecards_for_the_agencies_below(client, scenario, dynamodb_calls):
    # Given the coordinator of Kota Gorontalo
    headers = key("coordinator", GORONTALO.agency_id)
    # When they read their scorecards for February, best first response first
    dynamodb_calls.reset()
    response = client.http.get(f"/agency/stats?{FEBRUARY}&sort=median_first_response_hours", headers=headers)
    assert response.status_code == 200
    answer = body(response)
    # Then their own agency counts everything under it, and what it holds itself is shown apart
    assert (answer["agency"]["agency_id"], answer["agency"]["reports"]) == (GORONTALO.agency_id, 6)
    assert answer["agency"]["resolved_pct"] == 50.0 and answer["agency"]["scope"] == "within:pemkot-gorontalo"
    assert (answer["held_directly"]["reports"], answer["held_directly"]["resolved_pct"]) == (2, None)
    # and each unit below has its scorecard
    rows = {row["agency_id"]: row for row in answer["agencies"]}
    assert list(rows) == [PUPR.agency_id, DINKES.agency_id]  # 1.5 h before 48 h
    pupr, dinkes = rows[PUPR.agency_id], rows[DINKES.agency_id]
    assert (pupr["reports"], pupr["resolved_pct"], pupr["on_time_pct"], pupr["median_first_response_hours"],
            pupr["overdue"], pupr["escalated"], pupr["satisfaction_avg"]) == (2, 50.0, 100.0, 1.5, 1, 1, 5.0)
    assert (dinkes["reports"], dinkes["resolved_pct"], dinkes["on_time_pct"], dinkes["median_first_response_hours"],
            dinkes["reopen_rate"], dinkes["satisfaction_avg"]) == (2, 50.0, 50.0, 48.0, 50.0, None)
    # with one Query for the children and one per row, never a Scan
    assert dynamodb_calls.counts["Scan"] == 0 and dynamodb_calls.counts["Query"] == 1 + 4
    # Sorted the other way round
    again = body(client.http.get(f"/agency/stats?{FEBRUARY}&sort=-median_first_response_hours", headers=headers))
    assert [row["agency_id"] for row in again["agencies"]] == [DINKES.agency_id, PUPR.agency_id]


def test_scorecards_with_charts(client, scenario):
    headers = key("coordinator", GORONTALO.agency_id)
    answer = body(client.http.get(f"/agency/stats?{FEBRUARY}&charts=true", headers=headers))
    assert answer["charts"]["monthly"].startswith("<svg") and "2026-02: 6 laporan" in answer["charts"]["monthly"]
    assert "Dinas PUPR Kota Gorontalo (uji): 50.0%" in answer["charts"]["resolution"]


def test_an_officer_sees_only_their_own_agency(client, scenario):
    headers = key("officer", PUPR.agency_id)
    answer = body(client.http.get(f"/agency/stats?{FEBRUARY}", headers=headers))
    assert answer["agency"]["scope"] == f"agency:{PUPR.agency_id}" and answer["agency"]["reports"] == 2
    assert answer["agencies"] == []
    other = client.http.get(f"/agency/stats?agency_id={DINKES.agency_id}", headers=headers)
    assert other.status_code == 403 and body(other)["error"]["code"] == "forbidden"


def test_scorecards_outside_the_callers_scope_are_refused(client, scenario):
    makassar = key("coordinator", "pemkot-makassar")
    refused = client.http.get(f"/agency/stats?agency_id={GORONTALO.agency_id}", headers=makassar)
    assert refused.status_code == 403
    # while the national admin may drill down anywhere
    national = key("national_admin", "kemenpanrb")
    answer = body(client.http.get(f"/agency/stats?agency_id={GORONTALO.agency_id}&{FEBRUARY}", headers=national))
    assert answer["agency"]["reports"] == 6


def test_scorecards_need_a_valid_key_and_a_known_sort(client, scenario):
    assert client.http.get("/agency/stats", headers={"Authorization": "Bearer nope"}).status_code == 401
    bad = client.http.get("/agency/stats?sort=colour", headers=key("coordinator", GORONTALO.agency_id))
    assert bad.status_code == 422 and "sort" in body(bad)["error"]["fields"]


# --- live counters against counters rebuilt from scratch --------------------------------------------

EVERYTHING = (date(2000, 1, 1), date(2100, 12, 31))


def live_and_rebuilt(scopes: set[str]) -> tuple[stats.Counts, stats.Counts]:
    """What the API reads for these scopes (Queries), and what a rebuild from every report gives."""
    from chalicelib.services import stats as stats_service

    live = {scope: stats_service.read_days(scope, *EVERYTHING) for scope in scopes}
    rebuilt = stats.rebuilt(stats_service.scan_complaints())
    return stats.without_zeros(live), stats.without_zeros({s: d for s, d in rebuilt.items() if s in scopes})


@pytest.mark.slow
@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(walk=transitions.walks_of(200, 300))
def test_live_counters_equal_counters_rebuilt_from_the_stored_reports(tables, walk):
    from chalicelib.services import store

    # Given hundreds of transitions written one transaction at a time, as the API writes them
    def write(before, after, events, also):
        if before is None:
            store.create(after, events, after.submitted_at)
            return after
        return store.update(before, after, events, after.updated_at, also=also)

    ids = "".join(secrets.choice("ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(4))
    done = transitions.Walk(("76.02", "82.01"), "hypdb", datetime(2026, 1, 5, 1, 0, tzinfo=WITA), write, ids=ids)
    # (nobody forwards these reports: they leave no stream records for other tests' stream readers)
    with streams_paused("complaints", "notifications"):
        try:
            done.run(walk)
            assert done.applied >= 100
            # When the counters are rebuilt from the stored reports
            scopes = done.touched - SHARED_SCOPES
            live, rebuilt = live_and_rebuilt(scopes)
            # Then what the API reads equals the rebuilt sums, scope by scope, day by day
            assert live == rebuilt
        finally:
            forget(done.reports, done.touched - SHARED_SCOPES)


# Scopes other tests' reports count in too (a report returned three times waits with national).
SHARED_SCOPES = {"national", "agency:kemenpanrb"}


def forget(reports: list[Complaint], own_scopes: set[str]) -> None:
    """Take a walk's reports out of the shared tables again (and their share of the shared
    counters), so that the tests after this one work on tables of the usual size."""
    from chalicelib.models import ComplaintModel, EventModel, NotificationModel, StatModel

    for scope, days in stats.rebuilt(reports).items():
        if scope not in SHARED_SCOPES:
            continue
        for day, counters in days.items():
            StatModel(scope, f"{day}#0").update(actions=[getattr(StatModel, name).add(-value)
                                                         for name, value in sorted(counters.items())])
    for model, items in ((StatModel, (item for scope in own_scopes for item in StatModel.query(scope))),
                         (EventModel, (e for c in reports for e in EventModel.query(c.tracking_id))),
                         (NotificationModel, (n for c in reports for n in NotificationModel.query(c.tracking_id))),
                         (ComplaintModel, (ComplaintModel(c.tracking_id) for c in reports))):
        with model.batch_write() as batch:
            for item in items:
                batch.delete(item)


def test_rebuild_corrects_drift_and_reads_then_equal_the_rebuilt_sums(scenario):
    from chalicelib.models import StatModel
    from chalicelib.services import stats as stats_service

    scopes = {"regency:75.71", f"agency:{PUPR.agency_id}", "within:pemkot-gorontalo"}
    # Given counters that drifted: a stray increment, and a scope whose items were lost (as before a
    # migration that introduced it)
    StatModel("regency:75.71", "2026-02-02#3").update(actions=[StatModel.total.add(7),
                                                               StatModel.status_closed.add(-1)])
    for item in StatModel.query("within:pemkot-gorontalo"):
        item.delete()
    live, rebuilt = live_and_rebuilt(scopes)
    assert live != rebuilt
    # When the rebuild runs (a dry run first reports the drift and changes nothing)
    preview = stats_service.rebuild(scopes=scopes, dry_run=True)
    assert preview["drift_items"] == 2 and preview["corrected"] == 0
    assert preview["drift_scopes"] == ["regency:75.71", "within:pemkot-gorontalo"]
    done = stats_service.rebuild(scopes=scopes)
    # Then what the API reads equals the rebuilt sums, and a second run finds nothing to fix
    live, rebuilt = live_and_rebuilt(scopes)
    assert live == rebuilt and done["corrected"] == 2
    assert stats_service.rebuild(scopes=scopes)["drift_items"] == 0


def test_the_rebuild_command_line(scenario, capsys):
    from devtools import rebuild_stats

    # When an operator runs a dry run for one scope
    assert rebuild_stats.main(["--dry-run", "--scope", "regency:75.71"]) == 0
    # Then it prints what it found as JSON
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True and report["drift_items"] == 0 and report["reports"] >= 6


def test_a_refused_change_leaves_the_counters_untouched(scenario):
    from chalicelib.errors import StaleVersion
    from chalicelib.services import stats as stats_service
    from chalicelib.services import store

    # Given a report and the counters of its regency
    before = store.get("LPR-GTLO-0005", consistent=True)
    counted = stats_service.read_days("regency:75.71", *EVERYTHING)
    # When a change based on an outdated version is written
    stale = before.evolve(version=before.version - 1)
    after, events = apply_action(stale, transitions.NATIONAL_ADMIN, "reject", at(21, 9), store.limits(),
                                 note="spam")
    with pytest.raises(StaleVersion):
        store.update(stale, after, events, at(21, 9))
    # Then neither the report nor any counter moved
    assert store.get("LPR-GTLO-0005", consistent=True) == before
    assert stats_service.read_days("regency:75.71", *EVERYTHING) == counted
