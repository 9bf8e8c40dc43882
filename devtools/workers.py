"""The background functions of the local stack, run as Lambda would run them.

``chalice local`` serves HTTP routes only; schedules, streams and queues are driven from here.
"""

from __future__ import annotations

import threading


def start(stop: threading.Event, sweep_every: float = 60.0) -> list[threading.Thread]:
    return []
