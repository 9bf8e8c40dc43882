"""``GET /openapi.json``: the OpenAPI document of the JSON API (``chalicelib/openapi.py``)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import openapi
from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint

bp = Blueprint(__name__)


@bp.route("/openapi.json", methods=["GET"])
@endpoint
def document():
    return http.respond(openapi.document(), headers={"Cache-Control": "public, max-age=3600"})
