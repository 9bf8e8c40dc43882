"""Reports through failing dependencies: 20% of DynamoDB calls throttled or failing, 30% of e-mails
(SES) and 30% of webhook posts failing (SPEC §6, §8: "a report filed is a report forwarded even when
one step fails"; "a failure to notify never loses or blocks the report; it is retried and visible").

Citizens file through the API and retry what they are told to retry (429 ``temporarily_unavailable``,
409 ``request_in_progress``, both with Retry-After); the forwarder and the notifier run from the
streams as Lambda runs them (a failed batch is handed over again), the retry job runs as time passes
(the test clock). Afterwards, with the faults off: every citizen holds exactly one receipt, every
report exists once, was forwarded once, and every notification was delivered or dead-lettered and
is on the report's timeline exactly once.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import valid_report
from tests.fixtures import body
from tests.reliability.conftest import SEED, Flaky, ses_throttled

RETRYABLE = {(429, "temporarily_unavailable"), (409, "request_in_progress")}


class FlakyReceiver:
    """An agency's webhook endpoint that answers 503 to 30% of posts (seeded) and keeps the rest."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rng, self.rate, self.lock = random.Random(seed), rate, threading.Lock()
        self.accepted: Counter[str] = Counter()  # notification id -> times accepted
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    fail = receiver.rng.random() < receiver.rate
                    if fail:
                        receiver.refused += 1
                    else:
                        receiver.accepted[payload["notification_id"]] += 1
                self.send_response(503 if fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lapor"


@pytest.fixture
def unit(client, staff, monkeypatch):
    """A new unit under Kota Makassar with two e-mail addresses and a flaky webhook."""
    from chalicelib.adapters import webhook

    monkeypatch.setattr(webhook, "allow_private", lambda: True)  # the receiver is on this machine
    receiver = FlakyReceiver(0.3, SEED)
    agency_id = f"dinas-uji-{uuid.uuid4().hex[:6]}"
    created = client.http.post("/admin/agencies", headers=staff.national(), body=json.dumps({
        "agency_id": agency_id, "name": "Dinas Uji Keandalan", "level": "unit", "parent_id": "pemkot-makassar",
        "emails": [f"{agency_id}@lapor.example.go.id"], "webhook_url": receiver.url}))
    assert created.status_code == 201, created.body
    yield agency_id, receiver, staff.headers("officer", agency_id)
    receiver.server.shutdown()


class Citizen:
    """Files one report and retries, as told, until it holds a receipt."""

    def __init__(self, client, number: int, agency_id: str, answers: Counter) -> None:
        self.client, self.answers = client, answers
        self.report = valid_report(
            title=f"Puskesmas tutup, uji {number:03d}", category="health", target_agency_id=agency_id,
            anonymous=number % 3 == 0,
            reporter={"name": "Warga Uji", **({"email": f"warga{number}@example.com"} if number % 2 else {})})
        self.key = f"rel-fault-{uuid.uuid4()}" if number % 2 == 0 else None

    def call(self, method: str, path: str, **kwargs):
        for _ in range(60):
            response = getattr(self.client.http, method)(path, **kwargs)
            code = body(response).get("error", {}).get("code") if response.status_code >= 400 else None
            self.answers[(response.status_code, code)] += 1
            assert response.status_code < 500, (path, response.status_code, response.body)
            if (response.status_code, code) not in RETRYABLE:
                return response
            assert int(response.headers["Retry-After"]) >= 1
            time.sleep(0.01)  # Retry-After says 1 s; the test does not wait that long
        pytest.fail(f"{method.upper()} {path} still refused after 60 tries: {response.body}")

    def file(self) -> dict:
        headers = {"Content-Type": "application/json", **({"Idempotency-Key": self.key} if self.key else {})}
        response = self.call("post", "/complaints", headers=headers, body=json.dumps(self.report))
        assert response.status_code == 201, response.body
        return body(response)


def keep_trying(work, rounds: int = 200):
    """A scheduled or stream-driven function under faults: run it again until a run succeeds."""
    for _ in range(rounds):
        try:
            return work()
        except Exception:  # Lambda retries whatever failed
            continue
    raise AssertionError("never succeeded")


def test_every_report_is_filed_forwarded_and_notified_exactly_once_through_faults(
        client, unit, pump, dynamodb_faults, clock_at, monkeypatch, sizes):
    from chalicelib.adapters import email
    from chalicelib.models import ComplaintModel, NotificationModel
    from chalicelib.services import notify, store

    agency_id, receiver, officer = unit
    flaky_email = Flaky(email.send, 0.3, SEED, ses_throttled)
    monkeypatch.setattr(email, "send", flaky_email)
    monkeypatch.setattr(pump, "attempts", 100)  # Lambda hands a failed batch over again and again
    answers: Counter = Counter()
    citizens = [Citizen(client, n, agency_id, answers) for n in range(sizes.faulty_reports)]
    receipts: list[dict] = []

    # When every citizen files, reads it back, and staff read it, with 20% of DynamoDB calls failing
    with dynamodb_faults.on():
        for citizen in citizens:
            receipt = citizen.file()
            receipts.append(receipt)
            keep_trying(pump.drain)  # the forwarder and the notifier read the streams
            tid, token = receipt["tracking_id"], receipt["reporter_token"]
            assert citizen.call("get", f"/complaints/{tid}", headers={"X-Reporter-Token": token}).status_code == 200
            assert citizen.call("get", f"/complaints/{tid}/timeline").status_code == 200
            assert citizen.call("get", f"/agency/complaints/{tid}", headers=officer).status_code == 200
            if len(receipts) % 2:  # and the agency answers every other report
                answered = citizen.call("post", f"/agency/complaints/{tid}/actions", headers=officer,
                                        body=json.dumps({"action": "respond", "note": "Petugas sudah meninjau."}))
                assert answered.status_code == 200, answered.body
                keep_trying(pump.drain)
        assert citizen.call("get", "/agency/complaints?limit=100", headers=officer).status_code == 200
        # And time passes: the retry job delivers what failed, or gives up on it
        now = datetime.now(UTC)
        for _ in range(30):
            now += timedelta(hours=1)
            clock_at(now)
            keep_trying(notify.retry_due)
            keep_trying(pump.drain)
            dynamodb_faults.active = False
            pending = [r for rec in receipts for r in NotificationModel.query(rec["tracking_id"])
                       if r.state == "pending"]
            dynamodb_faults.active = True
            if not pending:
                break

    # Then nothing was lost and nothing was done twice
    tids = [r["tracking_id"] for r in receipts]
    assert len(set(tids)) == len(citizens)  # one receipt each, all different
    held = sorted(m.tracking_id for m in ComplaintModel.agency_index.query(agency_id))
    assert held == sorted(tids)  # each report stored once
    notified: Counter = Counter()
    outcomes: Counter = Counter()
    for tid in tids:
        timeline = store.timeline(tid)
        types = Counter(e.type for e in timeline)
        assert types["submitted"] == 1 and types["forwarded"] == 1, (tid, types)
        answered = tids.index(tid) % 2 == 0
        assert types["responded"] == int(answered), (tid, types)
        assert store.get(tid).status == ("in_progress" if answered else "forwarded")
        rows = list(NotificationModel.query(tid))
        assert rows and all(r.state in {"delivered", "dead_lettered"} for r in rows), [r.state for r in rows]
        expected = Counter((r.recipient, r.kind, ch) for r in rows for ch in (r.payload or {}).get("delivered", []))
        seen = Counter((e.data["recipient"], e.data["kind"], e.data["channel"]) for e in timeline
                       if e.type == "notified")
        assert seen == expected, tid  # every delivery on the timeline, once
        failed = Counter((e.data["recipient"], e.data["kind"]) for e in timeline if e.type == "notification_failed")
        assert failed == Counter((r.recipient, r.kind) for r in rows if r.state == "dead_lettered"), tid
        outcomes.update(r.state for r in rows)
        notified.update(ch for (_, _, ch) in expected)
    duplicates = sum(n - 1 for n in receiver.accepted.values() if n > 1)
    print(f"\n{len(citizens)} reports; DynamoDB calls {dynamodb_faults.calls}, "
          f"faults injected {dynamodb_faults.total_injected}; answers {dict(answers)}; "
          f"e-mails failed {flaky_email.failed}, webhook posts refused {receiver.refused}; "
          f"notifications {dict(outcomes)}, deliveries by channel {dict(notified)}; "
          f"webhook duplicates {duplicates}")
    assert dynamodb_faults.total_injected > 0 and flaky_email.failed > 0
    # Delivery is at least once: a webhook is posted again only when its outcome could not be
    # recorded even after retries (receivers dedupe on ``notification_id``).
    assert duplicates <= max(1, sum(receiver.accepted.values()) // 20)
    assert all(status < 500 for status, _ in answers)
