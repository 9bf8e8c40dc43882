"""Local stack and tests only (SPEC §9): the test clock, the sweep on demand, the outbox.

Registered by app.py only when ``DEV_ROUTES`` is on, which no deployed stage sets.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalice import Blueprint

from chalicelib.adapters import clock, outbox
from chalicelib.errors import ValidationFailed
from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

digest = lazy("chalicelib.services.digest")
sweep = lazy("chalicelib.services.sweep")
bp = Blueprint(__name__)


def _clock_state() -> dict:
    return {"now": clock.now().isoformat(), "offset_seconds": clock.current_offset()}


@bp.route("/dev/clock", methods=["GET"])
@endpoint
def get_clock():
    return http.respond(_clock_state())


@bp.route("/dev/clock", methods=["POST"], content_types=http.ANY)
@endpoint
def move_clock():
    data = http.json_object(bp.current_request)
    if "set" in data:
        try:
            target = datetime.fromisoformat(str(data["set"]))
        except ValueError:
            raise ValidationFailed("bad time", fields={"set": "an ISO 8601 time with its offset"}) from None
        if target.tzinfo is None:
            raise ValidationFailed("bad time", fields={"set": "give the UTC offset, e.g. +07:00"})
        real = clock.now() - timedelta(seconds=clock.current_offset())
        clock.set_offset((target - real).total_seconds())
    elif "advance_days" in data:
        days = data["advance_days"]
        if not isinstance(days, int | float) or isinstance(days, bool) or not -3650 <= days <= 3650:
            raise ValidationFailed("bad advance_days", fields={"advance_days": "a number of days"})
        clock.set_offset(clock.current_offset() + float(days) * 86400)
    else:
        raise ValidationFailed("nothing to do", fields={"set": "give set or advance_days"})
    return http.respond(_clock_state())


@bp.route("/dev/outbox", methods=["GET"])
@endpoint
def list_outbox():
    params = http.query(bp.current_request)
    return http.respond({"messages": outbox.read(tracking_id=params.get("tracking_id"))})


@bp.route("/dev/sweep", methods=["POST"], content_types=http.ANY)
@endpoint
def run_sweep():
    return http.respond(sweep.run())


@bp.route("/dev/digest", methods=["POST"], content_types=http.ANY)
@endpoint
def run_digests():
    """The hourly digest run, now (at the test clock's time)."""
    http.raw_body(bp.current_request)  # reads no body, but refuses an oversized one (413) like every route
    return http.respond(digest.run())
