"""The citizen's pages, rendered on the server so they work without JavaScript: the report form
(``GET /``; again with the errors after a plain form post), the receipt after filing, and the
shared layout. ``static/form.js`` enhances the same markup when the browser runs scripts.

Every value that came from a person is escaped here; the pages carry no inline script (the
Content-Security-Policy allows only ``script-src 'self'``). Links are relative, so the pages work
under an API Gateway stage path too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import Any

from chalicelib.domain.reference import CATEGORIES, KINDS, regions
from chalicelib.web import assets, text
from chalicelib.web.text import t

# API field names -> the element that shows their error.
FIELD_IDS = {
    "kind": "kind", "title": "title", "description": "description", "category": "category",
    "province_code": "province_code", "regency_code": "regency_code", "address": "address",
    "latitude": "address", "longitude": "address", "incident_date": "incident_date",
    "target_agency_id": "target_agency_id", "anonymous": "anonymous", "confidential": "confidential",
    "reporter": "reporter_name", "reporter.name": "reporter_name", "reporter.email": "reporter_email",
    "reporter.phone": "reporter_phone", "attachments": "attachments",
}
MAX_ATTACHMENTS = 5


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def lang_query(lang: str, prefix: str = "?") -> str:
    return f"{prefix}lang=en" if lang == "en" else ""


def page_data(data: dict[str, Any]) -> str:
    """Data for the page script, as a JSON block (not executed, so the CSP allows it)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="page-data">{raw}</script>'


def layout(lang: str, title: str, body: str, *, script: str | None = None,
           switch_url: str | None = None, data: dict[str, Any] | None = None) -> str:
    home, track = "./" + lang_query(lang), "track" + lang_query(lang)
    switch = ""
    if switch_url is not None:
        other = "id" if lang == "en" else "en"
        switch = f'<a class="lang" href="{e(switch_url)}" lang="{other}" hreflang="{other}">{t(lang, "switch_to")}</a>'
    head_script = f'<script src="{assets.url(script)}" defer></script>' if script else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} · SP4N-LAPOR!</title>"
        f'<link rel="stylesheet" href="{assets.url("app.css")}">{head_script}</head><body>'
        f'<a class="skip" href="#main">{t(lang, "skip")}</a>'
        '<header class="site"><div class="wrap">'
        f'<a class="brand" href="{home}">SP4N-LAPOR!</a>'
        f'<span class="tagline">{t(lang, "site_tagline")}</span>'
        f'<nav aria-label="{t(lang, "nav_label")}"><a href="{home}">{t(lang, "nav_file")}</a>'
        f'<a href="{track}">{t(lang, "nav_track")}</a>{switch}</nav>'
        "</div></header>"
        f'<main id="main" class="wrap" tabindex="-1">{body}</main>'
        f'<footer class="wrap"><p>{t(lang, "footer")}</p></footer>'
        + (page_data(data) if data is not None else "")
        + "</body></html>"
    )


# --- form pieces -------------------------------------------------------------------------------

def _described(fid: str, has_hint: bool, error: str | None) -> str:
    ids = ([f"hint-{fid}"] if has_hint else []) + [f"error-{fid}"]
    invalid = ' aria-invalid="true"' if error else ""
    return f' aria-describedby="{" ".join(ids)}"{invalid}'


def _error(fid: str, error: str | None) -> str:
    hidden = "" if error else " hidden"
    return f'<p class="field-error" id="error-{fid}"{hidden}>{e(error)}</p>'


def _label(lang: str, fid: str, key: str, required: bool) -> str:
    mark = t(lang, "required") if required else t(lang, "optional")
    return f'<label for="{fid}">{t(lang, key)} <span class="req">{mark}</span></label>'


def _field(lang: str, fid: str, key: str, control: str, *, error: str | None, hint: str | None = None,
           required: bool = False) -> str:
    hint_html = f'<p class="hint" id="hint-{fid}">{hint}</p>' if hint else ""
    css = "field has-error" if error else "field"
    label = _label(lang, fid, key, required)
    return f'<div class="{css}" id="field-{fid}">{label}{hint_html}{_error(fid, error)}{control}</div>'


def _input(fid: str, value: Any, *, error: str | None, hint: bool = True, kind: str = "text",
           attrs: str = "", name: str | None = None) -> str:
    return (f'<input type="{kind}" id="{fid}" name="{name or fid}" value="{e(value)}"'
            f'{_described(fid, hint, error)}{attrs}>')


