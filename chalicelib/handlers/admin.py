"""National admin routes: agencies, routing rules, API keys."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.names import Role
from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

admin = lazy("chalicelib.services.admin")
directory = lazy("chalicelib.services.directory")
keys = lazy("chalicelib.services.keys")
bp = Blueprint(__name__)
ADMIN = (Role.NATIONAL_ADMIN,)


def _admin() -> None:
    current_actor(bp.current_request, roles=ADMIN)


@bp.route("/admin/agencies", methods=["POST"], content_types=http.ANY)
@endpoint
def create_agency():
    _admin()
    return http.respond(admin.create_agency(http.json_object(bp.current_request)), 201)


@bp.route("/admin/agencies/{agency_id}", methods=["GET"])
@endpoint
def get_agency(agency_id: str):
    _admin()
    return http.respond(directory.agency_detail(agency_id))


@bp.route("/admin/agencies/{agency_id}", methods=["PUT", "PATCH"], content_types=http.ANY)
@endpoint
def update_agency(agency_id: str):
    _admin()
    return http.respond(admin.update_agency(agency_id, http.json_object(bp.current_request)))


@bp.route("/admin/agencies/{agency_id}/webhook-secret", methods=["POST"], content_types=http.ANY)
@endpoint
def rotate_webhook_secret(agency_id: str):
    _admin()
    http.raw_body(bp.current_request)  # no body is needed; an oversized one is still 413
    hours = http.query(bp.current_request).get("previous_valid_hours")
    return http.respond(admin.rotate_webhook_secret(agency_id, hours), 201)


@bp.route("/admin/routing-rules", methods=["GET"])
@endpoint
def list_rules():
    _admin()
    return http.respond(admin.list_rules(http.query(bp.current_request).get("region_code")))


@bp.route("/admin/routing-rules", methods=["POST", "PUT"], content_types=http.ANY)
@endpoint
def put_rule():
    _admin()
    return http.respond(admin.put_rule(http.json_object(bp.current_request)), 201)


@bp.route("/admin/routing-rules/{region_code}/{category}", methods=["DELETE"])
@endpoint
def delete_rule(region_code: str, category: str):
    _admin()
    admin.delete_rule(region_code, category)
    return http.respond({"deleted": True})


@bp.route("/admin/keys", methods=["GET"])
@endpoint
def list_keys():
    _admin()
    return http.respond(admin.list_keys(http.query(bp.current_request).get("agency_id")))


@bp.route("/admin/keys", methods=["POST"], content_types=http.ANY)
@endpoint
def issue_key():
    _admin()
    return http.respond(admin.issue_key(http.json_object(bp.current_request)), 201)


@bp.route("/admin/keys/{key_id}", methods=["DELETE"])
@endpoint
def revoke_key(key_id: str):
    _admin()
    return http.respond(keys.revoke(key_id))
