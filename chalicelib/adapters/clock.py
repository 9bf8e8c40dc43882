"""The system's "now".

Deployed: the real UTC time. In the local stack and tests a test clock can move it (SPEC §9): the
offset lives in a small JSON file (``DEV_CLOCK_FILE``) so that the API process and the background
functions share it. Only the dev routes write that file.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chalicelib.config import get_settings

_cache: dict[str, object] = {"mtime": None, "offset": 0.0}


def _offset_seconds(path: str) -> float:
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0.0
    if mtime != _cache["mtime"]:
        try:
            _cache["offset"] = float(json.loads(Path(path).read_text())["offset_seconds"])
        except (ValueError, KeyError, OSError):
            _cache["offset"] = 0.0
        _cache["mtime"] = mtime
    return float(_cache["offset"])  # type: ignore[arg-type]


def now() -> datetime:
    real = datetime.now(UTC)
    path = get_settings().dev_clock_file
    if not path:
        return real
    return real + timedelta(seconds=_offset_seconds(path))


def set_offset(offset_seconds: float) -> None:
    path = get_settings().dev_clock_file
    if not path:
        raise RuntimeError("the test clock is only available in the local stack and tests")
    tmp = Path(path + ".tmp")
    tmp.write_text(json.dumps({"offset_seconds": offset_seconds}))
    tmp.replace(path)


def current_offset() -> float:
    path = get_settings().dev_clock_file
    return _offset_seconds(path) if path else 0.0
