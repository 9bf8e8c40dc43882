"""Participation (SPEC §14) through the API on the moto server: connected, silent, scope, paging,
concurrency, the public share connected.

Everything here happens in Kalimantan Utara (province 65, WITA), where no other test files
reports, under two OPD units made for these tests below Kota Tarakan (65.71).
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.agencies import Agency, province_coordinator, regency_coordinator
from tests.fixtures import body
from tests.staff import file_report

WITA = ZoneInfo("Asia/Makassar")
KALTARA = province_coordinator("65")  # pemprov-kalimantan-utara
TARAKAN = regency_coordinator("65.71")  # pemkot-tarakan
NUNUKAN = regency_coordinator("65.04")
HUB = Agency("uji-dishub-kota-tarakan", "Dinas Perhubungan Kota Tarakan (uji)", "unit", TARAKAN.agency_id,
             (*TARAKAN.path, "uji-dishub-kota-tarakan"), "65", "65.71")
BUSY = Agency("uji-disdukcapil-kota-tarakan", "Disdukcapil Kota Tarakan (uji)", "unit", TARAKAN.agency_id,
              (*TARAKAN.path, "uji-disdukcapil-kota-tarakan"), "65", "65.71")
QUIET = Agency("uji-dkp-kota-tarakan", "Dinas Kelautan dan Perikanan Kota Tarakan (uji)", "unit",
               TARAKAN.agency_id, (*TARAKAN.path, "uji-dkp-kota-tarakan"), "65", "65.71")
SOCIAL = Agency("uji-dinsos-kota-tarakan", "Dinas Sosial Kota Tarakan (uji)", "unit", TARAKAN.agency_id,
                (*TARAKAN.path, "uji-dinsos-kota-tarakan"), "65", "65.71")
# Kalimantan Utara: the province, 5 regencies/cities, and the four units.
KALTARA_AGENCIES = 10


@pytest.fixture(scope="module")
def units(tables):
    from chalicelib.services.seed import to_model

    for agency in (HUB, BUSY, QUIET, SOCIAL):
        to_model(agency, "2026-01-01T00:00:00+07:00").save()
    return HUB, BUSY


def key(role: str, agency: Agency) -> dict[str, str]:
    from chalicelib.services import keys

    return {"Authorization": f"Bearer {keys.issue(role, agency.agency_id, label='participation test')['key']}"}


def participation(client, headers: dict[str, str], query: str = "") -> dict:
    response = client.http.get(f"/agency/participation{query}", headers=headers)
    assert response.status_code == 200, response.body
    return body(response)


def row_of(client, headers: dict[str, str], agency: Agency) -> dict:
    rows = participation(client, headers, "?limit=500")["agencies"]
    return next(r for r in rows if r["agency_id"] == agency.agency_id)


def file_for(client, pump, agency: Agency, **overrides) -> str:
    filed = file_report(client, **{"province_code": "65", "regency_code": "65.71",
                                   "target_agency_id": agency.agency_id, "category": "transport", **overrides})
    pump.drain()
    return filed["tracking_id"]


def respond(client, headers: dict[str, str], tracking_id: str) -> None:
    response = client.http.post(f"/agency/complaints/{tracking_id}/actions",
                                headers={**headers, "Content-Type": "application/json"},
                                body=json.dumps({"action": "respond", "note": "Sedang kami tinjau."}))
    assert response.status_code == 200, response.body


# --- scope ---------------------------------------------------------------------------------------

def test_a_coordinator_sees_only_their_subtree_and_an_officer_is_refused(client, units):
    # Given the coordinators of Kalimantan Utara and of Kota Tarakan, and an officer
    province, city = key("coordinator", KALTARA), key("coordinator", TARAKAN)
    # When each asks for participation
    whole = participation(client, province, "?limit=500")
    mine = participation(client, city, "?limit=500")
    refused = client.http.get("/agency/participation", headers=key("officer", NUNUKAN))
    # Then the province sees its 10 agencies, the city itself and its 4 units, the officer nothing
    assert whole["totals"]["agencies"] == KALTARA_AGENCIES == len(whole["agencies"])
    assert {r["agency_id"] for r in mine["agencies"]} == {TARAKAN.agency_id, HUB.agency_id, BUSY.agency_id,
                                                      QUIET.agency_id, SOCIAL.agency_id}
    assert all(r["agency_id"].startswith(("pem", "uji-")) for r in whole["agencies"])
    assert refused.status_code == 403 and body(refused)["error"]["code"] == "forbidden"
    # And a coordinator asking for another province gets nothing of it
    other = participation(client, city, "?province_code=73&limit=500")
    assert other["agencies"] == [] and other["totals"]["agencies"] == 0


def test_the_national_admin_sees_every_agency_with_totals_per_level_and_province(client, staff, units):
    answer = participation(client, staff.national(), "?limit=500")
    totals = answer["totals"]
    assert totals["agencies"] >= 563
    assert sum(level["agencies"] for level in answer["by_level"].values()) == totals["agencies"]
    assert answer["by_province"]["65"]["agencies"] == KALTARA_AGENCIES
    assert len(answer["agencies"]) == 500 and answer["next_cursor"]
    rest = participation(client, staff.national(), f"?limit=500&cursor={answer['next_cursor']}")
    seen = [r["agency_id"] for r in answer["agencies"] + rest["agencies"]]
    assert len(seen) == len(set(seen)) == totals["agencies"] and rest["next_cursor"] is None


@pytest.mark.parametrize("query, field", [
    ("?status=asleep", "status"), ("?province_code=99", "province_code"), ("?limit=0", "limit"),
    ("?limit=501", "limit"), ("?limit=ten", "limit"),
])
def test_bad_filters_are_422_on_their_field(client, units, query, field):
    response = client.http.get(f"/agency/participation{query}", headers=key("coordinator", KALTARA))
    assert response.status_code == 422, response.body
    assert field in body(response)["error"]["fields"]


def test_forged_or_foreign_cursors_are_400(client, units):
    headers = key("coordinator", KALTARA)
    first = participation(client, headers, "?limit=2")
    for cursor in ("nonsense", "eyJvIjotMSwiZiI6IngifQ", first["next_cursor"]):
        query = f"?limit=2&status=silent&cursor={cursor}"  # the last: a real cursor, other filters
        response = client.http.get(f"/agency/participation{query}", headers=headers)
        assert response.status_code == 400, (cursor, response.body)
        assert body(response)["error"]["fields"]["cursor"]


# --- connected -----------------------------------------------------------------------------------

def test_a_key_used_connects_the_agency_for_30_days(client, units, clock_at):
    # Given Dinas Kelautan with no account and no key used
    clock_at(datetime(2026, 12, 1, 9, 0, tzinfo=WITA))
    city = key("coordinator", TARAKAN)
    assert row_of(client, city, QUIET)["connected"] is False
    # When its program uses its API key once
    program = key("officer", QUIET)
    client.http.get("/agency/complaints?limit=1", headers=program)
    # Then it is connected, with the time of that use
    row = row_of(client, city, QUIET)
    assert row["connected"] is True and row["keys_used_30d"] is True
    assert row["last_key_use_at"].startswith("2026-12-01")
    # And still 30 days later, but not 31
    clock_at(datetime(2026, 12, 31, 8, 0, tzinfo=WITA))
    assert row_of(client, city, QUIET)["connected"] is True
    clock_at(datetime(2027, 1, 1, 10, 0, tzinfo=WITA))
    assert row_of(client, city, QUIET)["connected"] is False
    assert participation(client, city, "?status=not_connected")["agencies"][0]["agency_id"] == QUIET.agency_id
    # When the key is used again, it is connected again
    client.http.get("/agency/complaints?limit=1", headers=program)
    assert row_of(client, city, QUIET)["connected"] is True


def test_a_key_is_recorded_once_a_day(client, units, clock_at, dynamodb_calls):
    clock_at(datetime(2026, 12, 2, 9, 0, tzinfo=WITA))
    program = key("officer", BUSY)
    client.http.get("/agency/complaints?limit=1", headers=program)  # the day's first use: recorded
    dynamodb_calls.reset()
    client.http.get("/agency/complaints?limit=1", headers=program)
    assert dynamodb_calls.counts["UpdateItem"] == 0, dynamodb_calls.counts
    clock_at(datetime(2026, 12, 3, 9, 0, tzinfo=WITA))
    dynamodb_calls.reset()
    client.http.get("/agency/complaints?limit=1", headers=program)
    assert dynamodb_calls.counts["UpdateItem"] == 2, dynamodb_calls.counts  # the key's day, the agency's time


def test_an_active_account_connects_the_agency_and_each_sign_in_is_recorded(client, staff, accounts, units,
                                                                            clock_at):
    # Given Dinas Sosial with no account and no key
    city = key("coordinator", TARAKAN)
    moment = datetime(2026, 12, 4, 8, 30, tzinfo=WITA)
    clock_at(moment)
    assert row_of(client, city, SOCIAL)["connected"] is False
    # When an officer's account is made and signs in for the first time
    account = accounts.new("officer", SOCIAL.agency_id)
    # Then the agency is connected, with one active account and that sign-in
    row = row_of(client, city, SOCIAL)
    assert (row["active_accounts"], row["connected"], row["keys_used_30d"]) == (1, True, False)
    assert abs(datetime.fromisoformat(row["last_sign_in_at"]) - moment) < timedelta(minutes=1)
    # When the officer signs in again three days later, that is the last sign-in
    later = moment + timedelta(days=3)
    clock_at(later)
    accounts.sign_in(account)
    assert abs(datetime.fromisoformat(row_of(client, city, SOCIAL)["last_sign_in_at"]) - later) < timedelta(minutes=1)
    # When the account is disabled, the agency is not connected any more
    disabled = client.http.patch(f"/admin/users/{account['user_id']}", headers=staff.national(),
                                 body=json.dumps({"enabled": False}))
    assert disabled.status_code == 200, disabled.body
    row = row_of(client, city, SOCIAL)
    assert (row["active_accounts"], row["connected"]) == (0, False)


# --- silent --------------------------------------------------------------------------------------

def test_five_working_days_without_an_action_make_an_agency_silent_over_a_holiday(client, pump, units, clock_at):
    city = key("coordinator", TARAKAN)
    officer = key("officer", HUB)
    # Given two reports forwarded to Dinas Perhubungan on Monday 14 December
    clock_at(datetime(2026, 12, 14, 9, 0, tzinfo=WITA))
    first, _second = file_for(client, pump, HUB), file_for(client, pump, HUB)
    row = row_of(client, city, HUB)
    assert (row["held"], row["silent"], row["last_action_at"]) == (2, False, None)
    assert row["reports_30d"] == 2
    # And its officer answers one on Friday 18 December
    clock_at(datetime(2026, 12, 18, 10, 0, tzinfo=WITA))
    respond(client, officer, first)
    row = row_of(client, city, HUB)
    assert row["held"] == 2 and datetime.fromisoformat(row["last_action_at"]) == datetime(2026, 12, 18, 10,
                                                                                          tzinfo=WITA)
    # When nobody acts again: 21, 22, 23 December, then Christmas Eve (cuti bersama) and Christmas,
    # then 28 and 29 December are the five working days
    clock_at(datetime(2026, 12, 29, 23, 0, tzinfo=WITA))
    assert row_of(client, city, HUB)["silent"] is False
    clock_at(datetime(2026, 12, 30, 0, 30, tzinfo=WITA))
    # Then from 30 December it is silent, listed first among the connected, and under status=silent
    row = row_of(client, city, HUB)
    assert row["silent"] is True
    silent = participation(client, city, "?status=silent")
    assert [r["agency_id"] for r in silent["agencies"]] == [HUB.agency_id]
    assert silent["totals"]["silent"] == 1
    # When an officer acts, it is not silent any more
    respond(client, officer, _second)
    assert row_of(client, city, HUB)["silent"] is False


def test_an_agency_that_just_received_its_first_report_is_not_silent(client, pump, units, clock_at):
    from chalicelib.domain import participation as domain

    clock_at(datetime(2027, 2, 1, 9, 0, tzinfo=WITA))
    file_for(client, pump, BUSY)
    row = row_of(client, key("coordinator", TARAKAN), BUSY)
    assert row["held"] >= 1 and row["silent"] is False
    assert domain.SILENT_AFTER_WORKING_DAYS == 5


def test_an_action_counts_on_the_agencys_own_day_as_the_months_are_kept(client, pump, units, clock_at):
    from chalicelib.models import ParticipationModel

    # Given a report of Dinas Perhubungan Kota Tarakan (WITA)
    clock_at(datetime(2027, 1, 29, 9, 0, tzinfo=WITA))
    tracking_id = file_for(client, pump, HUB)
    # When its officer acts at 00:30 WITA on 1 February, still 31 January in Jakarta
    clock_at(datetime(2027, 2, 1, 0, 30, tzinfo=WITA))
    respond(client, key("officer", HUB), tracking_id)
    # Then the day marker is Tarakan's 1 February, and the evaluation counts it in February, not January
    assert ParticipationModel.get(HUB.agency_id, "day#2027-02-01").actions == 1
    assert ParticipationModel.get(HUB.agency_id, "latest").last_action_day == "2027-02-01"
    with pytest.raises(ParticipationModel.DoesNotExist):
        ParticipationModel.get(HUB.agency_id, "day#2027-01-31")

    def acted_in(month: str) -> int:
        response = client.http.get(f"/agency/evaluation?month={month}", headers=key("coordinator", TARAKAN))
        assert response.status_code == 200, response.body
        return body(response)["participation"]["acted_in_month"]

    assert (acted_in("2027-01"), acted_in("2027-02")) == (0, 1)


# --- concurrency ---------------------------------------------------------------------------------

def test_twenty_officers_acting_at_once_never_conflict_on_the_bookkeeping(client, pump, units, clock_at,
                                                                          dynamodb_calls):
    from chalicelib.domain.complaint import Actor
    from chalicelib.errors import Conflict
    from chalicelib.models import ParticipationModel
    from chalicelib.services import actions

    # Given twenty reports forwarded to Disdukcapil Kota Tarakan
    moment = datetime(2027, 3, 2, 9, 0, tzinfo=WITA)
    clock_at(moment)
    reports = [file_for(client, pump, BUSY, category="population_admin") for _ in range(20)]
    officer = Actor("officer", BUSY.agency_id, BUSY.path)
    conflicts: list[str] = []

    def answer(tracking_id: str) -> str:
        try:
            return actions.act(officer, tracking_id, {"action": "respond", "note": "Segera kami proses."})["status"]
        except Conflict as error:
            conflicts.append(str(error))
            raise

    # When twenty officers respond at the same moment, each to their own report
    dynamodb_calls.reset()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(answer, reports))
    # Then every action succeeded, none was retried, and the day's marker counted all twenty
    assert statuses == ["in_progress"] * 20 and conflicts == []
    assert dynamodb_calls.counts["TransactWriteItems"] == 20, dynamodb_calls.counts
    assert dynamodb_calls.counts["UpdateItem"] == 21, dynamodb_calls.counts  # 20 day markers + 1 "latest"
    day = ParticipationModel.get(BUSY.agency_id, "day#2027-03-02")
    assert day.actions == 20
    assert datetime.fromisoformat(day.last_action_at) - moment < timedelta(minutes=1)


# --- what a read costs ----------------------------------------------------------------------------

@pytest.fixture
def queries(monkeypatch):
    """Every DynamoDB call from here on: (operation, table, index, parameters)."""
    import botocore.client

    from chalicelib.config import get_settings

    names = {get_settings().table(t): t for t in ("complaints", "stats", "users", "participation", "agencies")}
    recorded: list[tuple[str, str, str | None, dict]] = []
    original = botocore.client.BaseClient._make_api_call

    def record(client_self, operation, params):
        if client_self.meta.service_model.service_name == "dynamodb":
            table = params.get("TableName", "")
            recorded.append((operation, names.get(table, table), params.get("IndexName"), params))
        return original(client_self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return recorded


def test_each_agency_costs_one_query_of_its_open_reports_and_a_page_row_its_30_days_of_counters(client, units,
                                                                                              clock_at, queries):
    from collections import Counter

    # Given the province coordinator of Kalimantan Utara (10 agencies), whatever their history
    clock_at(datetime(2027, 5, 3, 9, 0, tzinfo=WITA))
    headers = key("coordinator", KALTARA)
    keyless = sum(1 for r in participation(client, headers, "?limit=500")["agencies"] if not r["keys_used_30d"])
    for limit in (500, 2):
        queries.clear()
        # When it reads a page of participation
        shown = len(participation(client, headers, f"?limit={limit}")["agencies"])
        # Then each agency of the scope costs one Query of its open reports (the open-index, three
        # attributes) and, when no key connects it, one of its accounts (the order and the totals
        # need them); each row on the page one of its accounts and one of its counters of the last
        # 30 days only; nothing is scanned
        per_index = Counter((table, index) for operation, table, index, _ in queries if operation == "Query")
        assert per_index[("complaints", "open-index")] == KALTARA_AGENCIES
        assert per_index[("users", "agency-index")] == keyless + shown
        assert per_index[("stats", None)] == shown == min(limit, KALTARA_AGENCIES)
        assert not [q for q in queries if q[0] == "Scan"]
    for operation, table, index, params in queries:
        if index == "open-index":  # only the attributes asked for, not the whole report
            projected = {params["ExpressionAttributeNames"][name.strip()]
                         for name in params["ProjectionExpression"].split(",")}
            assert projected == {"status", "overdue", "submitted_at"}
        if (operation, table) == ("Query", "stats"):
            low = min(v["S"] for v in params["ExpressionAttributeValues"].values() if "S" in v and "#" not in v["S"]
                      and v["S"][:2] == "20")
            assert low >= "2027-04-02", low  # 3 May 2027 less 30 days: the read does not grow with history


def test_the_evaluation_reads_what_agencies_hold_and_asks_the_day_markers_only_when_it_must(client, pump, units,
                                                                                          clock_at, queries):
    from collections import Counter

    # Given Disdukcapil, which acted on 2 March 2027 (above), acts again on 3 May 2027; Dinas
    # Perhubungan last acted in December 2026
    clock_at(datetime(2027, 5, 3, 9, 0, tzinfo=WITA))
    respond(client, key("officer", BUSY), file_for(client, pump, BUSY))
    headers = key("coordinator", KALTARA)

    def evaluate(month: str) -> tuple[dict, Counter]:
        queries.clear()
        response = client.http.get(f"/agency/evaluation?month={month}", headers=headers)
        assert response.status_code == 200, response.body
        return body(response), Counter((table, index) for operation, table, index, _ in queries
                                       if operation == "Query")

    keyless = sum(1 for r in participation(client, headers, "?limit=500")["agencies"] if not r["keys_used_30d"])
    # When the coordinator evaluates April: nobody acted in April
    april, per_index = evaluate("2027-04")
    assert april["participation"]["acted_in_month"] == 0
    # Then each agency costs one Query of its open reports, and one of its accounts only when no key
    # used in 30 days connects it already; the counters are read for the scope's three months only,
    # and the day markers only of Disdukcapil, the one agency whose last action (May) is after April
    # and so cannot tell alone
    assert per_index[("complaints", "open-index")] == KALTARA_AGENCIES
    assert 0 < keyless < KALTARA_AGENCIES and per_index[("users", "agency-index")] == keyless
    assert april["participation"]["connected"] == participation(client, headers, "?limit=500")["totals"]["connected"]
    assert per_index[("stats", None)] == 3
    assert per_index[("participation", None)] == 1
    assert not [q for q in queries if q[0] == "Scan"]
    # And March counts Disdukcapil (its markers say 2 March), December 2026 Dinas Perhubungan (its
    # last action day says so without a Query)
    march, per_index = evaluate("2027-03")
    assert march["participation"]["acted_in_month"] == 1 and per_index[("participation", None)] == 1
    december, _ = evaluate("2026-12")
    assert december["participation"]["acted_in_month"] >= 1


# --- the public number and the CSV ---------------------------------------------------------------

def test_public_stats_give_the_share_of_a_provinces_agencies_connected(client, units):
    from chalicelib.services import participation as service

    # Given no share kept from an earlier module's tables (the process keeps it 5 minutes)
    service._connected_cache.clear()
    coordinator = participation(client, key("coordinator", KALTARA), "?limit=500")
    public = body(client.http.get("/stats?scope=province:65"))
    assert public["connected_pct"] == coordinator["totals"]["connected_pct"]
    assert "connected_pct" in body(client.http.get("/stats?scope=national"))
    assert "connected_pct" not in body(client.http.get("/stats?scope=regency:65.71"))


def test_the_csv_has_the_same_rows_as_the_page(client, units):
    headers = key("coordinator", KALTARA)
    page = participation(client, headers, "?limit=500")
    response = client.http.get("/agency/participation.csv", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig")
                                           if isinstance(response.body, bytes) else response.body.lstrip("\ufeff"))))
    assert [r["agency_id"] for r in rows] == [r["agency_id"] for r in page["agencies"]]
    assert {r["parent_name"] for r in rows if r["parent_id"] == TARAKAN.agency_id} == {"Pemerintah Kota Tarakan"}
    assert response.headers["X-Export-Rows"] == str(KALTARA_AGENCIES)


# --- nudges --------------------------------------------------------------------------------------

def test_a_silent_agencys_coordinators_are_told_once_a_week_even_by_two_runs_at_once(client, pump, units, clock_at):
    from chalicelib.models import NotificationModel
    from chalicelib.services import notify, nudges

    # Given Dinas Sosial holds a report filed on 1 April 2027 and nobody acts on it
    clock_at(datetime(2027, 4, 1, 9, 0, tzinfo=WITA))
    file_for(client, pump, SOCIAL, category="social_aid")
    # When the Monday 07:00 WIB run comes, two weeks later (the hourly schedule; other hours do nothing),
    # twice at the same moment
    monday = datetime(2027, 4, 19, 7, 10, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert nudges.run(monday.replace(hour=8)) == {"ran": False}
    clock_at(monday)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: nudges.run(monday), range(2)))
    # Then Kota Tarakan's coordinator (its parent) and Kalimantan Utara's (its province) each get
    # exactly one message naming Dinas Sosial, in plain Indonesian
    told = sorted(c for r in runs for c in r["coordinators"])
    assert TARAKAN.agency_id in told and KALTARA.agency_id in told and len(told) == len(set(told))
    assert sum(r["already_sent"] for r in runs) == len(told)
    for coordinator in (TARAKAN, KALTARA):
        rows = list(NotificationModel.query(f"nudge:{coordinator.agency_id}"))
        assert [r.notification_id for r in rows] == ["2027-W16"]
        row = rows[0]
        assert SOCIAL.agency_id in row.payload["silent"] and row.recipient == f"agency:{coordinator.agency_id}"
        # (written when it is sent, from the catalogs: a plain-text and an HTML part)
        message = notify.message_of(row)
        assert "instansi di bawah koordinasi Anda tidak menindaklanjuti laporan" in message.subject
        assert f"Yth. {coordinator.name}" in message.text
        assert "Dinas Sosial Kota Tarakan (uji)\n  1 laporan menunggu tindak lanjut" in message.text
        assert "<strong>Dinas Sosial Kota Tarakan (uji)</strong>" in message.html
        assert message.text.count("/staff/participation?status=silent") == 1
    # And a later run in the same hour sends nothing again
    again = nudges.run(monday)
    assert again["sent"] == 0 and again["already_sent"] == len(told)


def test_a_coordinator_on_the_daily_digest_reads_its_silent_agencies_there_not_weekly(client, staff, pump, units,
                                                                                    clock_at):
    from chalicelib.models import NotificationModel
    from chalicelib.services import digest, notify, nudges

    # Given Kota Tarakan chose the daily digest, and Dinas Sosial below it is still silent
    changed = client.http.patch(f"/admin/agencies/{TARAKAN.agency_id}", headers=staff.national(),
                                body=json.dumps({"notify": "daily"}))
    assert changed.status_code == 200, changed.body
    # When the next Monday's weekly run comes
    monday = datetime(2027, 4, 26, 7, 5, tzinfo=ZoneInfo("Asia/Jakarta"))
    clock_at(monday)
    weekly = nudges.run(monday)
    # Then the province's coordinator is told, Kota Tarakan's is not (its digest says it)
    assert KALTARA.agency_id in weekly["coordinators"] and TARAKAN.agency_id not in weekly["coordinators"]
    assert weekly["in_digest"] >= 1
    assert [r.notification_id for r in NotificationModel.query(f"nudge:{TARAKAN.agency_id}")] == ["2027-W16"]
    # When Kota Tarakan's digest is made at 07:00 WITA the next day
    seven = datetime(2027, 4, 27, 7, 0, 20, tzinfo=WITA)
    clock_at(seven)
    outcome = {a["agency_id"]: a["outcome"] for a in digest.run(seven)["agencies"]}
    assert outcome[TARAKAN.agency_id] == "sent"
    # Then it has a section naming the silent agencies below it, in words, with the console link
    row = NotificationModel.get(f"digest:{TARAKAN.agency_id}", "2027-04-27")
    facts = row.payload["facts"]
    assert SOCIAL.agency_id in [a["agency_id"] for a in facts["silent"]] and facts["counts"]["silent"] >= 1
    message = notify.message_of(row)
    assert "Instansi di bawah koordinasi Anda yang diam" in message.text
    assert "Dinas Sosial Kota Tarakan (uji)" in message.text and "Dinas Sosial Kota Tarakan (uji)" in message.html
    assert "laporan menunggu tindak lanjut" in message.text
    assert message.text.count("/staff/participation?status=silent") == 1
    # And a second run that hour sends no second digest
    again = {a["agency_id"]: a["outcome"] for a in digest.run(seven)["agencies"]}
    assert again[TARAKAN.agency_id] == "already_sent"
