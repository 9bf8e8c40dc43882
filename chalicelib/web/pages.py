"""The citizen's pages, rendered on the server so they work without JavaScript: the report form
(``GET /``; again with the errors after a plain form post) and the receipt after filing. The markup
is in ``chalicelib/templates/citizen/`` (Jinja2, autoescaped), the words in the catalogs;
``static/form.js`` enhances the same markup when the browser runs scripts.

The pages carry no inline script (the Content-Security-Policy allows only ``script-src 'self'``).
Links are relative, so the pages work under an API Gateway stage path too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.domain.reference import CATEGORIES, KINDS, regions
from chalicelib.web import text
from chalicelib.web.templating import render

# API field names -> the element that shows their error.
FIELD_IDS = {
    "kind": "kind", "title": "title", "description": "description", "category": "category",
    "province_code": "province_code", "regency_code": "regency_code", "address": "address",
    "latitude": "address", "longitude": "address", "incident_date": "incident_date",
    "target_agency_id": "target_agency_id", "anonymous": "anonymous", "confidential": "confidential",
    "reporter": "reporter_name", "reporter.name": "reporter_name", "reporter.email": "reporter_email",
    "reporter.phone": "reporter_phone", "attachments": "attachments", "token_by_email": "token_by_email",
}
MAX_ATTACHMENTS = 5
# Element id -> the catalog id of its label: the error summary names each field and links to it.
FIELD_LABELS = {
    "kind": "kind", "title": "title", "description": "description", "category": "category",
    "incident_date": "incident_date", "province_code": "province", "regency_code": "regency",
    "address": "address", "target_agency_id": "agency", "anonymous": "anonymous", "confidential": "confidential",
    "reporter_name": "reporter_name", "reporter_email": "reporter_email", "token_by_email": "token_by_email",
    "reporter_phone": "reporter_phone", "attachments": "files",
}


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


def _regencies(province_code: str | None) -> list[tuple[str, str]]:
    """The chosen province's regencies, or none until a province is chosen: the script loads them
    from ``/regions/{code}``; without it, "Show its regencies" posts the form back to ``POST /``,
    which shows them (the page does not carry all 514 for a browser that will load them)."""
    data = regions()
    if province_code in data.provinces:
        return [(r.code, r.name) for r in data.regencies_of(province_code)]
    return []


def form_page(lang: str, *, idempotency_key: str, today: str, values: dict[str, Any] | None = None,
              fields: dict[str, str] | None = None, agencies: Iterable[dict[str, Any]] = (),
              notice: str | None = None) -> str:
    """``GET /``, and the same form again with what was typed and each error by its field."""
    v = values or {}
    reporter = v.get("reporter") if isinstance(v.get("reporter"), dict) else {}
    errors, others = field_errors(lang, fields or {})
    provinces = list(regions().provinces.values())
    regencies = _regencies(v.get("province_code"))
    return render(
        "citizen/form.html", lang,
        idempotency_key=idempotency_key, today=today, notice=notice, errors=errors, others=others,
        error_links=[(fid, FIELD_LABELS[fid], errors[fid]) for fid in FIELD_LABELS if fid in errors],
        values={name: v.get(name) for name in ("title", "description", "category", "incident_date",
                                               "province_code", "regency_code", "address", "target_agency_id",
                                               "anonymous", "confidential", "token_by_email")},
        reporter={name: reporter.get(name) for name in ("name", "email", "phone")},
        kind=str(v.get("kind") or "complaint"),
        kinds=[(code, labels[1] if lang == "en" else labels[0]) for code, labels in KINDS.items()],
        categories=[(c.code, c.label_en if lang == "en" else c.label_id) for c in CATEGORIES],
        provinces=[(p.code, p.name) for p in provinces], zones={p.code: p.time_zone for p in provinces},
        regencies=regencies,
        agencies=[(a["agency_id"], a["name"]) for a in agencies],
        attachments=[a for a in v.get("attachments") or [] if isinstance(a, dict)
                     and isinstance(a.get("upload_id"), str) and isinstance(a.get("upload_token"), str)
                     ][:MAX_ATTACHMENTS],
        script="form.js", scripts=["place.js"], switch_url="./" + ("" if lang == "en" else "?lang=en"),
        data=text.client_texts(lang) | {"months": text.months(lang), "zones": text.ZONE_NAMES},
    )


def confirmation(lang: str, answer: dict[str, Any], submission: dict[str, Any]) -> str:
    """After a plain form post: the tracking id and the reporter token, shown this once."""
    title = submission.get("title") if isinstance(submission.get("title"), str) else None
    province = submission.get("province_code") if isinstance(submission.get("province_code"), str) else None
    due = (answer.get("deadlines") or {}).get("verification")
    due_text = text.when(lang, due, province) if due and province else ""
    return render("citizen/confirmation.html", lang, answer=answer, receipt_title=title, verification_due=due_text,
                  token_by_email=submission.get("token_by_email") is True)


def email_confirmation(lang: str, state: str, token: str = "") -> str:
    """``/confirm-email``: the button (``ask``), or the outcome (``confirmed`` or ``invalid``)."""
    return render("citizen/confirm_email.html", lang, state=state, token=token)


def error_page(lang: str, status: int, code: str, message: str) -> str:
    """Why a page could not be shown, in words: busy (retry in a moment), not found, over a limit."""
    words = text.t(lang, "error_busy") if code == "temporarily_unavailable" else text.server_message(lang, message)
    return render("citizen/error.html", lang, status=status, message=words)
