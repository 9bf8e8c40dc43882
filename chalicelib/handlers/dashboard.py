"""The agency scorecards page and its own script and style (no CDN, nothing from other sites)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.errors import NotFound
from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

dashboard = lazy("chalicelib.web.dashboard")
bp = Blueprint(__name__)


@bp.route("/dashboard", methods=["GET"])
@endpoint
def dashboard_page():
    return http.html(dashboard.page())


def _asset(name: str) -> Response:
    text = dashboard.asset(name)
    if text is None:
        raise NotFound(f"no file {name}")
    return Response(body=text, status_code=200, headers={
        "Content-Type": dashboard.ASSETS[name], "Cache-Control": "public, max-age=31536000, immutable"})


@bp.route("/dashboard.js", methods=["GET"])
@endpoint
def dashboard_script():
    return _asset("dashboard.js")


@bp.route("/dashboard.css", methods=["GET"])
@endpoint
def dashboard_style():
    return _asset("dashboard.css")
