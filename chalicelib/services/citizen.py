"""What the citizen's web pages need (SPEC §7 ``GET /``, ``GET /track``): a fresh form key, the
agencies of a region, filing from a plain form post, and the tracking page's data and actions.

The pages speak Bahasa Indonesia or English; this module does not: its errors are the API's
messages (English) or page codes such as ``not_found``, which ``chalicelib/web`` puts into words.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.adapters import attachments as s3
from chalicelib.adapters import clock
from chalicelib.domain.names import Audience
from chalicelib.domain.reference import WIT, regions
from chalicelib.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RequestInProgress,
    StaleVersion,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.services import attachments, directory, reporter, reports, submit

NOTICES = ("replied", "accepted", "reopened")
BUSY_RETRIES = 6  # a double-clicked plain form: wait for the first filing, then replay its answer
BUSY_WAIT_SECONDS = 0.5
STALE_RETRIES = 3  # a reply racing the agency's (or the forwarder's) change of the same report


def new_form_key() -> str:
    """The Idempotency-Key a form page carries: filing the same form twice files one report."""
    return secrets.token_urlsafe(24)


def form_context(values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Today (no incident date after it) and, when a regency is chosen, its agencies."""
    province = (values or {}).get("province_code")
    zone = ZoneInfo(regions().provinces[province].time_zone) if province in regions().provinces else ZoneInfo(WIT)
    today = clock.now().astimezone(zone).date().isoformat()  # no incident date after today, there
    regency = (values or {}).get("regency_code")
    agencies: list[dict[str, Any]] = []
    if isinstance(regency, str) and regency in regions().regencies:
        agencies = directory.list_agencies(regency_code=regency, limit=200)["agencies"]
    return {"today": today, "agencies": agencies}


def upload_origin() -> str:
    return s3.upload_origin()


def submit_form(data: dict[str, Any], key: str | None, lambda_context: Any = None,
                lang: str = "id", source: str | None = None) -> dict[str, Any]:
    """File from a plain form. A browser that posts the form twice (double click) gets the same
    answer both times: the second post waits for the first instead of failing."""
    for attempt in range(BUSY_RETRIES):
        try:
            return submit.submit(data, idempotency_key=key, lambda_context=lambda_context, lang=lang,
                                 source=source)
        except RequestInProgress:
            if attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(BUSY_WAIT_SECONDS)
    raise AssertionError("unreachable")


def _field_errors(fields: dict[str, str], decision: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in fields.items():
        if name in {"message", "note"}:
            errors["message"] = message
        elif name == "comment":
            errors["reopen-comment" if decision == "reopen" else "accept-comment"] = message
        elif name == "rating":
            errors["rating"] = message
        else:
            errors.setdefault("form", message)
    return errors


def _act(tracking_id: str, token: str | None, action: str, form: dict[str, str],
         source: str | None = None) -> dict[str, Any] | None:
    """Reply or give feedback; returns the reporter's view after the change. When the agency
    changed the report at the same moment nothing was saved, so it is tried again."""
    for attempt in range(STALE_RETRIES):
        try:
            return _act_once(tracking_id, token, action, form, source)
        except StaleVersion:
            if attempt == STALE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _act_once(tracking_id: str, token: str | None, action: str, form: dict[str, str],
              source: str | None = None) -> dict[str, Any] | None:
    if action == "reply":  # the same per-address limit as POST /complaints/{id}/replies (SPEC §11)
        return reporter.reply(tracking_id, token, {"message": form.get("message", "")},
                              reply_key=form.get("reply_key") or None, source=source)
    if action != "feedback":
        return None
    decision = form.get("decision")
    rating: Any = form.get("rating") or None
    if isinstance(rating, str) and rating.isdigit():
        rating = int(rating)
    if decision == "accept" and rating is None:
        raise ValidationFailed("a rating is required", fields={"rating": reporter.RATING})
    return reporter.feedback(tracking_id, token, {"decision": decision, "rating": rating,
                                                  "comment": form.get("comment", "")})


def track(tracking_id: str | None, token: str | None = None, action: str = "view",
          form: dict[str, str] | None = None, source: str | None = None) -> dict[str, Any]:
    """Everything the tracking page shows, after doing ``action`` (view | reply | feedback);
    ``source`` is the address API Gateway saw (the reply limit per address).

    Returns ``report`` (None when there is nothing to show), ``events``, ``as_reporter``,
    ``token`` (only when it matched), ``errors`` by field, ``notice``, ``values`` to put back in
    the forms, and the HTTP ``status``.
    """
    form = form or {}
    tracking_id = (tracking_id or "").strip().upper()
    token = (token or "").strip() or None
    page: dict[str, Any] = {"tracking_id": tracking_id, "report": None, "events": [], "as_reporter": False,
                            "token": "", "errors": {}, "notice": None, "values": {}, "status": 200}
    if not tracking_id:
        if action != "view" or form:
            page["errors"], page["status"] = {"tracking_id": "required"}, 422
        return page
    decision = form.get("decision")
    changed = None
    try:
        changed = _act(tracking_id, token, action, form, source)
        if changed is not None:
            page["notice"] = "replied" if action == "reply" else ("accepted" if decision == "accept" else "reopened")
    except ValidationFailed as error:
        page["errors"], page["status"] = _field_errors(error.fields or {"form": error.message}, decision), 422
        page["values"] = {"message": form.get("message", ""), "rating": form.get("rating", ""),
                          ("reopen-comment" if decision == "reopen" else "accept-comment"): form.get("comment", "")}
    except Unauthorized:
        page["errors"], page["status"] = {"reporter_token": "token_needed"}, 401
    except Conflict as error:
        page["errors"], page["status"] = {"form": error.message}, error.status
    except (NotFound, Forbidden):
        pass  # the read below says which
    if action == "view" and form.get("notice") in NOTICES:
        page["notice"] = form["notice"]
    try:
        if changed is not None:
            report = changed
            report["attachment_links"] = attachments.links(report.get("attachments") or [],
                                                           confidential=bool(report.get("confidential")),
                                                           audience=Audience.REPORTER)
        else:
            report = reports.view(tracking_id, token)
        events = reports.timeline(tracking_id, token, details=True)["events"]
    except NotFound:
        page["errors"], page["status"] = {"tracking_id": "not_found"}, 404
        return page
    except Forbidden:
        page["errors"], page["status"] = {"reporter_token": "wrong_token"}, 403
        report, events = reports.view(tracking_id), reports.timeline(tracking_id, details=True)["events"]
        token = None
    as_reporter = report.get("view") == "reporter"
    page.update(tracking_id=report["tracking_id"], report=report, events=events, as_reporter=as_reporter,
                token=token if as_reporter else "", agency_names=_escalation_names(events))
    return page


def _escalation_names(events: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the agencies a report was escalated to (at most three), for the timeline's words."""
    names: dict[str, str] = {}
    for event in events:
        agency_id = (event.get("details") or {}).get("to_agency_id")
        if agency_id and agency_id not in names:
            try:
                names[agency_id] = directory.get_agency(agency_id).name
            except NotFound:
                names[agency_id] = agency_id
    return names
