"""The tracking page (``GET /track``, ``POST /track``): a report's status in words, its agency,
deadlines and timeline; with the reporter token, the whole report and the reporter's forms (reply,
accept with a rating, reopen). Rendered on the server; ``static/track.js`` sends the same forms
to the JSON API when the browser runs scripts.

The reporter token travels only in form bodies (POST), never in a URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from chalicelib.domain.reference import regions
from chalicelib.web import text
from chalicelib.web.pages import e, layout
from chalicelib.web.text import t

OPEN = {"submitted", "forwarded", "in_progress", "awaiting_reporter", "resolved"}
NOTICES = ("replied", "accepted", "reopened")


def say(lang: str, message: str) -> str:
    """A page code (``not_found``) or an API message, in the page's language."""
    return t(lang, message) if message in text.TEXT else text.server_message(lang, message)


def _error(fid: str, errors: dict[str, str]) -> str:
    message = errors.get(fid)
    hidden = "" if message else " hidden"
    return f'<p class="field-error" id="error-{fid}"{hidden}>{e(message)}</p>'


def _invalid(fid: str, errors: dict[str, str], hint: bool = False) -> str:
    ids = ([f"hint-{fid}"] if hint else []) + [f"error-{fid}"]
    return f' aria-describedby="{" ".join(ids)}"' + (' aria-invalid="true"' if errors.get(fid) else "")


def lookup_form(lang: str, tracking_id: str, errors: dict[str, str]) -> str:
    return (
        '<form method="post" action="track" id="lookup-form" class="panel">'
        f'<input type="hidden" name="lang" value="{lang}"><input type="hidden" name="action" value="view">'
        f'<div class="field"><label for="tracking_id">{t(lang, "tracking_id")}</label>'
        f'<p class="hint" id="hint-tracking_id">{t(lang, "tracking_id_hint")}</p>{_error("tracking_id", errors)}'
        f'<input id="tracking_id" name="tracking_id" value="{e(tracking_id)}" autocomplete="off" '
        f'autocapitalize="characters" spellcheck="false" required{_invalid("tracking_id", errors, True)}></div>'
        f'<div class="field"><label for="reporter_token">{t(lang, "reporter_token")} '
        f'<span class="req">{t(lang, "optional")}</span></label>'
        f'<p class="hint" id="hint-reporter_token">{t(lang, "token_hint")}</p>{_error("reporter_token", errors)}'
        f'<input id="reporter_token" name="reporter_token" autocomplete="off" spellcheck="false"'
        f'{_invalid("reporter_token", errors, True)}></div>'
        f'<button type="submit">{t(lang, "track_button")}</button></form>'
    )


def _sign_in_form(lang: str, tracking_id: str, errors: dict[str, str]) -> str:
    return (
        '<section class="panel" aria-labelledby="sign-in-heading">'
        f'<h2 id="sign-in-heading">{t(lang, "sign_in_heading")}</h2><p>{t(lang, "sign_in_intro")}</p>'
        '<form method="post" action="track" id="sign-in-form">'
        f'<input type="hidden" name="lang" value="{lang}"><input type="hidden" name="action" value="view">'
        f'<input type="hidden" name="tracking_id" value="{e(tracking_id)}">'
        f'<div class="field"><label for="reporter_token">{t(lang, "reporter_token")}</label>'
        f'{_error("reporter_token", errors)}<input id="reporter_token" name="reporter_token" autocomplete="off" '
        f'spellcheck="false" required{_invalid("reporter_token", errors)}></div>'
        f'<button type="submit">{t(lang, "sign_in_button")}</button></form></section>'
    )


def _region(report: dict[str, Any]) -> str:
    data = regions()
    regency = data.regencies.get(report.get("regency_code") or "")
    province = data.provinces.get(report.get("province_code") or "")
    return ", ".join(part.name for part in (regency, province) if part)


def _deadlines(lang: str, report: dict[str, Any]) -> str:
    items = []
    for name, deadline in (report.get("deadlines") or {}).items():
        label = t(lang, f"deadline_{name}") if f"deadline_{name}" in text.TEXT else name
        missed = deadline.get("met") is False
        state = t(lang, "deadline_missed") if missed else t(lang, "deadline_pending")
        css = "missed" if missed else "pending"
        items.append(f'<li class="deadline {css}" data-deadline="{e(name)}"><strong>{e(label)}</strong>: '
                     f'{e(text.when(lang, deadline.get("due"), report["province_code"]))} '
                     f'<span class="badge">{state}</span></li>')
    if not items:
        return f'<p>{t(lang, "no_deadlines")}</p>'
    return f'<ul class="deadlines">{"".join(items)}</ul>'


