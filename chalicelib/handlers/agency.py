"""Staff routes (SPEC §7): the inbox, the staff view, actions. Every one asks `current_actor` (key or cookie)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

actions = lazy("chalicelib.services.actions")
inbox = lazy("chalicelib.services.inbox")
bp = Blueprint(__name__)


@bp.route("/agency/complaints", methods=["GET"])
@endpoint
def list_complaints():
    request = bp.current_request
    actor = current_actor(request)
    params = http.query(request)
    limit = http.int_param(params, "limit", 50, 1, inbox.MAX_LIMIT)
    return http.respond(inbox.page(actor, inbox.parse_filters(params), limit, params.get("cursor")))


@bp.route("/agency/complaints/{tracking_id}", methods=["GET"])
@endpoint
def get_complaint(tracking_id: str):
    actor = current_actor(bp.current_request)
    return http.respond(actions.staff_view(actor, tracking_id))


@bp.route("/agency/complaints/{tracking_id}/actions", methods=["POST"],
          content_types=http.ANY)
@endpoint
def act(tracking_id: str):
    request = bp.current_request
    actor = current_actor(request)
    return http.respond(actions.act(actor, tracking_id, http.json_object(request)))
