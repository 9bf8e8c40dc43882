"""The words of every message (SPEC §13): agency e-mail, reporter e-mail, webhook subject/text.

A notice carries facts (``domain/notices.py``, ``domain/escalation.py``, ``domain/digest.py``); this
module writes the message from them, in its reader's language (the reporter's language at filing;
Bahasa Indonesia for agencies), naming things as people know them (category label, regency and
agency names, status label, deadlines in the report's local time), with absolute links from
``PUBLIC_BASE_URL`` (the tracking page for a reporter, the console's report page for staff), the
agency's words that matter (its question, answer, reason), and the Ombudsman's address and call
centre once a report may go there. Each message has a plain-text and an HTML part, from the
templates in ``chalicelib/templates/mail/`` and the ``mail_…`` texts of the pages' gettext catalogs
(``chalicelib/locale``), through the one template system (``chalicelib/web/templating.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from chalicelib.config import get_settings
from chalicelib.domain.complaint import STATUS_LABELS, status_label
from chalicelib.domain.language import DEFAULT as DEFAULT_LANGUAGE
from chalicelib.domain.language import known
from chalicelib.domain.reference import CATEGORIES, regions, zone_of
from chalicelib.web import templating

OMBUDSMAN_URL = "https://ombudsman.go.id"
OMBUDSMAN_CALL_CENTRE = "137"
DIGEST_LINES = 50  # per section; the rest are counted and found in the console's inbox
# Kinds whose note is the agency's (or the reporter's) own words, shown in the message.
NOTE_KINDS = {
    "agency": {"forwarded", "queued", "returned", "reporter_replied", "reopened", "accepted"},
    "reporter": {"responded", "info_requested", "resolved", "rejected", "marked_duplicate"},
}
# The deadline a message names, by kind (the clock the reader now answers for).
DUE_CLOCK = {"forwarded": "first_response", "queued": "verification", "returned": "verification",
             "info_requested": "reporter_reply", "resolved": "reporter_reply"}
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _texts_of(lang: str) -> Callable[[str], str]:
    """The catalog's text for an id, unformatted (the caller puts the values in)."""
    catalog = templating.translations(lang)

    def _(key: str) -> str:
        text = catalog.gettext(key)
        if text == key:  # ids are keys, never texts: this one is missing
            raise KeyError(f"no text {key!r} in the {lang} catalog")
        return text

    return _


