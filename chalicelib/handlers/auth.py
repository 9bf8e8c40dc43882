"""Staff authentication: a Chalice authorizer resolves the API key, views enforce the scope.

The authorizer (its own Lambda when deployed, ``ttl_seconds=0`` so a revoked key stops working at
once) looks the key up and hands the role, agency and agency path to the view in the request
context. A bad key is let through *marked as bad* so that the view answers 401 in the SPEC error
shape. A request without any ``Authorization`` header is refused by API Gateway itself (401).
"""

from __future__ import annotations

from chalice import AuthResponse, Blueprint
from chalice.app import Request

from chalicelib.domain.complaint import Actor
from chalicelib.errors import DomainError, Forbidden, ServiceUnavailable, Unauthorized, transient_code, unavailable
from chalicelib.lazy import lazy

keys = lazy("chalicelib.services.keys")
bp = Blueprint(__name__)
STAFF_ROLES = ("national_admin", "coordinator", "officer")


@bp.authorizer(ttl_seconds=0)
def staff_key(auth_request):
    token = (auth_request.token or "").strip()
    scheme, _, key = token.partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise Unauthorized("send Authorization: Bearer <api-key>")
        actor = keys.resolve(key.strip())
    except DomainError as error:
        return _refused(error)
    except Exception as error:
        if not transient_code(error):
            raise
        return _refused(unavailable())  # the key table is busy: the view answers 429, not a 500
    return AuthResponse(routes=["*"], principal_id=f"{actor.role}:{actor.agency_id}", context={
        "role": actor.role, "agency_id": actor.agency_id or "", "agency_path": "/".join(actor.agency_path)})


def _refused(error: DomainError) -> AuthResponse:
    return AuthResponse(routes=["*"], principal_id="anonymous",
                        context={"error": error.code, "message": error.message})


def current_actor(request: Request, roles: tuple[str, ...] = STAFF_ROLES) -> Actor:
    """The staff member making this request; 401 for a bad key, 403 for a role not allowed here,
    429 when the key could not be checked for now."""
    context = (request.context or {}).get("authorizer") or {}
    if context.get("error") == ServiceUnavailable.code:
        raise unavailable()
    if context.get("error") or not context.get("role"):
        raise Unauthorized(context.get("message") or "send Authorization: Bearer <api-key>")
    if context["role"] not in roles:
        raise Forbidden(f"a {context['role']} key cannot use this endpoint")
    path = tuple(p for p in context.get("agency_path", "").split("/") if p)
    return Actor(context["role"], context["agency_id"], path or (context["agency_id"],))
