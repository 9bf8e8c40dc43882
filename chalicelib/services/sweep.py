"""The reminder sweep (SPEC §5): reminders, overdue, escalation, Ombudsman notice, auto-close.

It reads only what is due: the sparse ``due-index`` holds open reports keyed on the time of their
next step, so one Query page returns up to ``SWEEP_PAGE_SIZE`` due reports, whatever the size of
the table. Each report's steps are written in one transaction conditional on the version read, so
two sweeps at once, or a retried sweep, send each reminder and escalation exactly once. A run is
bounded (``SWEEP_MAX_REPORTS``); what is left is due on the next run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters import clock
from chalicelib.config import get_settings
from chalicelib.domain import escalation
from chalicelib.domain.complaint import Complaint
from chalicelib.errors import StaleVersion
from chalicelib.models import ComplaintModel
from chalicelib.models.mapping import DUE_PARTITION, from_model, utc_key
from chalicelib.observability import count, logger
from chalicelib.services import store


def due_page(now: datetime, page_size: int, start: dict | None) -> tuple[list[Complaint], dict | None]:
    """One Query of the due index: reports whose next step time has come."""
    result = ComplaintModel.due_index.query(DUE_PARTITION, ComplaintModel.due_at <= utc_key(now),
                                            page_size=page_size, last_evaluated_key=start)
    raw = next(result.page_iter)
    items = [from_model(ComplaintModel.from_raw_data(item)) for item in raw.get("Items", [])]
    return items, result.page_iter.last_evaluated_key


def handle(c: Complaint, now: datetime) -> list[str]:
    """Apply what is due for one report; returns the step kinds applied (empty if none or lost race)."""
    limits = store.limits()
    steps = escalation.due_steps(c, now, limits)
    after, events, notices = escalation.apply_steps(c, steps, now)
    try:
        store.update(c, after, events, now, notices)
    except StaleVersion:
        return []  # another sweep, or a person, changed it first: that writer's result stands
    for step in steps:
        if step.kind == "reminder":
            count("ReminderSent")
        elif step.kind == "escalation":
            count("ComplaintEscalated", level=str(step.level))
        elif step.kind == "overdue":
            count("ComplaintOverdue")
    if steps:
        logger.info("sweep steps", extra={"tracking_id": c.tracking_id, "steps": [s.kind for s in steps],
                                          "escalation_level": after.escalation_level})
    return [step.kind for step in steps]


def run(now: datetime | None = None, max_reports: int | None = None) -> dict[str, Any]:
    settings = get_settings()
    now = now or clock.now()
    limit = max_reports or settings.sweep_max_reports
    summary: dict[str, Any] = {"now": now.isoformat(), "examined": 0, "steps": {}, "reports": []}
    start = None
    while summary["examined"] < limit:
        batch, start = due_page(now, min(settings.sweep_page_size, limit - summary["examined"]), start)
        for complaint in batch:
            summary["examined"] += 1
            kinds = handle(complaint, now)
            for kind in kinds:
                summary["steps"][kind] = summary["steps"].get(kind, 0) + 1
            if kinds:
                summary["reports"].append({"tracking_id": complaint.tracking_id, "steps": kinds})
        if not start:
            break
    summary["more"] = bool(start)
    return summary
