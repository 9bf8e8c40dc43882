"""Agency webhooks (SPEC §6, §11): Standard Webhooks signatures, and no way in to private networks.

Every delivery carries ``webhook-id`` (the notification's id: the same on a retry, so a receiver
can drop duplicates), ``webhook-timestamp`` (Unix seconds: a receiver refuses old ones, so a
captured delivery cannot be replayed later) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`` keyed with the agency's ``whsec_`` secret, made by the ``standardwebhooks``
package). A webhook without a secret is never sent.

The URL is checked when an admin sets it and again at every delivery: https only, and the host must
resolve to public addresses only (no loopback, private, link-local/metadata, shared, reserved or
multicast range). The connection then goes to the address that was checked, never to a fresh DNS
answer (no DNS rebinding). Redirects are not followed, the whole exchange has 5 seconds, and at
most 64 KB of the answer is read. ``WEBHOOK_ALLOW_PRIVATE`` (the local stack only) lifts the
address and https rules so the demo can post to a receiver on the same machine.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from chalicelib.adapters import outbox
from chalicelib.config import get_settings

TIMEOUT_SECONDS = 5.0
MAX_ANSWER_BYTES = 64 * 1024
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
PREVIOUS_SECRET_HOURS = 24  # after a rotation the old secret signs too for a day, unless told otherwise
MAX_PREVIOUS_SECRET_HOURS = 72
USER_AGENT = "SP4N-LAPOR-webhook/2"


class WebhookFailed(Exception):
    """A delivery did not reach a 2xx answer (the notifier retries it)."""


class UnsafeWebhookUrl(ValueError):
    """A URL the service will not post to; the message says why, in a few words."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP the connection goes to


@dataclass(frozen=True)
class Delivery:
    status: int
    bytes_read: int


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def is_secret(value: str | None) -> bool:
    if not value or not value.startswith(SECRET_PREFIX):
        return False
    try:
        return len(base64.b64decode(value[len(SECRET_PREFIX):], validate=True)) >= 24
    except ValueError:
        return False


def allow_private() -> bool:
    return get_settings().webhook_allow_private


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the seam tests replace to play a hostile DNS)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeWebhookUrl(f"the host does not resolve ({type(error).__name__})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def check(url: str) -> Target:
    """Where a delivery to ``url`` may go, or ``UnsafeWebhookUrl``."""
    if not isinstance(url, str) or len(url) > 2000 or any(ch.isspace() for ch in url):
        raise UnsafeWebhookUrl("must be a URL of at most 2000 characters")
    parts = urlsplit(url)
    private_ok = allow_private()
    if parts.scheme != "https" and not (private_ok and parts.scheme == "http"):
        raise UnsafeWebhookUrl("must be an https URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeWebhookUrl("must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeWebhookUrl("has an invalid port") from None
    host = parts.hostname
    if not host:
        raise UnsafeWebhookUrl("must name a host")
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeWebhookUrl("the host does not resolve")
    if not private_ok and not all(is_public(address) for address in addresses):
        raise UnsafeWebhookUrl("the host must resolve to public internet addresses only")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def signed_headers(secret: str, message_id: str, body: bytes, now: datetime | None = None,
                   previous: str | None = None) -> dict[str, str]:
    """Standard Webhooks headers; with ``previous`` (a rotation's overlap) the signature list holds
    one signature per secret, space-separated, and a receiver accepts the message if any matches."""
    from standardwebhooks.webhooks import Webhook

    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    signatures = [Webhook(s).sign(msg_id=message_id, timestamp=moment, data=body.decode("utf-8"))
                  for s in (secret, previous) if s]
    return {"webhook-id": message_id, "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": " ".join(signatures)}


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the host's name for SNI and certificate checking."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _exchange(target: Target, body: bytes, headers: dict[str, str]) -> Delivery:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        sock = connection.sock  # kept: the connection lets go of it when the answer closes it
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        response = connection.getresponse()
        read = 0
        while read < MAX_ANSWER_BYTES:  # the answer is not needed: read a little, never all of it
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the answer took longer than 5 s")
            sock.settimeout(remaining)
            chunk = response.read1(min(16 * 1024, MAX_ANSWER_BYTES - read))
            if not chunk:
                break
            read += len(chunk)
        return Delivery(response.status, read)
    finally:
        connection.close()


def post(url: str, secret: str | None, payload: dict[str, Any], *, tracking_id: str, recipient: str,
         message_id: str, previous_secret: str | None = None) -> Delivery:
    """One signed delivery (by the old secret too while a rotation's overlap lasts: ``previous_secret``);
    ``WebhookFailed`` unless the answer is 2xx."""
    if not is_secret(secret):
        raise WebhookFailed("no webhook secret: rotate it (POST /admin/agencies/{id}/webhook-secret)")
    try:
        target = check(url)
    except UnsafeWebhookUrl as error:
        raise WebhookFailed(f"refused: {error}") from None
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               **signed_headers(secret, message_id, body,
                                previous=previous_secret if is_secret(previous_secret) else None)}
    try:
        delivery = _exchange(target, body, headers)
    except (OSError, http.client.HTTPException, TimeoutError) as error:
        raise WebhookFailed(type(error).__name__) from None
    if 300 <= delivery.status < 400:
        raise WebhookFailed(f"HTTP {delivery.status}: redirects are not followed")
    if not 200 <= delivery.status < 300:
        raise WebhookFailed(f"HTTP {delivery.status}")
    outbox.record({"channel": "webhook", "tracking_id": tracking_id, "recipient": recipient, "url": url,
                   "payload": payload, "status": delivery.status, "webhook_id": message_id})
    return delivery
