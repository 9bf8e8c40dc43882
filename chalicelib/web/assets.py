"""The pages' own CSS and JavaScript, served by the app (no CDN): ``GET /static/<name>``.

Each URL carries a hash of the file (``app.css?v=3f2a…``), so browsers may keep a file for a long
time and still get the new one after a deploy.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {
    "app.css": "text/css; charset=utf-8",
    "form.js": "text/javascript; charset=utf-8",
    "place.js": "text/javascript; charset=utf-8",
    "track.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}


@cache
def read(name: str) -> str | None:
    """The file's text, or None for a name that is not one of ours."""
    if name not in MEDIA_TYPES:
        return None
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@cache
def version(name: str) -> str:
    return hashlib.sha256((read(name) or "").encode("utf-8")).hexdigest()[:10]


def url(name: str) -> str:
    """A relative URL, so the pages also work below an API Gateway stage path (``/api/``)."""
    return f"static/{name}?v={version(name)}"


@cache
def favicon() -> bytes:
    return (STATIC_DIR / "favicon.ico").read_bytes()
