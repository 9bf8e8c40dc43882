"""Sending the daily digests (SPEC §13): one e-mail a day to each agency on ``notify: daily``.

A scheduled function runs every hour; each run looks only at the time zones where it is 07:xx now,
reads the agencies of those zones that chose the digest from the sparse ``digest-index`` of the
agencies table, and for each agency its open reports from the sparse ``open-index`` of the
complaints table: no Scan, and the cost grows with the daily agencies and their open reports, not
with the tables. The digest is a notification row keyed ``digest:<agency>`` / ``<local date>``,
written only if absent: two runs at once, or a retried run, put one row, so the agency gets one
e-mail. The notifier delivers it like any other notification (retries, dead letters).

A coordinator's digest also names the agencies below it that have gone silent (SPEC §14, see
``services/nudges``): then it is sent even when none of its own reports is new or due.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.adapters import clock
from chalicelib.domain import digest
from chalicelib.domain.escalation import report_facts
from chalicelib.domain.names import Delivery, agency_recipient
from chalicelib.models import AgencyModel, ComplaintModel, NotificationModel
from chalicelib.models.mapping import from_model, iso, utc_key
from chalicelib.observability import count, logger
from chalicelib.services.messages import DIGEST_LINES
from chalicelib.services.store import FIRST_RETRY_AFTER

PAGE_SIZE = 100


def daily_agencies(zone: str) -> list[AgencyModel]:
    return list(AgencyModel.digest_index.query(zone, page_size=PAGE_SIZE))


def open_reports(agency_id: str) -> list[Any]:
    return [from_model(m) for m in ComplaintModel.open_index.query(agency_id, page_size=PAGE_SIZE)]


def _line(line: digest.Line) -> dict[str, Any]:
    return {"report": report_facts(line.complaint), "clock": line.clock,
            "due": line.due.isoformat() if line.due else None}


def facts_of(d: digest.Digest, agency: AgencyModel, silent: list[dict[str, Any]] = ()) -> dict[str, Any]:
    from chalicelib.services.nudges import digest_lines

    sections = {name: getattr(d, name) for name in ("new", "due_soon", "overdue")}
    return {
        "agency_id": agency.agency_id, "agency_name": agency.name, "zone": d.zone, "day": d.day.isoformat(),
        "counts": {**{name: len(lines) for name, lines in sections.items()}, "silent": len(silent)},
        **{name: [_line(line) for line in lines[:DIGEST_LINES]] for name, lines in sections.items()},
        "silent": digest_lines(list(silent)),
    }


def digest_key(agency_id: str) -> str:
    return f"digest:{agency_id}"


def send_one(agency: AgencyModel, zone: str, now: datetime, silent: list[dict[str, Any]] = ()) -> str:
    """Build and record one agency's digest for today: ``sent``, ``already_sent`` or ``empty``.
    ``silent``: the agencies below it that have gone silent (their participation rows)."""
    built = digest.build(agency.agency_id, zone, open_reports(agency.agency_id), now)
    if built.empty and not silent:
        return "empty"
    row = NotificationModel(
        digest_key(agency.agency_id), built.day.isoformat(), recipient=agency_recipient(agency.agency_id),
        kind="digest", state=Delivery.PENDING, attempts=0,
        created_at=iso(now), retry_pk="retry", next_attempt_at=utc_key(now + FIRST_RETRY_AFTER),
        payload={"facts": facts_of(built, agency, silent)},
    )
    try:  # the per-agency-per-day marker: whoever writes it first sends the digest
        row.save(condition=NotificationModel.tracking_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return "already_sent"
        raise
    count("DigestSent")
    return "sent"


def _silent_below(agencies: list[AgencyModel], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The silent agencies below each coordinator among ``agencies`` (units coordinate nobody)."""
    from chalicelib.services import nudges, participation

    coordinators = [participation.describe(a) for a in agencies if a.level != "unit"]
    return nudges.silent_below(coordinators, now) if coordinators else {}


def run(now: datetime | None = None) -> dict[str, Any]:
    """Every agency whose local time is 07:xx and who chose the digest gets today's, once."""
    now = now or clock.now()
    summary: dict[str, Any] = {"now": now.isoformat(), "zones": digest.zones_at_digest_hour(now),
                               "sent": 0, "already_sent": 0, "empty": 0, "agencies": []}
    for zone in summary["zones"]:
        agencies = daily_agencies(zone)
        silent = _silent_below(agencies, now)
        for agency in agencies:
            outcome = send_one(agency, zone, now, silent.get(agency.agency_id, []))
            summary[outcome] += 1
            summary["agencies"].append({"agency_id": agency.agency_id, "outcome": outcome})
    if summary["zones"]:
        logger.info("digests", extra={k: summary[k] for k in ("zones", "sent", "already_sent", "empty")})
    return summary
