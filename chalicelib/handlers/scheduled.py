"""Scheduled functions: the reminder sweep, notification retries and the daily digests, each its
own Lambda."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.lazy import lazy
from chalicelib.observability import logger

digest = lazy("chalicelib.services.digest")
nudges = lazy("chalicelib.services.nudges")
notify = lazy("chalicelib.services.notify")
sweep = lazy("chalicelib.services.sweep")
bp = Blueprint(__name__)


@bp.schedule(get_settings().sweep_schedule, name="sweep")
def run_sweep(event):
    summary = sweep.run()
    logger.info("sweep finished", extra={"examined": summary["examined"], "steps": summary["steps"],
                                         "more": summary["more"]})
    return {k: summary[k] for k in ("examined", "steps", "more")}


@bp.schedule("rate(5 minutes)", name="retry_notifications")
def retry_notifications(event):
    return notify.retry_due()


# Hourly: each run sends the digests of the time zones where it is 07:00 (SPEC §13).
DIGEST_SCHEDULE = "cron(0 * * * ? *)"


@bp.schedule(DIGEST_SCHEDULE, name="send_digests")
def send_digests(event):
    summary = digest.run()
    answer = {k: summary[k] for k in ("zones", "sent", "already_sent", "empty")}
    answer["participation_nudges"] = nudges.run()  # Mondays 07:00 WIB only (SPEC §14)
    return answer
