"""Staff sign-in over JSON (SPEC §10): ``/staff/session`` and ``/staff/session/challenge``.

A session answer is 201 with the cookie ``__Host-lapor-staff`` (HttpOnly, Secure, SameSite=Strict,
Path=/); a further sign-in step is 200 with the challenge. The use cases are in
``services/sessions.py``; the console's pages call the same ones.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.adapters import clock
from chalicelib.config import get_settings
from chalicelib.errors import CsrfFailed, Unauthorized
from chalicelib.handlers import http
from chalicelib.handlers.auth import CSRF_HEADER, SESSION_COOKIE, cookie
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

accounts = lazy("chalicelib.domain.accounts")
sessions = lazy("chalicelib.services.sessions")
bp = Blueprint(__name__)


def session_cookie(value: str, max_age: int) -> str:
    return f"{SESSION_COOKIE}={value}; Path=/; Max-Age={max_age}; Secure; HttpOnly; SameSite=Strict"


def signed_in_or_challenge(result):
    """The answer to a sign-in step: the session (201, cookie set) or the next challenge (200)."""
    if isinstance(result, sessions.StaffSession):
        max_age = get_settings().session_max_hours * 3600  # the browser keeps it; the server decides
        return http.respond(result.public(), 201, {"Set-Cookie": session_cookie(result.cookie, max_age)})
    return http.respond(result.public(), 200)


@bp.route("/staff/session", methods=["POST"], content_types=http.ANY)
@endpoint
def sign_in():
    request = bp.current_request
    form = accounts.parse(accounts.SignIn, http.json_object(request))
    return signed_in_or_challenge(sessions.start(form.email, form.password, now=clock.now(),
                                                 source=http.source_ip(request)))


@bp.route("/staff/session/challenge", methods=["POST"], content_types=http.ANY)
@endpoint
def answer_challenge():
    request = bp.current_request
    form = accounts.parse(accounts.ChallengeAnswer, http.json_object(request))
    return signed_in_or_challenge(sessions.answer(form.challenge_session, form.challenge,
                                                  new_password=form.new_password, code=form.code,
                                                  now=clock.now(), source=http.source_ip(request)))


@bp.route("/staff/session", methods=["GET"])
@endpoint
def who_is_signed_in():
    session = sessions.resolve(cookie(bp.current_request), now=clock.now())
    return http.respond(session.public())


@bp.route("/staff/session", methods=["DELETE"])
@endpoint
def sign_out():
    """Ends the session (it needs the CSRF token like any change); an already ended one is fine."""
    request = bp.current_request
    try:
        session = sessions.resolve(cookie(request), now=clock.now())
    except Unauthorized:
        session = None
    if session is not None:
        if not session.csrf_matches(request.headers.get(CSRF_HEADER)):
            raise CsrfFailed("signing out needs the session's CSRF token (X-CSRF-Token)")
        sessions.end(cookie(request))
    return Response(body="", status_code=204, headers={"Set-Cookie": session_cookie("", 0)})