def _render_pair(name: str, lang: str, model: dict[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of ``mail/<name>``."""
    return (templating.render(f"mail/{name}.txt", lang, m=model).strip() + "\n",
            templating.render(f"mail/{name}.html", lang, m=model))


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    lang: str


def _audience(recipient: str) -> str:
    return "reporter" if recipient == "reporter" else "agency"


def reader_language(recipient: str, facts: dict[str, Any]) -> str:
    """Agencies read Bahasa Indonesia; the reporter reads the language they filed in."""
    if _audience(recipient) == "agency":
        return DEFAULT_LANGUAGE
    return known((facts.get("report") or {}).get("lang")) or DEFAULT_LANGUAGE


def base_url() -> str:
    return get_settings().public_base_url


def tracking_link(tracking_id: str, lang: str) -> str:
    return f"{base_url()}/track?tracking_id={quote(tracking_id)}" + ("&lang=en" if lang == "en" else "")


def staff_link(tracking_id: str) -> str:
    return f"{base_url()}/staff/complaints/{quote(tracking_id)}"


def inbox_link() -> str:
    return f"{base_url()}/staff/complaints"


def category_label(code: str | None, lang: str) -> str:
    for category in CATEGORIES:
        if category.code == code:
            return category.label_en if lang == "en" else category.label_id
    return code or ""


def region_name(regency_code: str | None, province_code: str | None) -> str:
    places = regions()
    regency = places.regencies.get(regency_code or "")
    province = places.provinces.get(province_code or (regency.province_code if regency else ""))
    return ", ".join(name for name in (regency and regency.name, province and province.name) if name)


def when(moment: datetime | str | None, province_code: str | None, lang: str) -> str:
    """``Senin, 9 November 2026 pukul 23.59 WITA`` / ``Monday 9 November 2026 at 23:59 WITA``."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    zone = zone_of(province_code) if province_code else zone_of("31")
    local = moment.astimezone(zone)
    _ = _texts_of(lang)
    weekday, month = _(f"weekday_{local.weekday()}"), _(f"month_{local.month}")
    day = f"{weekday}, {local.day} {month} {local.year}" if lang != "en" else \
        f"{weekday} {local.day} {month} {local.year}"
    clock = local.strftime("%H.%M") if lang != "en" else local.strftime("%H:%M")
    return _("mail_at") % {"date": day, "time": clock, "zone": ZONE_NAMES.get(str(zone), str(zone))}


def _status(status: str | None, lang: str) -> str:
    return status_label(status, lang) if status in STATUS_LABELS else ""


class Names:
    """Agency names by id, each looked up once per message (the directory is the source)."""

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self._lookup, self._seen = lookup, {}

    def __call__(self, agency_id: str | None, known_name: str | None = None) -> str:
        if not agency_id:
            return ""
        if known_name:
            return known_name
        if agency_id not in self._seen:
            self._seen[agency_id] = self._lookup(agency_id) or agency_id
        return self._seen[agency_id]


def _report_values(report: dict[str, Any], lang: str, names: Names) -> dict[str, str]:
    return {
        "tracking_id": report.get("tracking_id", ""),
        "agency": names(report.get("agency_id"), report.get("agency_name")),
        "status": _status(report.get("status"), lang),
    }


def _facts_table(report: dict[str, Any], lang: str, values: dict[str, str], due: str) -> list[tuple[str, str]]:
    _ = _texts_of(lang)
    rows = [(_("mail_fact_report"), values["tracking_id"])]
    if report.get("title"):
        rows.append((_("mail_fact_title"), report["title"]))
    rows += [(_("mail_fact_category"), category_label(report.get("category"), lang)),
             (_("mail_fact_region"), region_name(report.get("regency_code"), report.get("province_code"))),
             (_("mail_fact_agency"), values["agency"]),
             (_("mail_fact_status"), values["status"])]
    if due:
        rows.append((_("mail_fact_due"), due))
    return [(label, value) for label, value in rows if value]


def _due_of(kind: str, facts: dict[str, Any], report: dict[str, Any]) -> str | None:
    if facts.get("due"):
        return facts["due"]
    return (report.get("deadlines") or {}).get(DUE_CLOCK.get(kind, ""))


def _texts(audience: str, kind: str, facts: dict[str, Any]) -> tuple[str, str, str | None]:
    """The catalog ids of (subject, lead, note label) for this notice."""
    _ = f"mail_{audience}_{kind}"
    known_kind = templating.has(f"{_}_subject")
    prefix = _ if known_kind else f"mail_{audience}_updated"
    lead = f"{prefix}_lead"
    if kind == "escalation":
        lead = f"{prefix}_{facts.get('audience', 'holder')}_lead"
    note = f"{prefix}_note" if known_kind and kind in NOTE_KINDS[audience] else None
    return f"{prefix}_subject", lead, note


def compose(recipient: str, kind: str, facts: dict[str, Any], names: Names) -> Message:
    """One message from one notice's facts."""
    if kind == "digest":
        return compose_digest(facts, names)
    if kind == "participation_nudge":
        return compose_nudge(facts, names)
    if kind in REPORTER_ONLY:
        return REPORTER_ONLY[kind](facts)
    audience = _audience(recipient)
    lang = reader_language(recipient, facts)
    _ = _texts_of(lang)
    report = facts.get("report") or {}
    values = _report_values(report, lang, names)
    province = report.get("province_code")
    due_at = _due_of(kind, facts, report)
    due = when(due_at, province, lang) if due_at else ""
    values.update(
        due=due,
        clock=_(f"clock_{facts['clock']}") if facts.get("clock") else "",
        level=str(facts.get("level", "")),
        target=names(facts.get("to_agency_id")),
        from_agency=names(facts.get("from_agency_id")) or values["agency"],
        duplicate_of=facts.get("duplicate_of") or "",
        duplicate_link=tracking_link(facts["duplicate_of"], lang) if facts.get("duplicate_of") else "",
    )
    subject_id, lead_id, note_id = _texts(audience, kind, facts)
    subject, lead = _(subject_id) % values, _(lead_id) % values
    tid = values["tracking_id"]
    eligible = audience == "reporter" and (kind == "ombudsman" or report.get("ombudsman_eligible"))
    model = {
        "lang": lang, "subject": subject, "heading": subject.removeprefix("[LAPOR!] "), "lead": lead,
        "note": (facts.get("note") or "").strip() if note_id else "",
        "note_label": _(note_id) if note_id else "",
        "facts": _facts_table(report, lang, values, due),
        "confidential": bool(report.get("confidential")),
        "action": _("mail_open_reporter" if audience == "reporter" else "mail_open_staff"),
        "link": tracking_link(tid, lang) if audience == "reporter" else staff_link(tid),
        "token_hint": _("mail_token_reminder") if audience == "reporter" else "",
        "ombudsman": _("mail_ombudsman") % {"url": OMBUDSMAN_URL, "phone": OMBUDSMAN_CALL_CENTRE}
        if eligible else "",
        "footer": _("mail_footer") + ("" if audience == "reporter" else " " + _("mail_footer_agency")),
    }
    text, html = _render_pair("notice", lang, model)
    return Message(subject, text, html, lang)


def _digest_line(line: dict[str, Any], names: Names) -> dict[str, str]:
    _ = _texts_of(DEFAULT_LANGUAGE)
    report = line.get("report") or {}
    lang = DEFAULT_LANGUAGE
    parts = [category_label(report.get("category"), lang),
             region_name(report.get("regency_code"), report.get("province_code")),
             _status(report.get("status"), lang)]
    if line.get("clock") and line.get("due"):
        parts.append(_("mail_digest_line_due") % {"clock": _(f"clock_{line['clock']}").capitalize(),
                                                   "due": when(line["due"], report.get("province_code"), lang)})
    return {"tracking_id": report.get("tracking_id", ""), "title": report.get("title") or "",
            "details": " · ".join(p for p in parts if p), "link": staff_link(report.get("tracking_id", ""))}


def _digest_silent(facts: dict[str, Any], _: Callable[[str], str]) -> dict[str, Any] | None:
    """A coordinator's digest: the agencies below it that have gone silent (SPEC §14), if any."""
    count = int((facts.get("counts") or {}).get("silent", 0))
    if not count:
        return None
    lines = [{"name": r.get("name") or r.get("agency_id", ""),
              "details": _("mail_digest_silent_line") % {
                  "held": r.get("held", 0), "overdue": r.get("overdue", 0),
                  "last": r["last_action_at"][:10] if r.get("last_action_at") else _("mail_digest_silent_never")}}
             for r in facts.get("silent") or []]
    more = count - len(lines)
    return {"title": _("mail_digest_silent"), "count": count, "lines": lines,
            "lead": _("mail_digest_silent_lead"),
            "more": _("mail_digest_silent_more") % {"count": more} if more > 0 else "",
            "link": f"{base_url()}/staff/participation?status=silent"}


def compose_nudge(facts: dict[str, Any], names: Names) -> Message:
    """The weekly message to a coordinator not on the daily digest: the agencies below it that have
    gone silent (SPEC §14; Bahasa Indonesia: agencies read it)."""
    lang = DEFAULT_LANGUAGE
    _ = _texts_of(lang)
    agency = names(facts.get("agency_id"), facts.get("agency_name"))
    silent = _digest_silent(facts, _)
    subject = _("mail_nudge_subject") % {"count": silent["count"] if silent else 0}
    model = {"lang": lang, "subject": subject, "lead": _("mail_nudge_lead") % {"agency": agency},
             "silent": silent, "footer": _("mail_footer") + " " + _("mail_footer_agency")}
    text, html = _render_pair("nudge", lang, model)
    return Message(subject, text, html, lang)


def compose_digest(facts: dict[str, Any], names: Names) -> Message:
    """The daily digest of one agency (Bahasa Indonesia: agencies read it)."""
    lang = DEFAULT_LANGUAGE
    _ = _texts_of(lang)
    agency = names(facts.get("agency_id"), facts.get("agency_name"))
    day = datetime.fromisoformat(facts["day"] + "T07:00:00")
    date = f"{day.day} {_(f'month_{day.month}')} {day.year}"
    counts = {name: int((facts.get("counts") or {}).get(name, len(facts.get(name) or [])))
              for name in ("new", "due_soon", "overdue")}
    sections = []
    for name in ("overdue", "due_soon", "new"):
        lines = [_digest_line(line, names) for line in (facts.get(name) or [])[:DIGEST_LINES]]
        more = counts[name] - len(lines)
        sections.append({"title": _(f"mail_digest_{name}"), "count": counts[name], "lines": lines,
                         "more": _("mail_digest_more") % {"count": more} if more > 0 else ""})
    subject = _("mail_digest_subject") % {"agency": agency, "date": date, **counts}
    model = {"lang": lang, "subject": subject, "silent": _digest_silent(facts, _),
             "lead": _("mail_digest_lead") % {"agency": agency, "date": date,
                                               "zone": ZONE_NAMES.get(facts.get("zone", ""), "")},
             "sections": sections, "inbox": inbox_link(),
             "footer": _("mail_footer") + " " + _("mail_footer_agency")}
    text, html = _render_pair("digest", lang, model)
    return Message(subject, text, html, lang)


def _reporter_message(facts: dict[str, Any], prefix: str, rows: list[tuple[str, str]], action: str, link: str,
                      hints: list[str]) -> Message:
    """A message to a reporter that is not about a change: the confirmation, the token."""
    report = facts.get("report") or {}
    lang = known(report.get("lang")) or DEFAULT_LANGUAGE
    _ = _texts_of(lang)
    values = {"tracking_id": report.get("tracking_id", "")}
    subject = _(f"{prefix}_subject") % values
    model = {
        "lang": lang, "subject": subject, "heading": subject.removeprefix("[LAPOR!] "),
        "lead": _(f"{prefix}_lead") % values, "note": "", "note_label": "",
        "facts": [(_(label), value) for label, value in rows], "confidential": False,
        "action": _(action), "link": link, "token_hint": " ".join(_(hint) for hint in hints),
        "ombudsman": "", "footer": _("mail_footer"),
    }
    text, html = _render_pair("notice", lang, model)
    return Message(subject, text, html, lang)


def compose_email_confirmation(facts: dict[str, Any]) -> Message:
    """SPEC §11: the first message to an address asks to confirm it, in the reporter's language;
    ``facts``: the report (tracking id, language), the confirmation ``link``, and whether a
    ``token_waiting`` (the reporter asked for their token by e-mail)."""
    report = facts.get("report") or {}
    hints = ["mail_reporter_confirm_token"] if facts.get("token_waiting") else []
    return _reporter_message(facts, "mail_reporter_confirm", [("mail_fact_report", report.get("tracking_id", ""))],
                             "mail_reporter_confirm_action", facts["link"], [*hints, "mail_reporter_confirm_ignore"])


def compose_reporter_token(facts: dict[str, Any]) -> Message:
    """The tracking number and the reporter token, once the address is confirmed (``facts["token"]``
    is put in by the sender, in memory only: a notification row never holds it)."""
    report = facts.get("report") or {}
    lang = known(report.get("lang")) or DEFAULT_LANGUAGE
    tid = report.get("tracking_id", "")
    return _reporter_message(facts, "mail_reporter_token",
                             [("mail_fact_report", tid), ("mail_fact_token", facts["token"])],
                             "mail_open_reporter", tracking_link(tid, lang), ["mail_reporter_token_keep"])


REPORTER_ONLY = {"email_confirmation": compose_email_confirmation, "reporter_token": compose_reporter_token}
