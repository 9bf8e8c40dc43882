"""The words and formats of the pages: Bahasa Indonesia first, English second.

The texts themselves live in the gettext catalogs (``chalicelib/locale``, see ``templating``);
this module formats what varies: times in the region's own time zone, dates, status and event
labels, and ``server_message(lang, message)``, which says one of the API's messages in the page's
language by its stable code (``errors.Problem``), never by matching the English sentence. The same
words go to the browser (``client_texts``) so that the script says exactly what the server would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import STATUS_LABELS
from chalicelib.domain.reference import CATEGORIES, KINDS, zone_of
from chalicelib.web.templating import LANGS, gettext, has, translations

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}



# What the page scripts need: the checks before sending (``js_*`` in the catalogs) and these texts.
CLIENT_KEYS = ("required", "choose", "title_length", "description_length", "address_length", "name_required",
               "name_length", "email", "phone", "date_future", "date_format", "file_type", "file_size",
               "file_count", "file_failed", "files_pending", "message_required", "message_length",
               "rating_required", "reason_required", "comment_length", "regencies_loading", "regencies_failed",
               "offline")
PAGE_KEYS = ("sending", "uploading", "uploaded", "remove", "error_generic", "error_network", "error_busy",
             "form_errors", "form_already_sent", "submit", "send_reply", "accept_button", "reopen_button",
             "copied", "copy_failed",  # the receipt's copy button (static/form.js)
             # "Gunakan lokasi saya" and the reports nearby (static/place.js; SPEC §12). {name}-style
             # slots are filled by the script.
             "location_finding", "location_found", "location_outside", "location_denied", "location_failed",
             "nearby_distance", "nearby_supporters", "support_button", "support_done", "support_again",
             "support_failed", "track_link")
# The helpers templates use as filters (``{{ report.submitted_at|when(report.province_code) }}``).
FILTERS = ("when", "day", "status_label", "event_label", "category_label", "kind_label", "server_message",
           "percent", "system_note")
# Notes the system wrote (in one language, for the record) that the console says in the page's words.
SYSTEM_NOTES = {"otomatis: pilihan pelapor": "note_auto_reporter_choice",
                "otomatis: aturan disposisi": "note_auto_routing_rule",
                "menunggu verifikasi": "note_awaiting_verification",
                "unresolved 60 days after disposition": "note_ombudsman_eligible",
                "closed: the reply window passed": "note_auto_closed",
                "archived: no reply from the reporter": "note_auto_archived"}
# A notification's kind, said as the timeline names the event it tells of.
NOTICE_EVENTS = {"escalation": "escalated", "ombudsman": "ombudsman_eligible"}


def percent(lang: str, value: float) -> str:
    """``52,4 %`` (Bahasa Indonesia writes a decimal comma), ``52.4 %`` in English."""
    number = f"{value:.1f}"
    return f"{number if lang == 'en' else number.replace('.', ',')} %"


def language(value: str | None) -> str:
    return value if value in LANGS else "id"


def t(lang: str, key: str, **values: Any) -> str:
    return gettext(lang, key, **values)


def months(lang: str) -> list[str]:
    return [gettext(lang, f"month_{n}") for n in range(1, 13)]


def event_label(lang: str, event_type: str) -> str:
    key = f"event_{event_type}"
    return gettext(lang, key) if has(key) else event_type.replace("_", " ").capitalize()


def system_note(lang: str, event: dict[str, Any]) -> str:
    """An event's note for the console: what the system wrote, said in the page's language from the
    event's data (deliveries, reminders, deadlines, escalations, automatic steps); anyone else's
    note as they wrote it."""
    note, data = event.get("note") or "", event.get("data") or {}
    if event.get("actor") != "system" and event.get("actor_role") != "system":
        return note
    kind = data.get("kind")
    if event.get("type") in ("notified", "notification_failed") and kind:
        channels = data.get("channels") or [data.get("channel", "")]
        recipient = data.get("recipient", "")
        who = gettext(lang, "note_to_reporter") if recipient == "reporter" else recipient.split(":", 1)[-1]
        what = event_label(lang, NOTICE_EVENTS.get(kind, kind))
        if event["type"] == "notification_failed":
            return gettext(lang, "note_delivery_failed", who=who, what=what)
        channel = channels[0]
        key = f"note_channel_{channel}"
        return gettext(lang, key if has(key) else "note_channel_other", who=who, what=what, channel=channel)
    clock = data.get("clock")
    if event.get("type") == "reminder" and clock:
        return gettext(lang, "note_reminder", clock=gettext(lang, f"deadline_{clock}").lower())
    if event.get("type") == "overdue" and clock:
        return gettext(lang, "timeline_overdue", clock=gettext(lang, f"deadline_{clock}").lower())
    if event.get("type") == "escalated" and data.get("to_agency_id"):
        return gettext(lang, "timeline_escalated", agency=data["to_agency_id"], level=data.get("level", ""))
    if note in SYSTEM_NOTES:
        return gettext(lang, SYSTEM_NOTES[note])
    return note


def status_label(lang: str, status: str | None) -> str:
    pair = STATUS_LABELS.get(status or "")
    return (pair[1] if lang == "en" else pair[0]) if pair else ""


def kind_label(lang: str, kind: str | None) -> str:
    pair = KINDS.get(kind or "")
    return (pair[1] if lang == "en" else pair[0]) if pair else ""


def category_label(lang: str, code: str | None) -> str:
    for category in CATEGORIES:
        if category.code == code:
            return category.label_en if lang == "en" else category.label_id
    return code or ""


def server_message(lang: str, message: str) -> str:
    """One API message in the page's language, by its stable code (``errors.Problem``: the catalogs'
    ``problem_<code>`` with the values in it); a message without a code keeps its own words."""
    code = getattr(message, "code", None)
    if code and has(f"problem_{code}"):
        return gettext(lang, f"problem_{code}", **message.values)  # type: ignore[attr-defined]
    return message[:1].upper() + message[1:] if message else message


def problem_texts(lang: str) -> dict[str, str]:
    """Every ``problem_<code>`` text, for the page scripts (they fill in ``%(name)s`` themselves)."""
    catalog = translations(lang)._catalog  # type: ignore[attr-defined]
    return {key[len("problem_"):]: value for key, value in catalog.items()
            if isinstance(key, str) and key.startswith("problem_")}


def client_texts(lang: str) -> dict[str, Any]:
    """What the page script needs to speak the page's language."""
    texts = {key: gettext(lang, f"js_{key}") for key in CLIENT_KEYS}
    texts.update({key: gettext(lang, key) for key in PAGE_KEYS})
    return {"lang": lang, "messages": texts, "problems": problem_texts(lang)}


def when(lang: str, iso: str | None, province_code: str) -> str:
    """``27 Maret 2026 pukul 23.59 WITA`` in the time zone of the report's region."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(zone_of(province_code))
    zone = ZONE_NAMES.get(str(moment.tzinfo), moment.strftime("%Z"))
    month = gettext(lang, f"month_{moment.month}")
    if lang == "en":
        return f"{moment.day} {month} {moment.year}, {moment:%H:%M} {zone}"
    return f"{moment.day} {month} {moment.year} pukul {moment:%H.%M} {zone}"


def day(lang: str, iso_date: str | None) -> str:
    if not iso_date:
        return ""
    year, month, day_ = (int(part) for part in iso_date[:10].split("-"))
    return f"{day_} {gettext(lang, f'month_{month}')} {year}"
