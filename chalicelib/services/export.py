"""The CSV export of an agency's reports (SPEC §7 ``GET /agency/complaints.csv``).

Rows come page by page from the caller's inbox (``services/inbox.pages``: index Queries, scoped by
role; never a Scan) and are written as they arrive. UTF-8 with a byte-order mark so that Excel
reads the Indonesian text right. An anonymous reporter's identity is never written. A cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is written with a leading
apostrophe. A Lambda answer is at most 6 MB: past ``MAX_BYTES`` the export stops and says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import Actor, Complaint, status_label
from chalicelib.domain.reference import zone_of

BOM = "\ufeff"
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = (
    "tracking_id", "submitted_at", "kind", "category", "status", "status_label", "title", "description",
    "province_code", "regency_code", "address", "agency_id", "agency_name", "anonymous", "confidential",
    "reporter_name", "reporter_email", "reporter_phone", "first_forwarded_at", "first_response_at",
    "first_response_on_time", "resolved_at", "closed_at", "overdue", "escalation_level", "returns", "reopens",
    "rating", "verification_due", "first_response_due", "resolution_due", "reporter_reply_due", "updated_at",
    "source", "supporters", "duplicate_of",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Export:
    text: str
    rows: int
    truncated: bool


def safe_text(value: str | None) -> str:
    """Free text as a spreadsheet shows it, never as a formula it runs."""
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _time(moment: datetime | None, c: Complaint) -> str:
    if moment is None:
        return ""
    return moment.astimezone(zone_of(c.province_code)).isoformat(timespec="seconds")


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def row(c: Complaint) -> list[Any]:
    hidden = c.anonymous
    due = c.deadlines
    return [
        c.tracking_id, _time(c.submitted_at, c), c.kind, c.category, str(c.status), status_label(c.status),
        safe_text(c.title), safe_text(c.description), c.province_code, c.regency_code, safe_text(c.address),
        c.agency_id, safe_text(c.agency_name), _flag(c.anonymous), _flag(c.confidential),
        "" if hidden else safe_text(c.reporter_name), "" if hidden else safe_text(c.reporter_email),
        "" if hidden else safe_text(c.reporter_phone),
        _time(c.first_forwarded_at, c), _time(c.first_response_at, c), _flag(c.first_response_on_time),
        _time(c.resolved_at, c), _time(c.closed_at, c), _flag(c.overdue), c.escalation_level, c.returns,
        c.reopens, "" if c.rating is None else c.rating, _time(due.get("verification"), c),
        _time(due.get("first_response"), c), _time(due.get("resolution"), c), _time(due.get("reporter_reply"), c),
        _time(c.updated_at, c), c.source, c.supporters, c.duplicate_of or "",
    ]


def _csv(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def build(pages: Iterable[list[Complaint]], max_bytes: int = MAX_BYTES) -> Export:
    """The BOM and header row, then each page's rows as it arrives, until the pages are done or
    the answer would grow past ``max_bytes`` (then ``truncated``: stopped at a page boundary)."""
    parts = [BOM + _csv([COLUMNS])]
    size, rows = len(parts[0].encode("utf-8")), 0
    for page in pages:
        chunk = _csv(row(c) for c in page)
        length = len(chunk.encode("utf-8"))
        if size + length > max_bytes:
            return Export("".join(parts), rows, truncated=True)
        parts.append(chunk)
        size += length
        rows += len(page)
    return Export("".join(parts), rows, truncated=False)


def export(actor: Actor, params: dict[str, str]) -> tuple[Export, str]:
    """The caller's reports matching the inbox filters (``status``, ``overdue``, ``category``,
    ``from``, ``to``), newest first, and a file name for them."""
    from chalicelib.services import inbox

    filters = inbox.parse_filters(params)
    result = build(inbox.pages(actor, filters))
    span = "-".join(str(filters[k]) for k in ("from", "to") if filters.get(k)) or "all"
    return result, f"lapor-{actor.agency_id}-{span}.csv"
