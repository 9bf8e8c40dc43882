"""Nudges (SPEC §14): a silent agency's coordinator hears about it without anyone running a query.

Every Monday at 07:00 WIB (the hourly digest schedule calls ``run``; other hours it does nothing)
the participation of every agency is read once (``services/participation``: index Queries and
BatchGetItem, never a Scan), the silent agencies are grouped by their parent coordinator, and each
coordinator gets one message listing the agencies below it that hold reports with no staff action
in 5 working days. The message is a notification row keyed ``nudge:<coordinator>`` / ``<ISO week>``
written only if absent, so a retried or doubled run sends it once; the notifier delivers it (e-mail,
webhook, retries, dead letters) like any other, immediately even to an agency on the daily digest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PutError

from chalicelib.adapters import clock
from chalicelib.config import get_settings
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Actor
from chalicelib.domain.reference import WIB
from chalicelib.models import NotificationModel
from chalicelib.models.mapping import iso, utc_key
from chalicelib.observability import count, logger
from chalicelib.services import participation
from chalicelib.services.store import FIRST_RETRY_AFTER

KIND = "participation_nudge"
NATIONAL = Actor("national_admin", NATIONAL_AGENCY_ID, (NATIONAL_AGENCY_ID,))
LISTED = 50


def due(now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(WIB))
    return local.weekday() == 0 and local.hour == 7


def week_of(now: datetime) -> str:
    year, week, _ = now.astimezone(ZoneInfo(WIB)).isocalendar()
    return f"{year}-W{week:02d}"


def message(parent_name: str, silent: list[dict[str, Any]]) -> dict[str, str]:
    """In Bahasa Indonesia (agencies read it), with the console link; names, never codes."""
    lines = []
    for r in silent[:LISTED]:
        last = r["last_action_at"][:10] if r["last_action_at"] else "belum pernah"
        lines.append(f"- {r['name']}: {r['held']} laporan menunggu tindak lanjut, {r['overdue']} lewat batas "
                     f"waktu; tindakan petugas terakhir: {last}.")
    if len(silent) > LISTED:
        lines.append(f"- … dan {len(silent) - LISTED} instansi lainnya.")
    link = f"{get_settings().public_base_url}/staff/participation?status=silent"
    subject = f"{len(silent)} instansi di bawah koordinasi Anda tidak menindaklanjuti laporan (5 hari kerja)"
    text = (f"Yth. {parent_name},\n\nInstansi berikut memegang laporan masyarakat tetapi tidak ada tindakan "
            f"petugas selama 5 hari kerja:\n\n" + "\n".join(lines)
            + f"\n\nLihat dan tindak lanjuti di konsol SP4N-LAPOR!: {link}\n")
    return {"subject": subject, "text": text}


def run(now: datetime | None = None, *, force: bool = False) -> dict[str, Any]:
    """Monday 07:xx WIB (or ``force``): one message per coordinator with silent agencies below it."""
    now = now or clock.now()
    if not force and not due(now):
        return {"ran": False}
    whole = participation.report(NATIONAL, {}, now)
    names = {r["agency_id"]: r["name"] for r in whole["rows"]}
    below: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in whole["rows"]:
        if r["silent"] and r["parent_id"]:
            below[r["parent_id"]].append(r)
    week = week_of(now)
    summary: dict[str, Any] = {"ran": True, "week": week, "sent": 0, "already_sent": 0, "coordinators": []}
    for parent_id, silent in sorted(below.items()):
        row = NotificationModel(
            f"nudge:{parent_id}", week, channel="pending", recipient=f"agency:{parent_id}", kind=KIND,
            state="pending", attempts=0, created_at=iso(now), retry_pk="retry",
            next_attempt_at=utc_key(now + FIRST_RETRY_AFTER),
            payload={**message(names.get(parent_id, parent_id), silent),
                     "silent": [r["agency_id"] for r in silent]})
        try:
            row.save(condition=NotificationModel.tracking_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                summary["already_sent"] += 1
                continue
            raise
        summary["sent"] += 1
        summary["coordinators"].append(parent_id)
        count("ParticipationNudgeSent")
    logger.info("participation nudges", extra={k: summary[k] for k in ("week", "sent", "already_sent")})
    return summary
