"""Notifications (SPEC §6): SES e-mail, signed webhooks retried with backoff then dead-lettered,
each recorded on the timeline; a failing channel never blocks the report."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fixtures import body
from tests.staff import file_report, staff_view

DIKNAS_BDG = "dinas-pendidikan-kota-bandung"


class Receiver:
    """A local webhook endpoint that answers with ``status`` and keeps what it received."""

    def __init__(self) -> None:
        self.status = 200
        self.received: list[tuple[dict, str, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((json.loads(raw), dict(self.headers.items()), raw))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lapor"


@pytest.fixture
def receiver(client, staff, monkeypatch):
    from chalicelib.adapters import webhook

    monkeypatch.setattr(webhook, "allow_private", lambda: True)  # the receiver is on this machine
    hook = Receiver()
    response = client.http.put(f"/admin/agencies/{DIKNAS_BDG}", headers=staff.national(),
                               body=json.dumps({"webhook_url": hook.url}))
    assert response.status_code == 200 and body(response)["has_webhook"] is True
    hook.secret = body(response).get("webhook_secret") or body(client.http.post(
        f"/admin/agencies/{DIKNAS_BDG}/webhook-secret", headers=staff.national()))["webhook_secret"]
    yield hook
    hook.server.shutdown()


def bandung_education_report(client):
    return file_report(client, category="education", province_code="32", regency_code="32.73",
                       title="Pungutan di sekolah negeri")


def test_disposition_reaches_the_agency_by_email_and_signed_webhook(client, staff, pump, receiver, outbox_path):
    receipt = bandung_education_report(client)
    pump.drain()
    # Then the webhook got a JSON body signed with the agency's secret
    payload, headers, raw = receiver.received[-1]
    assert payload["tracking_id"] == receipt["tracking_id"] and payload["event"] == "forwarded"
    key = base64.b64decode(receiver.secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + raw
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == expected
    assert "siti" not in raw.decode().lower()  # no reporter identity in agency messages
    # And the e-mail went out through SES
    sent = [json.loads(line) for line in outbox_path.read_text().splitlines() if receipt["tracking_id"] in line]
    assert any(m["channel"] == "email" and m["to"] == [f"{DIKNAS_BDG}@lapor.example.go.id"] for m in sent)
    # And each delivery is on the timeline
    timeline = staff_view(client, staff.national(), receipt["tracking_id"])["timeline"]
    notes = [e["note"] for e in timeline if e["type"] == "notified"]
    assert f"webhook → {DIKNAS_BDG}: forwarded" in notes and f"email → {DIKNAS_BDG}: forwarded" in notes
    # And the public timeline shows none of it
    public = body(client.http.get(f"/complaints/{receipt['tracking_id']}/timeline"))["events"]
    assert "notified" not in [e["type"] for e in public]


def test_a_failing_webhook_is_retried_with_backoff_then_dead_lettered(client, staff, pump, receiver, clock_at):
    from chalicelib.adapters import deadletter
    from chalicelib.adapters.aws import client as aws
    from chalicelib.models import NotificationModel
    from chalicelib.services import notify

    receiver.status = 500
    receipt = bandung_education_report(client)
    pump.drain()
    # The report itself moved on regardless
    assert staff_view(client, staff.national(), receipt["tracking_id"])["status"] == "forwarded"
    rows = [r for r in NotificationModel.query(receipt["tracking_id"]) if r.recipient == f"agency:{DIKNAS_BDG}"]
    assert len(rows) == 1 and rows[0].state == "pending" and rows[0].attempts == 1
    assert rows[0].payload["delivered"] == ["email"]  # e-mail went; only the webhook is retried
    # When time passes and the retry job runs, it tries again with growing gaps
    now = datetime.now(UTC)
    gaps = []
    for _ in range(7):
        row = NotificationModel.get(rows[0].tracking_id, rows[0].notification_id)
        if row.state != "pending":
            break
        due = datetime.strptime(row.next_attempt_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        gaps.append(round((due - now).total_seconds() / 60))
        now = due + timedelta(seconds=1)
        clock_at(now)
        notify.retry_due()
    final = NotificationModel.get(rows[0].tracking_id, rows[0].notification_id)
    assert final.state == "dead_lettered" and final.attempts == 5
    assert gaps == sorted(gaps) and gaps[0] >= 1
    assert len(receiver.received) >= 5
    emails = [e for e in staff_view(client, staff.national(), receipt["tracking_id"])["timeline"]
              if e["type"] == "notified" and e["note"].startswith("email")]
    assert len(emails) == 2  # the agency e-mail and the reporter e-mail, each once, never repeated
    failed = [e for e in staff_view(client, staff.national(), receipt["tracking_id"])["timeline"]
              if e["type"] == "notification_failed"]
    assert len(failed) == 1 and "webhook" in failed[0]["note"]
    messages = aws("sqs").receive_message(QueueUrl=deadletter.queue_url(), MaxNumberOfMessages=10)["Messages"]
    assert any(json.loads(m["Body"])["tracking_id"] == receipt["tracking_id"] for m in messages)


def test_a_dead_letter_can_be_redriven(client, staff, pump, receiver, clock_at):
    from chalicelib.models import NotificationModel
    from chalicelib.services import notify

    receiver.status = 500
    receipt = bandung_education_report(client)
    pump.drain()
    row = next(r for r in NotificationModel.query(receipt["tracking_id"]) if r.recipient == f"agency:{DIKNAS_BDG}")
    NotificationModel.get(row.tracking_id, row.notification_id).update(
        actions=[NotificationModel.state.set("dead_lettered")])
    receiver.status = 200
    notify.redrive(row.tracking_id, row.notification_id)
    clock_at(datetime.now(UTC) + timedelta(minutes=1))
    notify.retry_due()
    assert NotificationModel.get(row.tracking_id, row.notification_id).state == "delivered"


def test_notification_rows_store_no_channel_and_rows_written_with_one_still_deliver(client, pump, receiver):
    from chalicelib.adapters.aws import client as aws
    from chalicelib.models import NotificationModel
    from chalicelib.services import notify

    # Given a report forwarded to an agency, whose notifications were written and delivered
    receipt = bandung_education_report(client)
    pump.drain()
    table = NotificationModel.Meta.table_name
    items = aws("dynamodb").query(TableName=table, KeyConditionExpression="tracking_id = :t",
                                  ExpressionAttributeValues={":t": {"S": receipt["tracking_id"]}})["Items"]
    agency_rows = [item for item in items if item["recipient"]["S"] == f"agency:{DIKNAS_BDG}"]
    # Then no row carries the never-read ``channel`` attribute
    assert agency_rows and all("channel" not in item for item in items)
    # Given a row as it was written before (with ``channel``), still pending
    old = {**agency_rows[0], "notification_id": {"S": agency_rows[0]["notification_id"]["S"] + "-old"},
           "channel": {"S": "pending"}, "state": {"S": "pending"}, "attempts": {"N": "0"},
           "payload": {"S": json.dumps({**json.loads(agency_rows[0]["payload"]["S"]), "delivered": []})}}
    aws("dynamodb").put_item(TableName=table, Item=old)
    # When it is read and delivered, then the old attribute is ignored and the delivery happens
    row = NotificationModel.get(receipt["tracking_id"], old["notification_id"]["S"])
    assert notify.deliver(row) == "delivered"
    after = NotificationModel.get(row.tracking_id, row.notification_id)
    assert after.state == "delivered" and sorted(after.payload["delivered"]) == ["email", "webhook"]
