"""Webhooks without SSRF (SPEC §11): Standard Webhooks signatures checked by an independent
verifier; server-made ``whsec_`` secrets shown once and rotatable; https and public addresses only,
checked when the URL is set and again at each delivery, connecting to the checked address; no
redirects, 5 s, 64 KB. Real HTTP servers on loopback play the receivers; the resolver seam plays a
hostile DNS."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fixtures import body
from tests.staff import file_report

UNIT = "dinas-pupr-kota-makassar"


class Server:
    """A local HTTP server answering POSTs with ``answer(handler)``; it keeps what it got."""

    def __init__(self, answer) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.received.append(({k.lower(): v for k, v in self.headers.items()}, raw))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # we hung up first
                    answer(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/lapor"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"ok")


@pytest.fixture
def servers():
    started: list[Server] = []

    def start(answer=ok) -> Server:
        started.append(Server(answer))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def private_allowed(monkeypatch):
    """The local stack's setting: plain http and this machine's addresses are allowed."""
    from chalicelib.adapters import webhook

    monkeypatch.setattr(webhook, "allow_private", lambda: True)


@pytest.fixture
def dns(monkeypatch):
    """A resolver we control: names map to the addresses given; anything else resolves as usual."""
    from chalicelib.adapters import webhook

    table: dict[str, list[str]] = {}
    real = webhook.resolve
    monkeypatch.setattr(webhook, "resolve", lambda host, port: table.get(host) or real(host, port))
    return table


def independent_verify(secret: str, headers: dict[str, str], raw: bytes, now: float | None = None) -> bool:
    """Standard Webhooks verification written from the specification, not with our library."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    stamp = int(headers["webhook-timestamp"])
    if abs((now or time.time()) - stamp) > 300:
        return False
    signed = f"{headers['webhook-id']}.{stamp}.".encode() + raw
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part == f"v1,{expected}" for part in headers["webhook-signature"].split(" "))


def put_webhook(client, staff, url: str, agency: str = UNIT):
    return client.http.put(f"/admin/agencies/{agency}", headers=staff.national(), body=json.dumps({"webhook_url": url}))


# --- checked when set ---------------------------------------------------------------------------

@pytest.mark.parametrize("url, why", [
    ("http://hooks.example.com/lapor", "https"),
    ("https://127.0.0.1/lapor", "public"),
    ("https://10.1.2.3/lapor", "public"),
    ("https://169.254.169.254/latest/meta-data/", "public"),
    ("https://[::1]/lapor", "public"),
    ("https://[::ffff:10.0.0.1]/lapor", "public"),
    ("https://100.64.0.1/lapor", "public"),
    ("https://internal.lapor.test/lapor", "public"),  # a public-looking name resolving to 10/8
    ("https://rebind.lapor.test/lapor", "public"),  # one public and one private answer
    ("https://user:secret@hooks.example.com/lapor", "user"),
    ("ftp://hooks.example.com/lapor", "https"),
])
def test_a_webhook_url_that_is_not_public_https_is_refused_when_set(client, staff, dns, url, why):
    dns["internal.lapor.test"] = ["10.0.0.5"]
    dns["rebind.lapor.test"] = ["93.184.216.34", "192.168.1.10"]
    dns["hooks.example.com"] = ["93.184.216.34"]
    # When the national admin sets it
    response = put_webhook(client, staff, url)
    # Then it is refused on webhook_url, saying why, and the agency keeps no webhook
    assert response.status_code == 422, response.body
    assert why in body(response)["error"]["fields"]["webhook_url"]
    assert body(client.http.get(f"/admin/agencies/{UNIT}", headers=staff.national()))["has_webhook"] is False


