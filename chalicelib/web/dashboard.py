"""The agency scorecards page (``GET /dashboard``): staff enter their API key, the page's script
(``dashboard.js``, served by the app, no CDN) asks ``/agency/stats`` with it and draws the table;
the charts are SVG drawn by the server (``chalicelib/web/charts.py``). The markup is
``templates/dashboard.html``.

The key stays in the tab (``sessionStorage``) and is only ever sent in the ``Authorization``
header to this same site; the page itself holds no data until the key is given.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from chalicelib.web.templating import render

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {"dashboard.js": "text/javascript; charset=utf-8", "dashboard.css": "text/css; charset=utf-8"}

SORTS = ("-reports", "-resolved_pct", "resolved_pct", "-on_time_pct", "median_first_response_hours", "-overdue",
         "-escalated", "-satisfaction_avg", "name")


@cache
def asset(name: str) -> str | None:
    if name not in ASSETS:
        return None
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@cache
def _version(name: str) -> str:
    return hashlib.sha256((asset(name) or "").encode("utf-8")).hexdigest()[:10]


def page() -> str:
    """Relative asset and API URLs, so the page also works below an API Gateway stage path."""
    return render("dashboard.html", "id", sorts=SORTS, versions={name: _version(name) for name in ASSETS})
