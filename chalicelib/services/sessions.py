"""Staff sign-in (SPEC §10): the use cases shared by the JSON API and the console pages.

    start(email, password, *, now, source=None)           -> StaffSession | Challenge
    answer(challenge_session, challenge, *, new_password=None, code=None, now, source=None)
                                                          -> StaffSession | Challenge
    resolve(cookie_value, *, now)                         -> StaffSession   (or raises Unauthorized)
    end(cookie_value)                                     -> None
    end_for_user(user_id)                                 -> how many sessions ended

``StaffSession``: who is signed in (``user_id``, ``email``, ``name``, ``role``, ``agency_id``,
``agency_path``), the ``csrf_token`` a state-changing request must carry, ``expires_at`` (the
earlier of the idle and the absolute end) and, only in the answer that creates it, ``cookie`` (the
value of the ``__Host-lapor-staff`` cookie). ``Challenge``: the next sign-in step, ``challenge``
(``NEW_PASSWORD_REQUIRED``, ``MFA_SETUP`` or ``SOFTWARE_TOKEN_MFA``) and ``challenge_session``;
for ``MFA_SETUP`` also ``secret_code`` and ``otpauth_uri``. Both have ``public()``: the JSON the
API answers.

Why the app keeps its own sessions instead of handing Cognito's tokens to the browser: signing out,
disabling an account or changing its role must take effect on the next request (Cognito's access
tokens live an hour), and one conditional UpdateItem per request both checks the session and
keeps it alive, the same budget as an API key's GetItem.

Cognito's own challenge session never leaves the server: the browser gets a random
``challenge_session`` whose hash keys a short-lived row. Answering claims that row with a
conditional write (one answer at a time), a wrong TOTP code releases it for another try (at most
``MAX_ATTEMPTS``), anything else deletes it, so a replayed ``challenge_session`` is refused.
Unknown e-mail, wrong password and a disabled account all get the same 401.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, GetError, PutError, QueryError, UpdateError

from chalicelib.adapters import cognito
from chalicelib.config import get_settings
from chalicelib.domain.complaint import Actor
from chalicelib.domain.identifiers import hash_secret
from chalicelib.errors import (
    Forbidden,
    Problem,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
    WrongCode,
    transient_code,
    unavailable,
)
from chalicelib.models import AgencyModel, SessionModel
from chalicelib.models.session import CHALLENGE, SESSION
from chalicelib.observability import logger
from chalicelib.services import limits

CHALLENGES = ("NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SOFTWARE_TOKEN_MFA")
CHALLENGE_MINUTES = 3  # Cognito's own challenge session lives 3 minutes
MAX_ATTEMPTS = 5
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{40,64}$")  # secrets.token_urlsafe(32) is 43 characters
BAD_SIGN_IN = "wrong e-mail or password"
SIGN_IN_AGAIN = "this sign-in step has expired or was already answered; sign in again"
_REFUSED = {"NotAuthorizedException", "UserNotFoundException", "PasswordResetRequiredException",
            "UserNotConfirmedException", "InvalidParameterException"}
_BUSY = {"TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"}
_WRONG_CODE = {"CodeMismatchException", "EnableSoftwareTokenMFAException"}


@dataclass(frozen=True)
class StaffSession:
    user_id: str
    email: str
    name: str
    role: str
    agency_id: str
    agency_path: tuple[str, ...]
    csrf_token: str = field(repr=False)
    expires_at: datetime
    cookie: str | None = field(default=None, repr=False)  # only when just created

    def public(self) -> dict[str, Any]:
        return {"email": self.email, "name": self.name, "role": self.role, "agency_id": self.agency_id,
                "csrf_token": self.csrf_token, "expires_at": self.expires_at.isoformat()}

    def actor(self) -> Actor:
        return Actor(self.role, self.agency_id, self.agency_path or (self.agency_id,),
                     user_id=self.user_id, name=self.name)

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token)


@dataclass(frozen=True)
class Challenge:
    challenge: str
    challenge_session: str = field(repr=False)
    secret_code: str | None = field(default=None, repr=False)
    otpauth_uri: str | None = field(default=None, repr=False)

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"challenge": self.challenge, "challenge_session": self.challenge_session}
        if self.secret_code:
            out.update(secret_code=self.secret_code, otpauth_uri=self.otpauth_uri)
        return out


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _cognito_error(error: Exception) -> Exception:
    """Cognito's refusal as a domain error; unknown errors stay themselves (a 500 is logged)."""
    code = cognito.error_code(error)
    if code in _BUSY or transient_code(error):
        return TooManyRequests("too many sign-in attempts; wait a moment and try again",
                               headers={"Retry-After": "5"})
    if code in _REFUSED:
        return Unauthorized(BAD_SIGN_IN)
    return error


