"""Agency webhooks: JSON, signed with HMAC-SHA256 over the body (``X-Lapor-Signature``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from chalicelib.adapters import outbox

TIMEOUT_SECONDS = 5


class WebhookFailed(Exception):
    pass


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post(url: str, secret: str | None, payload: dict[str, Any], *, tracking_id: str, recipient: str) -> int:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "SP4N-LAPOR-webhook/1"}
    if secret:
        headers["X-Lapor-Signature"] = sign(body, secret)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookFailed(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise WebhookFailed(type(error).__name__) from None
    outbox.record({"channel": "webhook", "tracking_id": tracking_id, "recipient": recipient, "url": url,
                   "payload": payload, "status": status})
    return status
