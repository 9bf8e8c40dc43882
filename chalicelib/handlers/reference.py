"""Reference data: categories, regions, the agency directory."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

directory = lazy("chalicelib.services.directory")
places = lazy("chalicelib.services.places")
bp = Blueprint(__name__)
CACHE = {"Cache-Control": "public, max-age=3600"}


@bp.route("/categories", methods=["GET"])
@endpoint
def categories():
    return http.respond(directory.categories(), headers=CACHE)


@bp.route("/regions", methods=["GET"])
@endpoint
def provinces():
    return http.respond(directory.provinces(), headers=CACHE)


@bp.route("/regions/locate", methods=["GET"])
@endpoint
def locate():
    lat, lon = places.point(http.query(bp.current_request))
    return http.respond(places.locate(lat, lon), headers=CACHE)


@bp.route("/regions/{province_code}", methods=["GET"])
@endpoint
def province(province_code: str):
    return http.respond(directory.province(province_code), headers=CACHE)


@bp.route("/agencies", methods=["GET"])
@endpoint
def agencies():
    params = http.query(bp.current_request)
    limit = http.int_param(params, "limit", 100, 1, directory.MAX_PAGE)
    return http.respond(directory.list_agencies(
        level=params.get("level") or None, province_code=params.get("province_code") or None,
        regency_code=params.get("regency_code") or None, limit=limit, cursor=params.get("cursor")))