def _storage_error(error: Exception) -> Exception:
    return unavailable() if transient_code(error) else error


# -- sign-in -------------------------------------------------------------------------------------

def start(email: str, password: str, *, now: datetime, source: str | None = None) -> StaffSession | Challenge:
    """Step one: e-mail and password. A wrong e-mail or password is the same 401. ``source`` (the
    address API Gateway saw) counts against the sign-in limit: 429 ``rate_limited`` beyond it."""
    limits.hit("sign_in", "address", source, now)
    try:
        result = cognito.initiate(email, password)
    except Exception as error:
        raise _cognito_error(error) from None
    return _next(result, email, now)


def answer(challenge_session: str, challenge: str, *, new_password: str | None = None,
           code: str | None = None, now: datetime, source: str | None = None) -> StaffSession | Challenge:
    """Answer the step ``challenge`` of the sign-in that ``challenge_session`` names (``source``
    counts against the sign-in limit, like ``start``)."""
    if challenge not in CHALLENGES:
        raise ValidationFailed("unknown challenge", fields={"challenge": f"one of {', '.join(CHALLENGES)}"})
    if challenge == "NEW_PASSWORD_REQUIRED" and not new_password:
        raise ValidationFailed("new_password is required", fields={"new_password": "required"})
    if challenge != "NEW_PASSWORD_REQUIRED" and not (code and re.fullmatch(r"\d{6}", code)):
        raise ValidationFailed("the code has 6 digits", fields={"code": "6 digits from the authenticator app"})
    limits.hit("sign_in", "address", source, now)
    if not isinstance(challenge_session, str) or not TOKEN.match(challenge_session):
        raise Unauthorized(SIGN_IN_AGAIN)
    pending = _claim(challenge_session, challenge, now)
    try:
        result = _respond(pending, challenge, new_password, code)
    except Exception as error:
        code_name = cognito.error_code(error)
        if code_name in _WRONG_CODE:
            _release(pending)
            raise WrongCode("the code is not right; use the current code from the authenticator app") from None
        if code_name == "InvalidPasswordException":
            _release(pending)
            raise ValidationFailed("the new password does not meet the rules", fields={
                "new_password": f"at least {cognito.MIN_PASSWORD_LENGTH} characters, with upper and lower "
                                "case letters and a digit"}) from None
        _forget(pending)
        if code_name in {"NotAuthorizedException", "ResourceNotFoundException", "ExpiredCodeException"}:
            raise Unauthorized(SIGN_IN_AGAIN) from None
        raise _cognito_error(error) from None
    _forget(pending)
    return _next(result, pending.email or "", now)


def _respond(pending: SessionModel, challenge: str, new_password: str | None, code: str | None) -> dict[str, Any]:
    username = pending.username or pending.email or ""
    session = pending.cognito_session or ""
    if challenge == "NEW_PASSWORD_REQUIRED":
        return cognito.respond(challenge, session, {"USERNAME": username, "NEW_PASSWORD": new_password or ""})
    if challenge == "MFA_SETUP":
        verified = cognito.verify_software_token(session, code or "")
        return cognito.respond(challenge, verified, {"USERNAME": username})
    return cognito.respond(challenge, session, {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code or ""})


def _next(result: dict[str, Any], email: str, now: datetime) -> StaffSession | Challenge:
    if "AuthenticationResult" in result:
        return _open(cognito.claims(result["AuthenticationResult"]["IdToken"]), now)
    name = result.get("ChallengeName")
    if name not in CHALLENGES:
        logger.warning("sign-in step not supported", extra={"challenge": name})
        raise Unauthorized(Problem("account_cannot_sign_in", "this account cannot sign in here; ask your coordinator"))
    session = result["Session"]
    username = (result.get("ChallengeParameters") or {}).get("USERNAME") or email
    secret = uri = None
    if name == "MFA_SETUP":
        try:
            secret, session = cognito.associate_software_token(session)
        except Exception as error:
            raise _cognito_error(error) from None
        uri = cognito.otpauth_uri(email, secret)
    token = secrets.token_urlsafe(32)
    ends = now + timedelta(minutes=CHALLENGE_MINUTES)
    row = SessionModel(hash_secret(token), kind=CHALLENGE, expires_at=_epoch(ends), ttl=ends,
                       challenge=name, cognito_session=session, email=email, username=username, attempts=0)
    try:
        row.save(condition=SessionModel.id_hash.does_not_exist())
    except PutError as error:
        raise _storage_error(error) from error
    return Challenge(name, token, secret, uri)


