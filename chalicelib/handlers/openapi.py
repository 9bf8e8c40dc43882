"""``GET /openapi.json``: the OpenAPI document of the JSON API (``chalicelib/openapi.py``)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

openapi = lazy("chalicelib.openapi")
bp = Blueprint(__name__)


@bp.route("/openapi.json", methods=["GET"])
@endpoint
def document():
    return http.respond(openapi.document(), headers={"Cache-Control": "public, max-age=3600"})
