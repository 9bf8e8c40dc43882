"""Staff account management (SPEC §10 ``/admin/users``), for the JSON API and the console alike.

    create(actor, data, *, now)            -> {"user_id", "email", "status"[, "temporary_password"]}
    list_accounts(actor, agency_id)        -> {"agency_id", "users": [...]}
    update(actor, user_id, data, *, now)   -> the account
    reset_mfa(actor, user_id, *, now)      -> {"user_id", "mfa": "reset", "sessions_ended"}
    create_account(email, name, role, agency_id, *, now, temporary_password=None)
                                           -> the same as create, without an actor (devtools.admin)

Cognito holds the credentials, the group (role) and ``custom:agency_id``; the ``users`` table
mirrors the account (an agency's accounts are one Query) and decides races: a change is a
conditional write on the version read, then Cognito is told. Disabling an account, changing its
role or agency, or resetting its MFA ends its sessions at once (``sessions.end_for_user``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, QueryError, UpdateError

from chalicelib.adapters import cognito
from chalicelib.config import get_settings
from chalicelib.domain import accounts
from chalicelib.domain.complaint import Actor
from chalicelib.domain.names import Role
from chalicelib.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    StaleVersion,
    ValidationFailed,
    transient_code,
    unavailable,
)
from chalicelib.models import AgencyModel, UserModel
from chalicelib.observability import logger
from chalicelib.services import sessions

LOCAL_STAGES = {"local", "test"}
MAX_LISTED = 500


def _agency(agency_id: str) -> AgencyModel:
    try:
        return AgencyModel.get(accounts.check_agency_id(agency_id))
    except DoesNotExist:
        raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"}) from None
    except GetError as error:
        raise _storage(error) from error


def _storage(error: Exception) -> Exception:
    return unavailable() if transient_code(error) else error


def _cognito(error: Exception) -> Exception:
    code = cognito.error_code(error)
    if code == "UsernameExistsException":
        return Conflict("an account with this e-mail already exists", fields={"email": "already has an account"})
    if code in {"TooManyRequestsException", "LimitExceededException"} or transient_code(error):
        return unavailable()
    return error


def _check_role_fits(role: str, agency: AgencyModel) -> None:
    if role == Role.NATIONAL_ADMIN and agency.level != "national":
        raise ValidationFailed("bad agency", fields={"agency_id": "a national_admin belongs to the national agency"})


def _temporary_password() -> str:
    # Meets the pool's policy: ≥ 12 characters with upper case, lower case and a digit.
    return f"Lapor-{secrets.token_urlsafe(12)}a7Q"


def view(user: UserModel) -> dict[str, Any]:
    return {"user_id": user.user_id, "email": user.email, "name": user.name, "role": user.role,
            "agency_id": user.agency_id, "enabled": bool(user.enabled), "created_at": user.created_at,
            "updated_at": user.updated_at}


def create(actor: Actor, data: Any, *, now: datetime) -> dict[str, Any]:
    form = accounts.parse(accounts.NewAccount, data)
    agency = _agency(form.agency_id)
    accounts.check_manages(actor, tuple(agency.path), form.role)
    return _create(form.email, form.name, form.role, agency, now=now)


def create_account(email: str, name: str, role: str, agency_id: str, *, now: datetime,
                   temporary_password: str | None = None) -> dict[str, Any]:
    """An account made by an operator (the first national admin) or the local stack's bootstrap."""
    form = accounts.parse(accounts.NewAccount, {"email": email, "name": name, "role": role, "agency_id": agency_id})
    return _create(form.email, form.name, form.role, _agency(form.agency_id), now=now,
                   temporary_password=temporary_password)


def _create(email: str, name: str, role: str, agency: AgencyModel, *, now: datetime,
            temporary_password: str | None = None) -> dict[str, Any]:
    _check_role_fits(role, agency)
    local = get_settings().stage in LOCAL_STAGES
    if local and not temporary_password:
        temporary_password = _temporary_password()  # no e-mail leaves the local stack: answer it once
    try:
        created = cognito.create_user(email, name, agency.agency_id, temporary_password=temporary_password)
    except Exception as error:
        raise _cognito(error) from None
    try:
        cognito.set_group(email, role)
        UserModel(created["user_id"], email=email, name=name, role=role, agency_id=agency.agency_id,
                  agency_path=list(agency.path), enabled=True, created_at=now.isoformat(),
                  updated_at=now.isoformat(), version=1).save(condition=UserModel.user_id.does_not_exist())
    except Exception:
        cognito.delete_user(email)  # all or nothing: no account without its role and its listing
        raise
    logger.info("staff account created", extra={"role": role, "agency_id": agency.agency_id})
    answer = {"user_id": created["user_id"], "email": email, "status": created["status"]}
    if temporary_password and local:
        answer["temporary_password"] = temporary_password
    return answer