def _timeline(lang: str, report: dict[str, Any], events: Iterable[dict[str, Any]]) -> str:
    items = []
    for event in reversed(list(events)):
        actor = t(lang, f"actor_{event.get('actor')}") if event.get("actor") in {"reporter", "agency", "system"} \
            else ""
        note = f'<p class="note">{e(event["note"])}</p>' if event.get("note") else ""
        status = text.status_label(lang, event.get("status"))
        items.append(
            f'<li class="event" data-type="{e(event.get("type"))}">'
            f'<p class="when">{e(text.when(lang, event.get("at"), report["province_code"]))}'
            f'{" · " + e(actor) if actor else ""}</p>'
            f'<p><strong>{e(text.event_label(lang, event.get("type") or ""))}</strong>'
            f'{" — " + e(status) if status else ""}</p>{note}</li>')
    if not items:
        return f'<p>{t(lang, "no_events")}</p>'
    return f'<ol class="timeline" id="timeline">{"".join(items)}</ol>'


def _content(lang: str, report: dict[str, Any], as_reporter: bool) -> str:
    if report.get("title") is None:
        return (f'<section aria-labelledby="content-heading"><h2 id="content-heading">{t(lang, "report_content")}'
                f'</h2><p id="confidential-note">{t(lang, "confidential_hidden")}</p></section>')
    rows = [f'<h3 id="report-title">{e(report.get("title"))}</h3>',
            f'<p class="description" id="report-description">{e(report.get("description"))}</p>']
    facts = []
    if report.get("address"):
        facts.append((t(lang, "address_label"), report["address"]))
    if report.get("incident_date"):
        facts.append((t(lang, "incident_date_label"), text.day(lang, report["incident_date"])))
    reporter = report.get("reporter") if as_reporter else None
    if reporter:
        who = ", ".join(str(reporter[k]) for k in ("name", "email", "phone") if reporter.get(k))
        if who:
            facts.append((t(lang, "reporter_label"), who))
    flags = [t(lang, key) for key, on in (("anonymous_on", report.get("anonymous")),
                                         ("confidential_on", report.get("confidential"))) if on]
    if as_reporter and flags:
        facts.append((t(lang, "legend_privacy"), "; ".join(flags)))
    if facts:
        rows.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>")
    links = report.get("attachment_links") or []
    if links:
        items = "".join(f'<li><a href="{e(link["url"])}" rel="noopener">{t(lang, "attachment_n", n=i)}</a></li>'
                        for i, link in enumerate(links, 1))
        rows.append(f'<h3>{t(lang, "attachments_label")}</h3><ul class="files" id="attachment-links">{items}</ul>'
                    f'<p class="hint">{t(lang, "links_expire")}</p>')
    return (f'<section aria-labelledby="content-heading"><h2 id="content-heading">{t(lang, "report_content")}</h2>'
            + "".join(rows) + "</section>")


def _hidden(lang: str, tracking_id: str, token: str, action: str) -> str:
    return (f'<input type="hidden" name="lang" value="{lang}">'
            f'<input type="hidden" name="tracking_id" value="{e(tracking_id)}">'
            f'<input type="hidden" name="reporter_token" value="{e(token)}">'
            f'<input type="hidden" name="action" value="{action}">')


def _reporter_forms(lang: str, report: dict[str, Any], token: str, errors: dict[str, str],
                    values: dict[str, str]) -> str:
    tid = report["tracking_id"]
    status = report.get("status")
    parts = []
    if status in OPEN:
        parts.append(
            '<section class="panel" aria-labelledby="reply-heading">'
            f'<h2 id="reply-heading">{t(lang, "reply_heading")}</h2>'
            + (f'<p class="callout">{t(lang, "awaiting_you")}</p>' if status == "awaiting_reporter" else "")
            + f'<form method="post" action="track" id="reply-form" data-api="complaints/{e(tid)}/replies">'
            + _hidden(lang, tid, token, "reply")
            + f'<input type="hidden" name="reply_key" value="{secrets.token_urlsafe(16)}">'
            + f'<div class="field"><label for="message">{t(lang, "message")}</label>'
            f'<p class="hint" id="hint-message">{t(lang, "message_hint")}</p>{_error("message", errors)}'
            f'<textarea id="message" name="message" rows="5" maxlength="4000" required'
            f'{_invalid("message", errors, True)}>{e(values.get("message"))}</textarea></div>'
            f'<button type="submit">{t(lang, "send_reply")}</button></form></section>')
    if status == "resolved":
        stars = "".join(
            f'<span class="star"><input type="radio" id="rating-{n}" name="rating" value="{n}"'
            f'{" checked" if values.get("rating") == str(n) else ""}><label for="rating-{n}">{n}</label></span>'
            for n in range(1, 6))
        parts.append(
            '<section class="panel" aria-labelledby="feedback-heading">'
            f'<h2 id="feedback-heading">{t(lang, "feedback_heading")}</h2><p>{t(lang, "feedback_intro")}</p>'
            f'<form method="post" action="track" id="accept-form" data-api="complaints/{e(tid)}/feedback" '
            'data-decision="accept">'
            + _hidden(lang, tid, token, "feedback") + '<input type="hidden" name="decision" value="accept">'
            + f'<fieldset class="field" id="field-rating" aria-describedby="error-rating">'
            f'<legend>{t(lang, "accept_legend")}</legend><p class="hint">{t(lang, "rating")}</p>'
            f'{_error("rating", errors)}<div class="stars">{stars}</div></fieldset>'
            f'<div class="field"><label for="accept-comment">{t(lang, "comment")} '
            f'<span class="req">{t(lang, "optional")}</span></label>{_error("accept-comment", errors)}'
            f'<textarea id="accept-comment" name="comment" rows="3" maxlength="2000"'
            f'{_invalid("accept-comment", errors)}>{e(values.get("accept-comment"))}</textarea></div>'
            f'<button type="submit">{t(lang, "accept_button")}</button></form>'
            f'<form method="post" action="track" id="reopen-form" data-api="complaints/{e(tid)}/feedback" '
            'data-decision="reopen">'
            + _hidden(lang, tid, token, "feedback") + '<input type="hidden" name="decision" value="reopen">'
            + f'<h3>{t(lang, "reopen_legend")}</h3>'
            f'<div class="field"><label for="reopen-comment">{t(lang, "reason")}</label>'
            f'{_error("reopen-comment", errors)}<textarea id="reopen-comment" name="comment" rows="3" '
            f'maxlength="2000" required{_invalid("reopen-comment", errors)}>{e(values.get("reopen-comment"))}'
            f'</textarea></div><button type="submit" class="secondary">{t(lang, "reopen_button")}</button></form>'
            "</section>")
    # The script sends the forms to the JSON API, then reloads the page through this form.
    parts.append('<form method="post" action="track" id="refresh-form" hidden>'
                 + _hidden(lang, tid, token, "view") + '<input type="hidden" name="notice" value=""></form>')
    return "".join(parts)


