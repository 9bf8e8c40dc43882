"""Staff accounts (SPEC §10 ``/admin/users``): the national admin manages all of them, a coordinator
those of their agency and below (the rules are in ``domain/accounts.py``). Key or cookie."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.adapters import clock
from chalicelib.domain.names import MANAGERS
from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

users = lazy("chalicelib.services.users")
bp = Blueprint(__name__)


@bp.route("/admin/users", methods=["POST"], content_types=http.ANY)
@endpoint
def create_user():
    request = bp.current_request
    actor = current_actor(request, MANAGERS)
    return http.respond(users.create(actor, http.json_object(request), now=clock.now()), 201)


@bp.route("/admin/users", methods=["GET"])
@endpoint
def list_users():
    request = bp.current_request
    actor = current_actor(request, MANAGERS)
    return http.respond(users.list_accounts(actor, http.query(request).get("agency_id")))


@bp.route("/admin/users/{user_id}", methods=["PATCH"], content_types=http.ANY)
@endpoint
def update_user(user_id: str):
    request = bp.current_request
    actor = current_actor(request, MANAGERS)
    return http.respond(users.update(actor, user_id, http.json_object(request), now=clock.now()))


@bp.route("/admin/users/{user_id}/reset-mfa", methods=["POST"], content_types=http.ANY)
@endpoint
def reset_mfa(user_id: str):
    request = bp.current_request
    http.raw_body(request)  # nothing to read, but an oversized body is still 413 first
    actor = current_actor(request, MANAGERS)
    return http.respond(users.reset_mfa(actor, user_id, now=clock.now()))
