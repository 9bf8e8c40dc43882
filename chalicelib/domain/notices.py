"""Who is told what when a report changes (SPEC §6).

Agencies hear about reports that reach them (disposition, a return into their queue, a reporter's
reply, a reopen); the reporter, when they gave an e-mail, hears about every status change. Messages
to an agency never name an anonymous reporter; no message carries the reporter's contact details.
"""

from __future__ import annotations

from chalicelib.domain.complaint import Complaint, Event, status_label
from chalicelib.domain.escalation import Notice

_AGENCY_EVENTS = {
    "forwarded": "Laporan baru didisposisikan kepada Anda",
    "returned": "Laporan dikembalikan ke antrean Anda (bukan wewenang)",
    "reporter_replied": "Pelapor menambahkan informasi",
    "reopened": "Pelapor membuka kembali laporan",
    "accepted": "Pelapor menerima tindak lanjut",
    "queued": "Laporan baru menunggu verifikasi Anda",
}


def _summary(c: Complaint) -> str:
    title = "(rahasia / confidential)" if c.confidential else c.title
    return (f"{c.tracking_id} · {title}\nKategori: {c.category} · Wilayah: {c.regency_code}\n"
            f"Status: {status_label(c.status)}")


def for_change(before: Complaint | None, after: Complaint, events: list[Event]) -> list[Notice]:
    notices: list[Notice] = []
    for event in events:
        headline = _AGENCY_EVENTS.get(event.type)
        if headline and event.actor_agency_id != after.agency_id:
            notices.append(Notice(f"agency:{after.agency_id}", event.type,
                                  f"[LAPOR!] {headline}: {after.tracking_id}",
                                  f"{headline}.\n\n{_summary(after)}"))
    if after.reporter_email and before is not None and before.status != after.status:
        label = status_label(after.status)
        text = (f"Status laporan Anda {after.tracking_id} sekarang: {label}.\n"
                f"Lacak di /track?tracking_id={after.tracking_id}")
        if after.duplicate_of and not before.duplicate_of:  # SPEC §12: tell them which report to follow
            text += (f"\n\nLaporan Anda sama dengan laporan {after.duplicate_of}, yang sedang ditangani; "
                     f"ikuti perkembangannya di /track?tracking_id={after.duplicate_of}")
        notices.append(Notice("reporter", "status_changed", f"[LAPOR!] Laporan {after.tracking_id}: {label}", text))
    return notices
