"""Places (SPEC §12): reports near a point, supporting one instead of filing it again, the map."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.errors import ValidationFailed
from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.handlers.web import page_endpoint
from chalicelib.lazy import lazy

places = lazy("chalicelib.services.places")
statistics = lazy("chalicelib.web.statistics")
text = lazy("chalicelib.web.text")
bp = Blueprint(__name__)


@bp.route("/complaints/nearby", methods=["GET"])
@endpoint
def nearby():
    params = http.query(bp.current_request)
    lat, lon = places.point(params)
    return http.respond(places.nearby(lat, lon, params.get("category")))


@bp.route("/complaints/{tracking_id}/support", methods=["POST"], content_types=http.ANY)
@endpoint
def support(tracking_id: str):
    request = bp.current_request
    http.raw_body(request)  # an oversized body is 413 like everywhere; the body itself is not used
    answer, counted = places.support(tracking_id, request.headers.get("idempotency-key"),
                                     source=http.source_ip(request))
    return http.respond(answer, 201 if counted else 200)


@bp.route("/stats/map.svg", methods=["GET"])
@endpoint
def stats_map():
    params = http.query(bp.current_request)
    svg = places.stats_map(params.get("level"), params.get("metric"), params.get("from"), params.get("to"))
    return Response(body=svg, status_code=200, headers={"Content-Type": "image/svg+xml; charset=utf-8",
                                                        "Cache-Control": "public, max-age=300"})


@bp.route("/statistik", methods=["GET"])
@page_endpoint
def statistics_page():
    params = http.query(bp.current_request)
    lang = text.language(params.get("lang"))
    try:
        found = places.map_figures(params.get("level"), params.get("metric"), params.get("from"), params.get("to"))
        errors, status = None, 200
    except ValidationFailed as error:  # the page again with the usual figures, and why
        found, status = places.map_figures(None, None, None, None), 422
        errors = " ".join(text.server_message(lang, message) for message in error.fields.values())
    sort = statistics.parse_sort(params.get("sort"), found["metric"])
    response = http.html(statistics.page(lang, found, places.map_svg(found, lang), sort, errors), status)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