def list_accounts(actor: Actor, agency_id: str | None) -> dict[str, Any]:
    agency = _agency(agency_id or actor.agency_id or "")
    accounts.check_manages(actor, tuple(agency.path))
    try:
        found = [view(u) for u in UserModel.agency_index.query(agency.agency_id, limit=MAX_LISTED)]
    except QueryError as error:
        raise _storage(error) from error
    return {"agency_id": agency.agency_id, "users": found}


def _load(user_id: str) -> UserModel:
    try:
        return UserModel.get(accounts.check_user_id(user_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(Problem("no_account", "no such account")) from None
    except GetError as error:
        raise _storage(error) from error


def update(actor: Actor, user_id: str, data: Any, *, now: datetime) -> dict[str, Any]:
    changes = accounts.parse(accounts.AccountChanges, data)
    user = _load(user_id)
    accounts.check_manages(actor, tuple(user.agency_path or (user.agency_id,)))
    role = changes.role or user.role
    agency = _agency(changes.agency_id) if changes.agency_id else None
    path = tuple(agency.path) if agency else tuple(user.agency_path or ())
    accounts.check_manages(actor, path, role if role != user.role else None)
    if agency or role != user.role:
        _check_role_fits(role, agency or _agency(user.agency_id))
    access_changed = (role != user.role or (agency and agency.agency_id != user.agency_id)
                      or (changes.enabled is not None and changes.enabled != user.enabled))
    if access_changed and actor.user_id == user.user_id:
        raise Forbidden(Problem("own_account_change",
                                "you cannot change your own role, agency or access; ask another admin"))
    before = (user.role, user.agency_id, bool(user.enabled), user.name)
    actions = [UserModel.updated_at.set(now.isoformat()), UserModel.version.add(1)]
    if role != user.role:
        actions.append(UserModel.role.set(role))
    if agency:
        actions += [UserModel.agency_id.set(agency.agency_id), UserModel.agency_path.set(list(agency.path))]
    if changes.enabled is not None:
        actions.append(UserModel.enabled.set(changes.enabled))
    if changes.name:
        actions.append(UserModel.name.set(changes.name))
    try:
        user.update(actions=actions, condition=UserModel.version == user.version)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise StaleVersion(Problem("account_changed",
                                       "the account was changed at the same time; reload and try again")) from None
        raise _storage(error) from error
    _tell_cognito(user, before)
    if access_changed:
        sessions.end_for_user(user.user_id)
    logger.info("staff account changed", extra={"role": user.role, "agency_id": user.agency_id,
                                                 "enabled": bool(user.enabled)})
    return view(user)


def _tell_cognito(user: UserModel, before: tuple[str, str, bool, str]) -> None:
    role, agency_id, enabled, name = before
    try:
        if user.role != role:
            cognito.set_group(user.email, user.role, previous=role)
        if user.agency_id != agency_id:
            cognito.set_agency(user.email, user.agency_id)
        if bool(user.enabled) != enabled:
            cognito.set_enabled(user.email, bool(user.enabled))
            if not user.enabled:
                cognito.sign_out_everywhere(user.email)
        if user.name != name:
            cognito.set_name(user.email, user.name)
    except Exception as error:
        raise _cognito(error) from None


def reset_mfa(actor: Actor, user_id: str, *, now: datetime) -> dict[str, Any]:
    user = _load(user_id)
    accounts.check_manages(actor, tuple(user.agency_path or (user.agency_id,)))
    try:
        cognito.reset_mfa(user.email)
        cognito.sign_out_everywhere(user.email)
    except Exception as error:
        raise _cognito(error) from None
    ended = sessions.end_for_user(user.user_id)
    try:
        user.update(actions=[UserModel.updated_at.set(now.isoformat()), UserModel.version.add(1)])
    except UpdateError as error:
        raise _storage(error) from error
    return {"user_id": user.user_id, "mfa": "reset", "sessions_ended": ended}