def _options(items: Iterable[tuple[str, str]], selected: Any, extra: dict[str, str] | None = None) -> str:
    out = []
    for value, label in items:
        mark = " selected" if value == selected else ""
        data = f' data-tz="{e(extra[value])}"' if extra and value in extra else ""
        out.append(f'<option value="{e(value)}"{mark}{data}>{e(label)}</option>')
    return "".join(out)


def _regency_options(lang: str, province_code: str | None, selected: str | None) -> str:
    """The chosen province's regencies; without one, every regency grouped by province (so the form
    works without JavaScript; the script replaces them from ``/regions/{code}``)."""
    first = f'<option value="">{t(lang, "choose_regency")}</option>'
    data = regions()
    if province_code in data.provinces:
        items = [(r.code, r.name) for r in data.regencies_of(province_code)]
        return first + _options(items, selected)
    groups = []
    for province in data.provinces.values():
        items = [(r.code, r.name) for r in data.regencies_of(province.code)]
        groups.append(f'<optgroup label="{e(province.name)}">{_options(items, selected)}</optgroup>')
    return first + "".join(groups)


def _checkbox(lang: str, fid: str, checked: bool, error: str | None) -> str:
    mark = " checked" if checked else ""
    return (f'<div class="field check" id="field-{fid}">'
            f'<input type="checkbox" id="{fid}" name="{fid}" value="on"{mark}{_described(fid, True, error)}>'
            f'<label for="{fid}">{t(lang, fid)}</label>'
            f'<p class="hint" id="hint-{fid}">{t(lang, fid + "_hint")}</p>{_error(fid, error)}</div>')


