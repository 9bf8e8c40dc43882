"""The local stack's outbox: every message the notifier sends is also appended here (one JSON
line each) and printed, so a developer can see it at ``GET /dev/outbox``. Off when
``DEV_OUTBOX_FILE`` is unset, as on every deployed stage."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from chalicelib.config import get_settings

_lock = threading.Lock()


def record(message: dict[str, Any]) -> None:
    path = get_settings().dev_outbox_file
    if not path:
        return
    line = json.dumps(message, ensure_ascii=False, sort_keys=True)
    with _lock, open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    to = ", ".join(message.get("to") or [message.get("url", "")])
    subject = message.get("subject") or message.get("payload", {}).get("subject")
    print(f"[outbox] {message.get('channel')} → {to}: {subject}", flush=True)


def read(tracking_id: str | None = None) -> list[dict[str, Any]]:
    path = get_settings().dev_outbox_file
    if not path or not Path(path).exists():
        return []
    messages = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    if tracking_id:
        messages = [m for m in messages if m.get("tracking_id") == tracking_id]
    return messages
