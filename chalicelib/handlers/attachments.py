"""``POST /attachments``: an upload id and a presigned S3 upload for one file (SPEC §7)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

attachments = lazy("chalicelib.services.attachments")
bp = Blueprint(__name__)


@bp.route("/attachments", methods=["POST"], content_types=http.ANY)
@endpoint
def request_upload():
    request = bp.current_request
    return http.respond(attachments.request_upload(http.json_object(request), source=http.source_ip(request)), 201)