def test_the_secret_is_made_by_the_server_shown_once_and_rotatable(client, staff, dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    # A secret sent by the admin is refused: the server makes it
    sent = client.http.put(f"/admin/agencies/{UNIT}", headers=staff.national(), body=json.dumps(
        {"webhook_url": "https://hooks.example.com/lapor", "webhook_secret": "my-own-secret-123456"}))
    assert sent.status_code == 422 and "webhook_secret" in body(sent)["error"]["fields"]
    try:
        # Setting a public https URL gives a whsec_ secret in that answer
        first = body(put_webhook(client, staff, "https://hooks.example.com/lapor"))
        assert first["has_webhook"] and first["webhook_secret"].startswith("whsec_")
        assert len(base64.b64decode(first["webhook_secret"].removeprefix("whsec_"))) == 32
        # And never again: not when read, not when the URL changes
        assert "webhook_secret" not in body(client.http.get(f"/admin/agencies/{UNIT}", headers=staff.national()))
        assert "webhook_secret" not in body(put_webhook(client, staff, "https://hooks.example.com/lapor/v2"))
        assert "webhook_secret" not in json.dumps(body(client.http.get("/agencies?regency_code=73.71")))
        # Rotating makes a new one, shown once
        rotated = client.http.post(f"/admin/agencies/{UNIT}/webhook-secret", headers=staff.national())
        assert rotated.status_code == 201
        assert body(rotated)["webhook_secret"].startswith("whsec_")
        assert body(rotated)["webhook_secret"] != first["webhook_secret"]
        from chalicelib.models import AgencyModel

        assert AgencyModel.get(UNIT).webhook_secret == body(rotated)["webhook_secret"]
        # Only the national admin may
        officer = client.http.post(f"/admin/agencies/{UNIT}/webhook-secret", headers=staff.headers("officer", UNIT))
        assert officer.status_code == 403
    finally:
        put_webhook_none(client, staff)


def put_webhook_none(client, staff, agency: str = UNIT) -> None:
    response = client.http.put(f"/admin/agencies/{agency}", headers=staff.national(),
                               body=json.dumps({"webhook_url": None}))
    assert response.status_code == 200, response.body


# --- checked again at each delivery ---------------------------------------------------------------

def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery(dns, servers):
    from chalicelib.adapters import webhook

    receiver = servers()
    # Given a URL that was public when set, whose name now resolves to this machine (DNS rebinding)
    dns["hooks.lapor.test"] = ["127.0.0.1"]
    # When a delivery is attempted
    with pytest.raises(webhook.WebhookFailed, match="public"):
        webhook.post(f"https://hooks.lapor.test:{receiver.port}/lapor", webhook.new_secret(), {"event": "x"},
                     tracking_id="LPR-TEST-0001", recipient="agency:x", message_id="m1")
    # Then nothing was sent
    assert receiver.received == []


def test_the_connection_goes_to_the_checked_address(private_allowed, dns, servers):
    from chalicelib.adapters import webhook

    receiver = servers()
    # Given a name only our resolver knows (no real DNS could answer it again)
    dns["hooks.lapor.test"] = ["127.0.0.1"]
    delivery = webhook.post(f"http://hooks.lapor.test:{receiver.port}/lapor", webhook.new_secret(), {"e": 1},
                            tracking_id="LPR-TEST-0001", recipient="agency:x", message_id="m2")
    # Then the post reached the checked address, still naming the host
    assert delivery.status == 200
    assert receiver.received[0][0]["host"] == f"hooks.lapor.test:{receiver.port}"


def test_a_redirect_is_not_followed(private_allowed, servers):
    from chalicelib.adapters import webhook

    inside = servers()

    def redirect(handler) -> None:
        handler.send_response(307)
        handler.send_header("Location", inside.url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    outside = servers(redirect)
    with pytest.raises(webhook.WebhookFailed, match="redirect"):
        webhook.post(outside.url, webhook.new_secret(), {"e": 1}, tracking_id="LPR-TEST-0001",
                     recipient="agency:x", message_id="m3")
    assert len(outside.received) == 1 and inside.received == []


@pytest.mark.parametrize("kind", ["silent", "dribbling"])
def test_a_slow_answer_fails_after_five_seconds(private_allowed, servers, kind):
    from chalicelib.adapters import webhook

    def slow(handler) -> None:
        if kind == "silent":
            time.sleep(8)
            return
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(20):  # one byte every 0.4 s: never idle long, never done in time
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.4)

    server = servers(slow)
    started = time.monotonic()
    with pytest.raises(webhook.WebhookFailed):
        webhook.post(server.url, webhook.new_secret(), {"e": 1}, tracking_id="LPR-TEST-0001",
                     recipient="agency:x", message_id="m4")
    assert 4.5 <= time.monotonic() - started <= 6.5


def test_a_huge_answer_is_read_only_up_to_64_kb(private_allowed, servers):
    from chalicelib.adapters import webhook

    def huge(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(50 * 2**20))
        handler.end_headers()
        chunk = b"x" * 65536
        for _ in range(800):
            handler.wfile.write(chunk)

    server = servers(huge)
    started = time.monotonic()
    delivery = webhook.post(server.url, webhook.new_secret(), {"e": 1}, tracking_id="LPR-TEST-0001",
                            recipient="agency:x", message_id="m5")
    assert delivery.status == 200 and delivery.bytes_read <= 64 * 1024
    assert time.monotonic() - started < 2


def test_a_webhook_without_a_proper_secret_is_never_sent_unsigned(private_allowed, servers):
    from chalicelib.adapters import webhook

    server = servers()
    for secret in (None, "", "rahasia-lama-bukan-whsec"):
        with pytest.raises(webhook.WebhookFailed, match="secret"):
            webhook.post(server.url, secret, {"e": 1}, tracking_id="LPR-TEST-0001", recipient="agency:x",
                         message_id="m6")
    assert server.received == []


# --- signatures, end to end ----------------------------------------------------------------------

def test_a_delivery_is_signed_and_an_independent_verifier_accepts_it(client, staff, pump, private_allowed, servers):
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    receiver = servers()
    agency = "dinas-pendidikan-kota-makassar"
    secret = body(put_webhook(client, staff, receiver.url, agency))["webhook_secret"]
    try:
        # When a report is forwarded to the agency
        receipt = file_report(client, category="education", target_agency_id=agency)
        pump.drain()
        headers, raw = next((h, r) for h, r in receiver.received if receipt["tracking_id"].encode() in r)
        # Then the delivery carries the three Standard Webhooks headers
        assert headers["webhook-id"].startswith(receipt["tracking_id"] + "/")
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 120
        # And an independent verifier and the reference library both accept it
        assert independent_verify(secret, headers, raw)
        assert Webhook(secret).verify(raw, headers)["tracking_id"] == receipt["tracking_id"]
        # But not a changed body, another secret, or the same delivery replayed ten minutes later
        assert not independent_verify(secret, headers, raw.replace(b"forwarded", b"resolved"))
        assert not independent_verify("whsec_" + base64.b64encode(b"k" * 32).decode(), headers, raw)
        assert not independent_verify(secret, headers, raw, now=time.time() + 600)
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(raw, {**headers, "webhook-timestamp": str(int(time.time()) - 600)})
    finally:
        put_webhook_none(client, staff, agency)


def test_after_a_rotation_both_secrets_sign_for_a_day_then_only_the_new_one(client, staff, pump, private_allowed,
                                                                            servers, clock_at):
    from datetime import UTC, datetime, timedelta

    from standardwebhooks.webhooks import Webhook

    receiver = servers()
    agency = "dinas-pendidikan-kota-makassar"
    old = body(put_webhook(client, staff, receiver.url, agency))["webhook_secret"]
    rotate = f"/admin/agencies/{agency}/webhook-secret"

    def delivered(title: str) -> tuple[dict[str, str], bytes]:
        receipt = file_report(client, category="education", target_agency_id=agency, title=title)
        pump.drain()
        return next((h, r) for h, r in receiver.received if receipt["tracking_id"].encode() in r)

    try:
        start = datetime.now(UTC).replace(microsecond=0)
        clock_at(start)
        # Given the national admin rotates the secret (the receiver has not switched yet)
        rotated = body(client.http.post(rotate, headers=staff.national()))
        new = rotated["webhook_secret"]
        assert new != old and rotated["previous_valid_until"] == (start + timedelta(hours=24)).isoformat()
        # When a report is forwarded within the day
        headers, raw = delivered("Atap kelas SD Negeri 3 bocor")
        # Then the delivery carries two signatures: a receiver on either secret accepts it
        assert len(headers["webhook-signature"].split(" ")) == 2
        assert independent_verify(old, headers, raw) and independent_verify(new, headers, raw)
        assert Webhook(old).verify(raw, headers) and Webhook(new).verify(raw, headers)
        # When the day is over, only the new secret signs
        clock_at(start + timedelta(hours=25))
        headers, raw = delivered("Pagar sekolah roboh setelah hujan")
        assert independent_verify(new, headers, raw) and not independent_verify(old, headers, raw)
        # And a secret that leaked is cut off at once with previous_valid_hours=0
        cut = body(client.http.post(rotate + "?previous_valid_hours=0", headers=staff.national()))
        assert cut["previous_valid_until"] is None
        headers, raw = delivered("Bangku kelas rusak dan tidak diganti")
        assert independent_verify(cut["webhook_secret"], headers, raw) and not independent_verify(new, headers, raw)
        # Nonsense for the overlap is a 422 on that field, and changes nothing
        for bad in ("73", "-1", "satu", "1.5"):
            refused = client.http.post(f"{rotate}?previous_valid_hours={bad}", headers=staff.national())
            assert refused.status_code == 422 and "previous_valid_hours" in body(refused)["error"]["fields"], bad
        from chalicelib.models import AgencyModel

        assert AgencyModel.get(agency).webhook_secret == cut["webhook_secret"]
    finally:
        put_webhook_none(client, staff, agency)