def field_errors(lang: str, fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """API field errors -> (messages by element id, the rest), in the page's language."""
    placed: dict[str, str] = {}
    others: dict[str, str] = {}
    for name, message in fields.items():
        target = FIELD_IDS.get(name)
        if target is None:
            others[name] = text.server_message(lang, message)
        else:
            placed.setdefault(target, text.server_message(lang, message))
    return placed, others


def _summary(lang: str, errors: dict[str, str], others: dict[str, str], notice: str | None) -> str:
    if not errors and not others and not notice:
        return ('<div class="error-summary" id="error-summary" role="alert" tabindex="-1" hidden>'
                '<p id="error-summary-text"></p></div>')
    lines = f'<p id="error-summary-text">{e(notice) if notice else t(lang, "form_errors")}</p>'
    if others:
        items = "".join(f"<li>{e(name)}: {e(message)}</li>" for name, message in others.items())
        lines += f'<p>{t(lang, "form_other_errors")}</p><ul>{items}</ul>'
    return f'<div class="error-summary" id="error-summary" role="alert" tabindex="-1">{lines}</div>'


def _kind_field(lang: str, selected: str, error: str | None) -> str:
    choices = []
    for code, labels in KINDS.items():
        mark = " checked" if code == selected else ""
        label = labels[1] if lang == "en" else labels[0]
        choices.append(
            f'<div class="choice"><input type="radio" id="kind-{code}" name="kind" value="{code}"{mark} '
            f'aria-describedby="hint-kind-{code}"><label for="kind-{code}">{e(label)}</label>'
            f'<p class="hint" id="hint-kind-{code}">{t(lang, f"kind_{code}_hint")}</p></div>')
    css = "field has-error" if error else "field"
    return (f'<fieldset class="{css}" id="field-kind" aria-describedby="error-kind">'
            f'<legend>{t(lang, "kind")} <span class="req">{t(lang, "required")}</span></legend>'
            f'{_error("kind", error)}{"".join(choices)}</fieldset>')


def form_page(lang: str, *, idempotency_key: str, today: str, values: dict[str, Any] | None = None,
              fields: dict[str, str] | None = None, agencies: Iterable[dict[str, Any]] = (),
              notice: str | None = None) -> str:
    """``GET /``, and the same form again with what was typed and each error by its field."""
    v = values or {}
    reporter = v.get("reporter") if isinstance(v.get("reporter"), dict) else {}
    errors, others = field_errors(lang, fields or {})
    err = errors.get
    provinces = regions().provinces.values()
    category_items = [(c.code, c.label_en if lang == "en" else c.label_id) for c in CATEGORIES]
    agency_items = [(a["agency_id"], a["name"]) for a in agencies]
    attachments = [a for a in v.get("attachments") or [] if isinstance(a, str)][:MAX_ATTACHMENTS]
    agency_none = "" if agency_items else f' <span id="agency-none">{t(lang, "agency_none")}</span>'

    report = (
        f'<fieldset><legend>{t(lang, "legend_report")}</legend>'
        + _kind_field(lang, str(v.get("kind") or "complaint"), err("kind"))
        + _field(lang, "title", "title", _input("title", v.get("title"), error=err("title"),
                 attrs=' maxlength="150" autocomplete="off"'), error=err("title"), hint=t(lang, "title_hint"),
                 required=True)
        + _field(lang, "description", "description",
                 f'<textarea id="description" name="description" rows="7" maxlength="4000"'
                 f'{_described("description", True, err("description"))}>{e(v.get("description"))}</textarea>',
                 error=err("description"), hint=t(lang, "description_hint"), required=True)
        + _field(lang, "category", "category",
                 f'<select id="category" name="category"{_described("category", False, err("category"))}>'
                 f'<option value="">{t(lang, "choose_category")}</option>'
                 f'{_options(category_items, v.get("category"))}</select>', error=err("category"), required=True)
        + _field(lang, "incident_date", "incident_date",
                 _input("incident_date", v.get("incident_date"), error=err("incident_date"), kind="date",
                        attrs=f' max="{e(today)}"'),
                 error=err("incident_date"), hint=t(lang, "incident_date_hint"))
        + "</fieldset>"
    )
    place = (
        f'<fieldset><legend>{t(lang, "legend_place")}</legend>'
        + _field(lang, "province_code", "province",
                 f'<select id="province_code" name="province_code"'
                 f'{_described("province_code", False, err("province_code"))}>'
                 f'<option value="">{t(lang, "choose_province")}</option>'
                 + _options([(p.code, p.name) for p in provinces], v.get("province_code"),
                            {p.code: p.time_zone for p in provinces})
                 + "</select>", error=err("province_code"), required=True)
        + _field(lang, "regency_code", "regency",
                 f'<select id="regency_code" name="regency_code"'
                 f'{_described("regency_code", True, err("regency_code"))}>'
                 f'{_regency_options(lang, v.get("province_code"), v.get("regency_code"))}</select>',
                 error=err("regency_code"), hint=t(lang, "regency_hint"), required=True)
        + _field(lang, "address", "address",
                 _input("address", v.get("address"), error=err("address"),
                        attrs=' maxlength="500" autocomplete="street-address"'),
                 error=err("address"), hint=t(lang, "address_hint"))
        + _field(lang, "target_agency_id", "agency",
                 f'<label class="sub" for="agency-search" hidden>{t(lang, "agency_search")}</label>'
                 f'<input type="search" id="agency-search" autocomplete="off" hidden>'
                 f'<select id="target_agency_id" name="target_agency_id"'
                 f'{_described("target_agency_id", True, err("target_agency_id"))}>'
                 f'<option value="">{t(lang, "agency_default")}</option>'
                 f'{_options(agency_items, v.get("target_agency_id"))}</select>',
                 error=err("target_agency_id"),
                 hint=t(lang, "agency_hint") + agency_none)
        + "</fieldset>"
    )
    privacy = (
        f'<fieldset><legend>{t(lang, "legend_privacy")}</legend>'
        + _checkbox(lang, "anonymous", bool(v.get("anonymous")), err("anonymous"))
        + _checkbox(lang, "confidential", bool(v.get("confidential")), err("confidential"))
        + "</fieldset>"
    )
    contact = (
        f'<fieldset><legend>{t(lang, "legend_contact")}</legend>'
        + _field(lang, "reporter_name", "reporter_name",
                 _input("reporter_name", reporter.get("name"), error=err("reporter_name"),
                        attrs=' maxlength="100" autocomplete="name"'),
                 error=err("reporter_name"), hint=t(lang, "reporter_name_hint"))
        + _field(lang, "reporter_email", "reporter_email",
                 _input("reporter_email", reporter.get("email"), error=err("reporter_email"), kind="email",
                        attrs=' autocomplete="email" spellcheck="false"'),
                 error=err("reporter_email"), hint=t(lang, "reporter_email_hint"))
        + _field(lang, "reporter_phone", "reporter_phone",
                 _input("reporter_phone", reporter.get("phone"), error=err("reporter_phone"), kind="tel",
                        attrs=' autocomplete="tel" inputmode="tel"'),
                 error=err("reporter_phone"), hint=t(lang, "reporter_phone_hint"))
        + "</fieldset>"
    )
    kept = "".join(f'<input type="hidden" name="attachments" value="{e(a)}">' for a in attachments)
    files = (
        f'<fieldset><legend>{t(lang, "legend_files")}</legend>'
        + _field(lang, "attachments", "files",
                 '<input type="file" id="attachments" accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,'
                 f'.png,.pdf" multiple disabled{_described("attachments", True, err("attachments"))}>'
                 f'<noscript><p class="hint">{t(lang, "files_noscript")}</p></noscript>'
                 f'<ul class="files" id="attachment-list">{kept}</ul>',
                 error=err("attachments"), hint=t(lang, "files_hint"))
        + "</fieldset>"
    )
    body = (
        f'<h1>{t(lang, "form_heading")}</h1><p>{t(lang, "form_intro")}</p>'
        + _summary(lang, errors, others, notice)
        + '<form method="post" action="complaints" id="report-form" accept-charset="utf-8">'
        f'<input type="hidden" name="idempotency_key" value="{e(idempotency_key)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        + report + place + privacy + contact + files
        + f'<p id="form-status" class="status-line" role="status" aria-live="polite"></p>'
        f'<button type="submit" id="submit">{t(lang, "submit")}</button></form>'
        f'<template id="receipt-template">{receipt_section(lang)}</template>'
    )
    switch = "./" + ("" if lang == "en" else "?lang=en")
    return layout(lang, t(lang, "form_heading"), body, script="form.js", switch_url=switch,
                  data=text.client_texts(lang) | {"months": text.MONTHS[lang], "zones": text.ZONE_NAMES})


# --- the receipt -------------------------------------------------------------------------------

def receipt_section(lang: str, answer: dict[str, Any] | None = None, title: str | None = None,
                    province_code: str | None = None) -> str:
    """The receipt; without ``answer`` it is the empty template the script fills in."""
    a = answer or {}
    tid = a.get("tracking_id") or ""
    due = (a.get("deadlines") or {}).get("verification")
    due_text = text.when(lang, due, province_code or "") if due and province_code else ""
    public_href = f"track?tracking_id={tid}{lang_query(lang, '&')}" if tid else "track"
    return (
        '<section class="receipt" id="receipt" aria-labelledby="receipt-heading">'
        f'<h1 id="receipt-heading" tabindex="-1">{t(lang, "receipt_heading")}</h1>'
        '<dl class="receipt-keys">'
        f'<dt>{t(lang, "tracking_id")}</dt><dd class="key" id="tracking-id" data-fill="tracking_id">{e(tid)}</dd>'
        f'<dt>{t(lang, "reporter_token")}</dt>'
        f'<dd class="key token" id="reporter-token" data-fill="reporter_token">{e(a.get("reporter_token"))}</dd>'
        "</dl>"
        f'<p class="warning" id="save-this"><strong>{t(lang, "save_this")}</strong></p>'
        "<dl>"
        f'<dt>{t(lang, "receipt_title")}</dt><dd id="receipt-title" data-fill="title">{e(title)}</dd>'
        f'<dt>{t(lang, "status")}</dt><dd data-fill="status_label">{e(a.get("status_label"))}</dd>'
        f'<dt>{t(lang, "verification_due")}</dt><dd data-fill="verification_due">{e(due_text)}</dd>'
        "</dl>"
        '<form method="post" action="track" class="inline">'
        f'<input type="hidden" name="tracking_id" value="{e(tid)}" data-fill-value="tracking_id">'
        f'<input type="hidden" name="reporter_token" value="{e(a.get("reporter_token"))}" '
        'data-fill-value="reporter_token">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<button type="submit" id="open-tracking">{t(lang, "open_tracking")}</button></form>'
        f'<p><a id="public-link" data-fill-href="tracking_id" href="{e(public_href)}">{t(lang, "public_page")}</a></p>'
        f'<p><a href="./{lang_query(lang)}">{t(lang, "file_another")}</a></p>'
        "</section>"
    )


def confirmation(lang: str, answer: dict[str, Any], submission: dict[str, Any]) -> str:
    """After a plain form post: the tracking id and the reporter token, shown this once."""
    title = submission.get("title") if isinstance(submission.get("title"), str) else None
    province = submission.get("province_code") if isinstance(submission.get("province_code"), str) else None
    body = receipt_section(lang, answer, title=title, province_code=province)
    return layout(lang, t(lang, "receipt_heading"), body)