def report_section(lang: str, report: dict[str, Any], events: Iterable[dict[str, Any]], *,
                   as_reporter: bool, token: str, errors: dict[str, str], values: dict[str, str]) -> str:
    kind = report.get("kind_label") if lang != "en" else (report.get("kind") or "").replace("_", " ").capitalize()
    status = text.status_label(lang, report.get("status"))
    alerts = ""
    if report.get("overdue"):
        alerts += f'<p class="callout warn" id="overdue">{t(lang, "overdue")}</p>'
    if report.get("ombudsman_eligible"):
        alerts += f'<p class="callout warn">{t(lang, "ombudsman")}</p>'
    facts = [
        (t(lang, "tracking_id"), report["tracking_id"]),
        (t(lang, "kind_label"), kind),
        (t(lang, "category_label"), text.category_label(lang, report.get("category"))),
        (t(lang, "region_label"), _region(report)),
        (t(lang, "agency_label"), report.get("agency_name") or report.get("agency_id")),
        (t(lang, "submitted_label"), text.when(lang, report.get("submitted_at"), report["province_code"])),
        (t(lang, "updated_label"), text.when(lang, report.get("updated_at"), report["province_code"])),
    ]
    summary = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    return (
        '<section aria-labelledby="status-heading" class="report">'
        f'<h2 id="status-heading">{t(lang, "status")}</h2>'
        f'<p class="status status-{e(report.get("status"))}"><strong id="status-label">{e(status)}</strong></p>'
        f'{alerts}<dl class="facts" id="agency">{summary}</dl>'
        f'<h3>{t(lang, "deadlines")}</h3>{_deadlines(lang, report)}</section>'
        + _content(lang, report, as_reporter)
        + (_reporter_forms(lang, report, token, errors, values) if as_reporter else "")
        + f'<section aria-labelledby="timeline-heading"><h2 id="timeline-heading">{t(lang, "timeline")}</h2>'
        + _timeline(lang, report, events) + "</section>"
        + ("" if as_reporter else _sign_in_form(lang, report["tracking_id"], errors))
    )


def track_page(lang: str, *, tracking_id: str = "", report: dict[str, Any] | None = None,
               events: Iterable[dict[str, Any]] = (), as_reporter: bool = False, token: str = "",
               errors: dict[str, str] | None = None, notice: str | None = None,
               values: dict[str, str] | None = None) -> str:
    errors = {name: say(lang, message) for name, message in (errors or {}).items()}
    general = errors.get("form")
    top = ""
    if notice in NOTICES:
        top += f'<p class="callout ok" id="notice" role="status">{t(lang, "notice_" + notice)}</p>'
    if general:
        top += f'<p class="callout warn" id="form-error" role="alert">{e(general)}</p>'
    if report is None:
        body = (f'<h1>{t(lang, "track_heading")}</h1><p>{t(lang, "track_intro")}</p>{top}'
                + lookup_form(lang, tracking_id, errors))
        switch = "track" + ("" if lang == "en" else "?lang=en")
    else:
        body = (f'<h1>{t(lang, "track_heading")}: <span class="key">{e(report["tracking_id"])}</span></h1>{top}'
                + report_section(lang, report, events, as_reporter=as_reporter, token=token, errors=errors,
                                 values=values or {}))
        other = "id" if lang == "en" else "en"
        switch = f"track?tracking_id={report['tracking_id']}{'&lang=en' if other == 'en' else ''}"
    script = "track.js" if report is not None and as_reporter else None
    data = text.client_texts(lang) if script else None
    return layout(lang, t(lang, "track_heading"), body, script=script, switch_url=switch, data=data)
