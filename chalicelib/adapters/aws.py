"""AWS clients, each built on first use (never at import time) and then reused.

Straight from botocore: boto3 adds nothing the code uses here and costs ~0.15 s to import (it
pulls in s3transfer) on every cold start. Every client — ours and PynamoDB's, one per table
connection (``models/base.py`` hands PynamoDB :func:`session`) — comes from one botocore session,
so the service models and endpoint data are read from disk and the session's handlers set up once
per process, not once per table a cold request touches (~70 ms each).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

from chalicelib.config import get_settings

_EXTRA: dict[str, dict[str, Any]] = {"s3": {"signature_version": "s3v4"}}
_shared: botocore.session.Session | None = None
_lock = threading.Lock()


class _SharedSession(botocore.session.Session):
    """botocore sessions may not create clients from two threads at once (PynamoDB keeps one per
    thread for that reason); this one creates them one at a time. The clients are thread-safe."""

    def __init__(self) -> None:
        super().__init__()
        self._creating = threading.Lock()

    def create_client(self, *args: Any, **kwargs: Any) -> Any:
        with self._creating:
            return super().create_client(*args, **kwargs)


def session() -> botocore.session.Session:
    """The process's botocore session (built on first use)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = _SharedSession()
        return _shared


@cache
def client(service: str) -> Any:
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10,
                    **_EXTRA.get(service, {}))
    return session().create_client(service, region_name=get_settings().region, config=config)