def _claim(token: str, challenge: str, now: datetime) -> SessionModel:
    row = SessionModel(hash_secret(token))
    condition = ((SessionModel.kind == CHALLENGE) & (SessionModel.challenge == challenge)
                 & (SessionModel.expires_at > _epoch(now)) & SessionModel.claimed_at.does_not_exist()
                 & (SessionModel.attempts < MAX_ATTEMPTS))
    try:
        row.update(actions=[SessionModel.claimed_at.set(_epoch(now)), SessionModel.attempts.add(1)],
                   condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Unauthorized(SIGN_IN_AGAIN) from None
        raise _storage_error(error) from error
    return row


def _release(row: SessionModel) -> None:
    try:
        row.update(actions=[SessionModel.claimed_at.remove()])
    except UpdateError:
        logger.warning("a sign-in step could not be released; the user signs in again")


def _forget(row: SessionModel) -> None:
    try:
        row.delete()
    except DeleteError:
        logger.warning("a used sign-in step could not be deleted; it expires by itself")


def _open(claims: dict[str, Any], now: datetime) -> StaffSession:
    """Cognito said yes: a new session for the account's role (its group) and agency."""
    groups = [g for g in cognito.GROUPS if g in (claims.get("cognito:groups") or [])]
    agency_id = claims.get(cognito.AGENCY_ATTRIBUTE) or ""
    if not groups or not agency_id:
        raise Forbidden(Problem("account_without_role", "this account has no role or agency yet; ask your coordinator"))
    role = groups[-1]  # should an account be in two groups, the least powerful one counts
    try:
        path = tuple(AgencyModel.get(agency_id).path)
    except DoesNotExist:
        raise Forbidden(Problem("account_agency_gone", "this account's agency does not exist")) from None
    except GetError as error:
        raise _storage_error(error) from error
    settings = get_settings()
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    ends = now + timedelta(hours=settings.session_max_hours)
    idle = min(now + timedelta(minutes=settings.session_idle_minutes), ends)
    email = claims.get("email") or ""
    name = claims.get("name") or email
    row = SessionModel(hash_secret(cookie), kind=SESSION, expires_at=_epoch(ends), ttl=ends,
                       idle_until=_epoch(idle), user_id=claims["sub"], email=email, name=name, role=role,
                       agency_id=agency_id, agency_path=list(path), csrf_token=csrf, created_at=now.isoformat())
    try:
        row.save(condition=SessionModel.id_hash.does_not_exist())
    except PutError as error:
        raise _storage_error(error) from error
    logger.info("staff signed in", extra={"role": role, "agency_id": agency_id})
    from chalicelib.services import participation  # SPEC §14: the agency's last sign-in

    participation.record_sign_in(agency_id, now)
    return StaffSession(claims["sub"], email, name, role, agency_id, path, csrf, idle, cookie=cookie)


# -- every request -------------------------------------------------------------------------------

def resolve(cookie_value: str | None, *, now: datetime) -> StaffSession:
    """The session behind a cookie, kept alive for another idle period: one conditional UpdateItem.
    A missing, forged, ended or expired session is 401."""
    if not cookie_value or not TOKEN.match(cookie_value):
        raise Unauthorized(Problem("sign_in_required", "sign in first"))
    settings = get_settings()
    row = SessionModel(hash_secret(cookie_value))
    at = _epoch(now)
    condition = (SessionModel.kind == SESSION) & (SessionModel.idle_until > at) & (SessionModel.expires_at > at)
    idle = at + settings.session_idle_minutes * 60
    try:
        row.update(actions=[SessionModel.idle_until.set(idle)], condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Unauthorized(Problem("session_ended", "the session has ended; sign in again")) from None
        raise _storage_error(error) from error
    ends = datetime.fromtimestamp(min(idle, int(row.expires_at)), UTC)
    return StaffSession(row.user_id or "", row.email or "", row.name or "", row.role or "", row.agency_id or "",
                        tuple(row.agency_path or ()), row.csrf_token or "", ends)


def end(cookie_value: str | None) -> None:
    """Sign out: the session is gone at once (a missing or unknown cookie is fine)."""
    if not cookie_value or not TOKEN.match(cookie_value):
        return
    try:
        SessionModel(hash_secret(cookie_value)).delete(condition=SessionModel.kind == SESSION)
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise _storage_error(error) from error


def end_for_user(user_id: str) -> int:
    """End every session of an account (disabled, role or agency changed, MFA reset)."""
    ended = 0
    try:
        for found in SessionModel.user_index.query(user_id):
            SessionModel(found.id_hash).delete()
            ended += 1
    except (QueryError, DeleteError) as error:
        raise _storage_error(error) from error
    return ended
