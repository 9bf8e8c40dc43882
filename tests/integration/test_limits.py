"""Abuse limits (SPEC §11): per address (API Gateway's sourceIp), per reporter e-mail or phone and
per Open311 key, over fixed windows in DynamoDB; over a limit, 429 ``rate_limited`` with
Retry-After and nothing done. The test clock moves the windows."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.factories import valid_report
from tests.fixtures import body

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def limited(monkeypatch):
    """Set some limits for this test (the rest stay out of the way)."""
    from chalicelib.config import get_settings
    from chalicelib.services import limits

    def set_limits(**values: int) -> None:
        settings = dataclasses.replace(get_settings(), **values)
        monkeypatch.setattr(limits, "get_settings", lambda: settings)

    return set_limits


@pytest.fixture
def at(clock_at):
    """A fresh UTC hour for every test, so windows filled by other tests do not count."""
    import secrets

    start = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(days=secrets.randbelow(3000), hours=3, minutes=10)
    clock_at(start)
    return start


def file(client, email=None, phone=None, headers=None, **overrides):
    reporter = {"name": "Siti Rahma", **({"email": email} if email else {}), **({"phone": phone} if phone else {})}
    return client.http.post("/complaints", headers={**JSON, **(headers or {})},
                            body=json.dumps(valid_report(reporter=reporter, **overrides)))


def assert_limited(response) -> int:
    assert response.status_code == 429, response.body
    assert body(response)["error"]["code"] == "rate_limited"
    return int(response.headers["Retry-After"])


def test_filings_per_address_per_hour_then_the_next_hour(client, limited, at, clock_at):
    # Given at most 3 filings an hour from one address
    limited(filings_per_hour_per_address=3)
    for _ in range(3):
        assert file(client).status_code == 201
    # When a fourth comes in the same hour, whatever X-Forwarded-For claims
    refused = file(client, headers={"X-Forwarded-For": "203.0.113.9"})
    # Then it is 429 rate_limited with the seconds left in this hour (50 minutes), and nothing filed
    assert 50 * 60 - 30 <= assert_limited(refused) <= 50 * 60  # the test clock runs on meanwhile
    # When the next hour starts, the address may file again
    clock_at(at + timedelta(minutes=50))
    assert file(client).status_code == 201


def test_filings_per_address_per_day(client, limited, at, clock_at):
    limited(filings_per_day_per_address=2)
    assert file(client).status_code == 201
    clock_at(at + timedelta(hours=5))
    assert file(client).status_code == 201
    clock_at(at + timedelta(hours=6))
    retry = assert_limited(file(client))
    # Then Retry-After points at the next UTC day
    left = (datetime.combine((at + timedelta(days=1)).date(), datetime.min.time(), tzinfo=UTC)
            - (at + timedelta(hours=6))).total_seconds()
    assert left - 30 <= retry <= left
    clock_at(at + timedelta(days=1))
    assert file(client).status_code == 201


def test_filings_per_reporter_email_or_phone_per_day(client, limited, at, staff):
    import secrets

    email = f"pelapor-{secrets.token_hex(4)}@example.com"
    phone = f"0812-{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}"
    limited(filings_per_day_per_reporter=2)
    assert file(client, email=email).status_code == 201
    assert file(client, email=email.upper(), phone=phone).status_code == 201
    # When the same e-mail (any case) files a third time: refused, and no report is written
    before = body(client.http.get("/agency/complaints?limit=100", headers=staff.national()))["complaints"]
    assert_limited(file(client, email=email, title="Laporan ketiga yang tertolak"))
    after = body(client.http.get("/agency/complaints?limit=100", headers=staff.national()))["complaints"]
    assert [c["tracking_id"] for c in after] == [c["tracking_id"] for c in before]
    # And the phone used once may file once more, then not
    assert file(client, phone=phone).status_code == 201
    assert_limited(file(client, phone=phone))
    # Another reporter is not affected
    assert file(client, email=f"lain-{secrets.token_hex(4)}@example.com").status_code == 201


def test_uploads_per_address_per_hour(client, limited, at):
    limited(uploads_per_hour_per_address=2)
    request = {"filename": "jalan.jpg", "content_type": "image/jpeg", "size": 1000}
    for _ in range(2):
        assert client.http.post("/attachments", headers=JSON, body=json.dumps(request)).status_code == 201
    assert_limited(client.http.post("/attachments", headers=JSON, body=json.dumps(request)))


def test_replies_per_address_per_hour(client, limited, at):
    receipt = body(file(client))
    headers = {**JSON, "X-Reporter-Token": receipt["reporter_token"]}
    limited(replies_per_hour_per_address=1)
    url = f"/complaints/{receipt['tracking_id']}/replies"
    assert client.http.post(url, headers=headers, body=json.dumps({"message": "Tambahan foto."})).status_code == 201
    assert_limited(client.http.post(url, headers=headers, body=json.dumps({"message": "Tambahan lagi."})))


def test_supports_per_address_per_hour_like_filings(client, limited, at):
    # Given a report to support, and at most 2 filings an hour from one address
    tracking_id = body(file(client))["tracking_id"]
    limited(filings_per_hour_per_address=2)
    url = f"/complaints/{tracking_id}/support"
    for n in range(2):
        assert client.http.post(url, headers={"Idempotency-Key": f"supporter-key-000{n}"}).status_code == 201
    # When the same address supports a third time (a new key each time: a new "supporter")
    refused = client.http.post(url, headers={"Idempotency-Key": "supporter-key-0003"})
    # Then 429 rate_limited, and the count did not move
    assert_limited(refused)
    assert body(client.http.get(f"/complaints/{tracking_id}"))["supporters"] == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_posts_per_key_per_hour(client, limited, at, fmt):
    from chalicelib.services import keys

    key = keys.issue("open311", "kemenpanrb", label="mitra")["key"]
    limited(open311_posts_per_hour_per_key=1)
    fields = {"api_key": key, "service_code": "health", "address_id": "73.71", "first_name": "Ani",
              "description": "Puskesmas tutup pada jam layanan tanpa pemberitahuan."}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.http.post(f"/open311/v2/requests.{fmt}", headers=form, body=urlencode(fields)).status_code == 201
    refused = client.http.post(f"/open311/v2/requests.{fmt}", headers=form, body=urlencode(fields))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert b"429" in refused.body  # GeoReport's error shape: [{"code": 429, "description": …}]


def test_filing_round_trips_with_every_limit_on(client, limited, at, dynamodb_calls):
    # Given limits on the address and on the reporter's e-mail and phone
    limited(filings_per_hour_per_address=50, filings_per_day_per_reporter=50)
    dynamodb_calls.reset()
    # When a report with e-mail and phone is filed without an Idempotency-Key: at most 3 round trips
    assert file(client, email="hitung@example.com", phone="0812-1111-2222").status_code == 201
    assert dynamodb_calls.total <= 3, dynamodb_calls.counts
    # And with one: at most 4
    dynamodb_calls.reset()
    response = file(client, email="hitung@example.com", phone="0812-1111-2222",
                    headers={"Idempotency-Key": f"limits-{at.timestamp():.0f}-round-trips"})
    assert response.status_code == 201
    assert dynamodb_calls.total <= 4, dynamodb_calls.counts
    assert dynamodb_calls.counts["Scan"] == 0


def test_replies_from_the_page_without_javascript_count_against_the_same_limit(client, limited, at):
    # Given a report, and at most one reply an hour from one address
    receipt = body(file(client))
    limited(replies_per_hour_per_address=1)
    form = {"tracking_id": receipt["tracking_id"], "reporter_token": receipt["reporter_token"], "action": "reply"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def reply(message: str):
        return client.http.post("/track", headers=headers, body=urlencode({**form, "message": message}))

    # When the same address replies twice through the plain HTML form
    assert reply("Tambahan foto.").status_code == 200
    refused = reply("Tambahan lagi.")
    # Then the second is refused with 429 and a Retry-After, on a page, and was not recorded
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Content-Type"].startswith("text/html")
    events = body(client.http.get(f"/complaints/{receipt['tracking_id']}/timeline",
                                  headers={"X-Reporter-Token": receipt["reporter_token"]}))["events"]
    assert [e for e in events if "Tambahan lagi." in json.dumps(e)] == []
    assert [e for e in events if "Tambahan foto." in json.dumps(e)] != []
