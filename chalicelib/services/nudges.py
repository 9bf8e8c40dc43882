"""Nudges (SPEC §14): a silent agency's coordinator hears about it without anyone running a query.

Who hears: a silent agency's direct parent coordinator and, for an agency below a province's own
level (a regency or city, or one of their OPDs), the province's coordinator too — Dinas Kominfo
monitors the OPDs of the province and of its regencies and cities (``domain.participation.told_about``).

How: a coordinator on the daily digest (``notify: daily``) reads them in a section of its digest
(``silent_below``, called by ``services/digest``: its subtree's or children's open reports and
markers, index Queries and BatchGetItem, once per run). Every other coordinator gets one e-mail a
week: every Monday at 07:00 WIB (the hourly digest schedule calls ``run``; other hours it does
nothing) the participation of every agency is read once, the silent agencies are grouped by the
coordinators told about them, and each coordinator not on the digest gets one message. It is a
notification row keyed ``nudge:<coordinator>`` / ``<ISO week>`` written only if absent, so a retried
or doubled run sends it once; the notifier delivers it (e-mail, webhook, retries, dead letters).
No coordinator hears twice a day or a week: one row per coordinator, whatever the number of silent
agencies, and a coordinator on the digest gets no weekly row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PutError

from chalicelib.adapters import clock
from chalicelib.domain import participation as domain
from chalicelib.domain.agencies import NOTIFY_DAILY
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Actor
from chalicelib.domain.names import Role
from chalicelib.domain.reference import WIB
from chalicelib.models import NotificationModel
from chalicelib.models.mapping import iso, utc_key
from chalicelib.observability import count, logger
from chalicelib.services import participation
from chalicelib.services.store import FIRST_RETRY_AFTER

KIND = "participation_nudge"
NATIONAL = Actor(Role.NATIONAL_ADMIN, NATIONAL_AGENCY_ID, (NATIONAL_AGENCY_ID,))
LISTED = 50


def due(now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(WIB))
    return local.weekday() == 0 and local.hour == 7


def week_of(now: datetime) -> str:
    year, week, _ = now.astimezone(ZoneInfo(WIB)).isocalendar()
    return f"{year}-W{week:02d}"


def facts(coordinator_id: str, coordinator_name: str, week: str, silent: list[dict[str, Any]]) -> dict[str, Any]:
    """What the weekly message says (``services/messages.compose_nudge`` writes it when it is sent)."""
    return {"agency_id": coordinator_id, "agency_name": coordinator_name, "week": week,
            "counts": {"silent": len(silent)}, "silent": digest_lines(silent)}


def _silent_rows(agencies: list[dict[str, Any]], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Who is silent among ``agencies``, grouped by the coordinators told (accounts not needed)."""
    rows = participation.rows_for(agencies, now, with_recent=False, with_accounts=False)
    return domain.silent_by_coordinator(agencies, rows)


def silent_below(coordinators: list[dict[str, Any]], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """For the daily digest: each coordinator's silent agencies. A province's coordinator's whole
    province is read, any other's direct children; each agency once, however many coordinators."""
    scope: dict[str, dict[str, Any]] = {}
    for c in coordinators:
        below = participation.subtree(c) if c["level"] == "province" else [c, *participation.children(c["agency_id"])]
        scope.update((a["agency_id"], a) for a in below)
    if not scope:
        return {}
    grouped = _silent_rows(sorted(scope.values(), key=lambda a: a["agency_id"]), now)
    return {c["agency_id"]: grouped.get(c["agency_id"], []) for c in coordinators}


def digest_lines(silent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the digest's facts keep of each silent agency (names, not codes; at most ``LISTED``)."""
    return [{"agency_id": r["agency_id"], "name": r["name"], "held": r["held"], "overdue": r["overdue"],
             "last_action_at": r["last_action_at"]} for r in silent[:LISTED]]


def run(now: datetime | None = None, *, force: bool = False) -> dict[str, Any]:
    """Monday 07:xx WIB (or ``force``): one message per coordinator with silent agencies below it,
    except the coordinators on the daily digest (they read them there every day)."""
    now = now or clock.now()
    if not force and not due(now):
        return {"ran": False}
    agencies = participation.agencies_in_scope(NATIONAL)
    by_id = {a["agency_id"]: a for a in agencies}
    below = _silent_rows(agencies, now)
    week = week_of(now)
    summary: dict[str, Any] = {"ran": True, "week": week, "sent": 0, "already_sent": 0, "in_digest": 0,
                               "coordinators": []}
    for coordinator_id, silent in sorted(below.items()):
        coordinator = by_id.get(coordinator_id, {})
        if coordinator.get("notify") == NOTIFY_DAILY:
            summary["in_digest"] += 1
            continue
        row = NotificationModel(
            f"nudge:{coordinator_id}", week, channel="pending", recipient=f"agency:{coordinator_id}", kind=KIND,
            state="pending", attempts=0, created_at=iso(now), retry_pk="retry",
            next_attempt_at=utc_key(now + FIRST_RETRY_AFTER),
            payload={"facts": facts(coordinator_id, coordinator.get("name", coordinator_id), week, silent),
                     "silent": [r["agency_id"] for r in silent]})
        try:
            row.save(condition=NotificationModel.tracking_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                summary["already_sent"] += 1
                continue
            raise
        summary["sent"] += 1
        summary["coordinators"].append(coordinator_id)
        count("ParticipationNudgeSent")
    logger.info("participation nudges", extra={k: summary[k] for k in ("week", "sent", "already_sent", "in_digest")})
    return summary
