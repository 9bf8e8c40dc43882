"""The tracking page (``GET /track``, ``POST /track``): a report's status in words, its agency,
deadlines and timeline; with the reporter token, the whole report and the reporter's forms (reply,
accept with a rating, reopen). Rendered on the server from ``templates/citizen/track.html``;
``static/track.js`` sends the same forms to the JSON API when the browser runs scripts.

The reporter token travels only in form bodies (POST), never in a URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from chalicelib.domain.reference import regions
from chalicelib.web import text
from chalicelib.web.templating import has, render

OPEN = {"submitted", "forwarded", "in_progress", "awaiting_reporter", "resolved"}
NOTICES = ("replied", "accepted", "reopened")


def say(lang: str, message: str) -> str:
    """A page code (``not_found``) or an API message, in the page's language."""
    return text.t(lang, message) if has(message) else text.server_message(lang, message)


def _region(report: dict[str, Any]) -> str:
    data = regions()
    regency = data.regencies.get(report.get("regency_code") or "")
    province = data.provinces.get(report.get("province_code") or "")
    return ", ".join(part.name for part in (regency, province) if part)


def _exchange(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The agency's last question and last answer: shown above the form that replies to them."""
    last: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.get("note") and event.get("type") in ("info_requested", "responded", "resolved"):
            last["question" if event["type"] == "info_requested" else "answer"] = event
    return last


def track_page(lang: str, *, tracking_id: str = "", report: dict[str, Any] | None = None,
               events: Iterable[dict[str, Any]] = (), as_reporter: bool = False, token: str = "",
               errors: dict[str, str] | None = None, notice: str | None = None,
               values: dict[str, str] | None = None, agency_names: dict[str, str] | None = None) -> str:
    if report is None:
        switch = "track" + ("" if lang == "en" else "?lang=en")
    else:
        switch = f"track?tracking_id={report['tracking_id']}{'' if lang == 'en' else '&lang=en'}"
    # The reporter keeps their view in the other language: the switch posts the token, as every form here does.
    other = "id" if lang == "en" else "en"
    switch_post = ({"tracking_id": report["tracking_id"], "reporter_token": token, "action": "view", "lang": other}
                   if report is not None and as_reporter else None)
    events = list(events)
    script = "track.js" if report is not None and as_reporter else None
    return render(
        "citizen/track.html", lang,
        tracking_id=tracking_id, report=report, events=events, as_reporter=as_reporter, token=token,
        switch_post=switch_post, agency_names=agency_names or {}, exchange=_exchange(events),
        errors={name: say(lang, message) for name, message in (errors or {}).items()},
        notice=notice if notice in NOTICES else None, values=values or {},
        region=_region(report) if report else "", open_statuses=OPEN,
        reply_key=secrets.token_urlsafe(16), script=script, switch_url=switch,
        data=text.client_texts(lang) if script else None,
    )
