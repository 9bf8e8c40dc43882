"""Staff authentication, in one place: an API key or the session cookie (SPEC §1, §10).

``current_actor(request, roles)`` answers who is calling:

- ``Authorization: Bearer <api-key>`` (programs): the key's role and agency (one GetItem);
- else the cookie ``__Host-lapor-staff`` (people signed in): the session's account, role and
  agency (one conditional UpdateItem that also keeps the session alive). A request that changes
  something must then carry the session's CSRF token, in ``X-CSRF-Token`` or, from a form, passed
  as ``csrf=`` by the caller; otherwise 403 ``csrf_failed``.

The check runs inside the API function. API Gateway's authorizers read one header, and a request
without it would be refused before the function could look at the cookie; checking here also
spares a second Lambda per request. Either way a request costs one DynamoDB call to authenticate.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib.adapters import clock
from chalicelib.domain.complaint import Actor
from chalicelib.domain.names import STAFF_ROLES
from chalicelib.errors import CsrfFailed, DomainError, Forbidden, Problem, Unauthorized, transient_code, unavailable
from chalicelib.lazy import lazy

keys = lazy("chalicelib.services.keys")
sessions = lazy("chalicelib.services.sessions")
SESSION_COOKIE = "__Host-lapor-staff"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN = Problem("sign_in_required", "sign in, or send Authorization: Bearer <api-key>")


def cookie(request: Request, name: str = SESSION_COOKIE) -> str | None:
    """One cookie's value from the Cookie header (a malformed header is as good as none)."""
    for part in (request.headers.get("cookie") or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"') or None
    return None


def _key_actor(header: str) -> Actor:
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized(SIGN_IN)
    return keys.resolve(key.strip())


def _session(request: Request, csrf: str | None) -> Any:
    session = sessions.resolve(cookie(request), now=clock.now())
    if request.method.upper() not in SAFE_METHODS:
        token = request.headers.get(CSRF_HEADER) or csrf
        if not session.csrf_matches(token):
            raise CsrfFailed("this change needs the session's CSRF token (X-CSRF-Token or csrf_token)")
    return session


def current_actor(request: Request, roles: tuple[str, ...] = STAFF_ROLES, *, csrf: str | None = None) -> Actor:
    """The staff member making this request; 401 without valid credentials, 403 for a role not
    allowed here or a cookie request that changes something without its CSRF token (``csrf`` is
    a form's ``csrf_token`` field), 429 when the credentials could not be checked for now."""
    return current_staff(request, roles, csrf=csrf)[0]


def current_staff(request: Request, roles: tuple[str, ...] = STAFF_ROLES, *,
                  csrf: str | None = None) -> tuple[Actor, Any]:
    """``current_actor`` with the session behind the cookie (``services.sessions.StaffSession``;
    None for an API key): the console's pages put its CSRF token in their forms."""
    header = request.headers.get("authorization")
    session = None
    try:
        if header is not None:
            actor = _key_actor(header)
        elif cookie(request):
            session = _session(request, csrf)
            actor = session.actor()
        else:
            raise Unauthorized(SIGN_IN)
    except DomainError:
        raise
    except Exception as error:
        if transient_code(error):
            raise unavailable() from error
        raise
    if actor.role not in roles:
        raise Forbidden(Problem("role_not_allowed", f"a {actor.role} cannot use this endpoint"))
    return actor, session


# Routes once named the API-key authorizer (``authorizer=staff_key``); authentication now happens in
# ``current_actor``, so the name means "no gateway authorizer" for any route still written that way.
staff_key = None
