"""Every message people read (SPEC §13), as its reader reads it: each notice kind the domain emits,
in both languages, has a subject, a plain-text and an HTML part; names things by name, never by code;
links only absolutely; carries the agency's words; and speaks one language.

The notices come from the domain itself (staff actions, reporter actions, the sweep's steps, the
digest), so a kind the domain starts to emit without a message shows up here.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import digest, escalation, notices
from chalicelib.domain.complaint import (
    Actor,
    Complaint,
    Event,
    Target,
    apply_action,
    reporter_feedback,
    reporter_reply,
)
from chalicelib.domain.deadlines import Limits
from chalicelib.services import messages
from tests.factories import complaint

WITA = ZoneInfo("Asia/Makassar")
LIMITS = Limits()
BASE = "http://127.0.0.1:8000"
UNIT = Target("dinas-kesehatan-kota-makassar",
              ("kemenpanrb", "pemprov-sulawesi-selatan", "pemkot-makassar", "dinas-kesehatan-kota-makassar"),
              "Dinas Kesehatan Kota Makassar")
QUEUE = Target("pemkot-makassar", ("kemenpanrb", "pemprov-sulawesi-selatan", "pemkot-makassar"),
               "Pemerintah Kota Makassar")
NAMES = {"kemenpanrb": "KemenPANRB", "pemprov-sulawesi-selatan": "Pemerintah Provinsi Sulawesi Selatan",
         "pemkot-makassar": "Pemerintah Kota Makassar", UNIT.agency_id: UNIT.name}
OFFICER = Actor("officer", UNIT.agency_id, UNIT.path)
COORDINATOR = Actor("coordinator", QUEUE.agency_id, QUEUE.path)
QUESTION = "Mohon kirim foto lokasi puskesmas yang tutup."
ANSWER = "Petugas kami sudah meninjau lokasi pada hari Selasa."
RESOLUTION = "Jam layanan puskesmas kembali normal mulai Senin."
REASON = "Laporan ganda dari laporan LPR-AAAA-BBBB."
TOKEN = "7K3M-9QXD-2HGT-WVNP-4ZRB"
# Codes a reader must never see: category, region, agency slugs, statuses, clocks, event types.
CODES = ("health", "73.71", "dinas-kesehatan-kota-makassar", "pemkot-makassar", "pemprov-sulawesi-selatan",
         "awaiting_reporter", "in_progress", "first_response", "reporter_reply", "info_requested",
         "reporter_replied", "status_changed", "None")
ONLY_ID = ("Nomor laporan", "Batas waktu", "Lacak laporan Anda", "Kategori", "Pesan ini dikirim")
ONLY_EN = ("Tracking number", "Deadline", "Track your report", "Category", "This message was sent")


def _collect(lang: str) -> list[tuple[str, escalation.Notice]]:
    """(label, notice) for every kind of notice the domain emits, for a report filed in ``lang``."""
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=WITA)
    out: list[tuple[str, escalation.Notice]] = []

    def step(before: Complaint, after: Complaint, events: list[Event]) -> Complaint:
        for n in notices.for_change(before, after, events):
            out.append((f"{n.recipient.split(':')[0]}:{n.kind}", n))
        return after

    filed = complaint(now=t0, category="health", lang=lang, agency_name=QUEUE.name, title="Puskesmas tutup siang")
    # The forwarder leaves it in the queue, then a coordinator forwards it
    queued = filed.evolve(updated_at=t0)
    step(filed, queued, [Event(t0, "queued", "system", queued.status, agency_id=queued.agency_id)])
    c = step(filed, *apply_action(filed, COORDINATOR, "forward", t0, LIMITS, target=UNIT))
    c = step(c, *apply_action(c, OFFICER, "request_info", t0 + timedelta(hours=1), LIMITS, note=QUESTION))
    c = step(c, *reporter_reply(c, t0 + timedelta(hours=2), "Foto saya kirim lewat lampiran."))
    c = step(c, *apply_action(c, OFFICER, "respond", t0 + timedelta(hours=3), LIMITS, note=ANSWER))
    c = step(c, *apply_action(c, OFFICER, "resolve", t0 + timedelta(hours=4), LIMITS, note=RESOLUTION))
    reopened = step(c, *reporter_feedback(c, t0 + timedelta(hours=5), LIMITS, "reopen", None, "Masih tutup."))
    step(c, *reporter_feedback(c, t0 + timedelta(hours=5), LIMITS, "accept", 5, "Terima kasih."))
    step(reopened, *apply_action(reopened, OFFICER, "return", t0 + timedelta(hours=6), LIMITS,
                                 note="Bukan wewenang dinas kesehatan.", return_queue=QUEUE))
    step(filed, *apply_action(filed, COORDINATOR, "reject", t0, LIMITS, note=REASON))
    original = complaint(now=t0, tracking_id="LPR-AAAA-BBBB", category="health")
    step(filed, *apply_action(filed, COORDINATOR, "mark_duplicate", t0, LIMITS, original=original))
    # The sweep: reminders, overdue, escalation (target and holder), Ombudsman, auto close and archive
    forwarded = apply_action(filed, COORDINATOR, "forward", t0, LIMITS, target=UNIT)[0]
    due = forwarded.deadlines["first_response"]
    for kind, level in (("reminder", 0), ("overdue", 0), ("escalation", 1), ("ombudsman", 0)):
        clock = "resolution" if kind == "ombudsman" else "first_response"
        _, _, emitted = escalation.apply_steps(forwarded, [escalation.Step(kind, clock, level, "pemkot-makassar")],
                                               due + timedelta(seconds=1), NAMES)
        out += [(f"{n.recipient.split(':')[0]}:{n.kind}:{n.facts.get('audience', '')}", n) for n in emitted]
    waiting = apply_action(forwarded, OFFICER, "request_info", t0, LIMITS, note=QUESTION)[0]
    resolved = apply_action(apply_action(forwarded, OFFICER, "respond", t0, LIMITS, note=ANSWER)[0], OFFICER,
                            "resolve", t0, LIMITS, note=RESOLUTION)[0]
    for c, kinds in ((waiting, ("reminder", "auto_archive")), (resolved, ("reminder", "auto_close"))):
        for kind in kinds:
            _, _, emitted = escalation.apply_steps(c, [escalation.Step(kind, "reporter_reply")], t0, NAMES)
            out += [(f"{n.recipient.split(':')[0]}:{n.kind}:{c.status}", n) for n in emitted]
    # And the daily digest of the unit
    d = digest.build(UNIT.agency_id, "Asia/Makassar", [forwarded.evolve(assigned_at=t0 - timedelta(hours=1))],
                     due + timedelta(hours=1))
    facts = {"agency_id": UNIT.agency_id, "agency_name": UNIT.name, "zone": d.zone, "day": d.day.isoformat(),
             "counts": {"new": 0, "due_soon": 0, "overdue": 1},
             "new": [], "due_soon": [], "overdue": [{"report": escalation.report_facts(forwarded),
                                                    "clock": "first_response", "due": due.isoformat()}]}
    out.append(("agency:digest", escalation.Notice(f"agency:{UNIT.agency_id}", "digest", facts=facts)))
    # And the reporter's own address: the confirmation (with and without a token waiting), then the token
    report = {"tracking_id": filed.tracking_id, "lang": lang}
    for waiting in (False, True):
        link = f"{BASE}/confirm-email?token=abc.def" + ("&lang=en" if lang == "en" else "")
        out.append((f"reporter:email_confirmation:{waiting}", escalation.Notice(
            "reporter", "email_confirmation", facts={"report": report, "link": link, "token_waiting": waiting})))
    out.append(("reporter:reporter_token", escalation.Notice("reporter", "reporter_token",
                                                             facts={"report": report, "token": TOKEN})))
    return out


RENDERED = {lang: [(label, n, messages.compose(n.recipient, n.kind, n.facts, messages.Names(NAMES.get)))
                   for label, n in _collect(lang)] for lang in ("id", "en")}
CASES = [(lang, label, n, m) for lang, rows in RENDERED.items() for label, n, m in rows]


def test_the_table_covers_every_kind_for_both_readers():
    labels = {label.rsplit(":", 1)[0] if label.count(":") > 1 else label for _, label, _, _ in CASES}
    assert labels >= {
        "agency:queued", "agency:forwarded", "agency:reporter_replied", "agency:reopened", "agency:accepted",
        "agency:returned", "agency:reminder", "agency:overdue", "agency:escalation", "agency:closed",
        "agency:archived", "agency:digest",
        "reporter:forwarded", "reporter:info_requested", "reporter:responded", "reporter:resolved",
        "reporter:returned", "reporter:rejected", "reporter:marked_duplicate",
        "reporter:ombudsman", "reporter:reminder", "reporter:closed",
        "reporter:archived", "reporter:email_confirmation", "reporter:reporter_token",
    }, labels


@pytest.mark.parametrize(("lang", "label", "notice", "message"), CASES,
                         ids=[f"{lang}-{label}" for lang, label, _, _ in CASES])
def test_every_message_reads_right(lang, label, notice, message):
    reader = "en" if lang == "en" and notice.recipient == "reporter" else "id"
    parts = {"subject": message.subject, "text": message.text, "html": message.html}
    # Both parts, and a subject
    assert message.subject.startswith("[LAPOR!] ") and message.text.strip() and "<html" in message.html
    assert message.lang == reader and f'<html lang="{reader}">' in message.html
    # Names, never codes
    for name, part in parts.items():
        visible = re.sub(r'href="[^"]*"', "", part) if name == "html" else part
        for code in CODES:
            assert not re.search(rf"(?<![\w/=-]){re.escape(code)}(?![\w-])", visible), (name, code)
    # Every link absolute: hrefs and written-out paths start with PUBLIC_BASE_URL or https://
    for href in re.findall(r'href="([^"]*)"', message.html):
        assert href.startswith((BASE + "/", "https://")), href
    for path in re.findall(r"(\S*)/(?:track|staff)\b", message.text):
        assert path.startswith(BASE), path
    # The reporter's link is the tracking page in their language, the agency's the console
    tid = notice.facts.get("report", {}).get("tracking_id")
    if notice.kind == "email_confirmation":  # its one link confirms the address, in the reader's language
        assert f"{BASE}/confirm-email?token=abc.def" + ("&lang=en" if reader == "en" else "") in message.text
        assert (("reporter token" if reader == "en" else "token pelapor") in message.text) is \
            notice.facts["token_waiting"]
    elif notice.recipient == "reporter":
        assert f"{BASE}/track?tracking_id={tid}" + ("&lang=en" if reader == "en" else "") in message.text
    elif notice.kind != "digest":
        assert f"{BASE}/staff/complaints/{tid}" in message.text
    # One language per message
    for phrase in (ONLY_ID if reader == "en" else ONLY_EN):
        assert phrase not in message.text, phrase
    # The words that matter
    words = {"reporter:info_requested": QUESTION, "reporter:responded": ANSWER, "reporter:resolved": RESOLUTION,
             "reporter:rejected": REASON}
    if label in words:
        assert words[label] in message.text and words[label] in message.html
    if notice.kind == "reporter_token":
        assert TOKEN in message.text and TOKEN in message.html and tid in message.subject
    if notice.kind == "ombudsman":
        assert "https://ombudsman.go.id" in message.text and "137" in message.text
    if notice.kind == "escalation":
        assert "Pemerintah Kota Makassar" in message.text


def test_the_question_comes_before_the_link_that_answers_it():
    (_, _, message), = [(lang, label, m) for lang, label, _, m in CASES
                        if lang == "id" and label == "reporter:info_requested"]
    assert message.text.index(QUESTION) < message.text.index(f"{BASE}/track")


def test_html_has_no_remote_images_or_scripts():
    for _, _, _, message in CASES:
        assert "<img" not in message.html and "<script" not in message.html and "url(" not in message.html


def test_a_confidential_report_is_not_named_in_mail():
    c = complaint(confidential=True, title="Rahasia: pungli di kantor camat")
    forwarded, events = apply_action(c, COORDINATOR, "forward", datetime(2026, 11, 2, 9, tzinfo=WITA), LIMITS,
                                     target=UNIT)
    for n in notices.for_change(c, forwarded, events):
        message = messages.compose(n.recipient, n.kind, n.facts, messages.Names(NAMES.get))
        assert "pungli" not in message.text and "pungli" not in message.html and "Siti" not in message.text
