"""Statistics routes (SPEC §7): the public ``/stats`` and the staff scorecards ``/agency/stats``."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

stats = lazy("chalicelib.services.stats")
charts = lazy("chalicelib.web.charts")
bp = Blueprint(__name__)
PUBLIC_CACHE = {"Cache-Control": "public, max-age=60"}
_TRUE = {"1", "true", "yes", "on"}


@bp.route("/stats", methods=["GET"])
@endpoint
def public_stats():
    params = http.query(bp.current_request)
    return http.respond(stats.public_stats(params.get("scope"), params.get("from"), params.get("to")),
                        headers=PUBLIC_CACHE)


@bp.route("/agency/stats", methods=["GET"])
@endpoint
def agency_stats():
    request = bp.current_request
    actor = current_actor(request)
    params = http.query(request)
    answer = stats.agency_scorecards(actor, agency_id=params.get("agency_id") or None, start=params.get("from"),
                                     end=params.get("to"), sort=params.get("sort"))
    if (params.get("charts") or "").lower() in _TRUE:
        answer["charts"] = charts.scorecard_charts(answer)
    return http.respond(answer)
