"""Staff accounts (SPEC §10): what a request may say, and who may manage whom. Pure: no AWS.

The national admin manages every account; a coordinator manages the accounts of their own agency
and of the agencies below it, and can give no one the national_admin role; an officer manages
nobody. An account's agency is checked by its path (national first), like a report's scope.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chalicelib.domain import names
from chalicelib.domain.agencies import SLUG
from chalicelib.domain.complaint import Actor
from chalicelib.domain.names import STAFF_ROLES
from chalicelib.errors import Forbidden, NotFound, Problem, ValidationFailed

ROLES = STAFF_ROLES
# The plain strings (not the enum members): pydantic names them in its message as it always did.
Role = Literal[tuple(role.value for role in STAFF_ROLES)]  # type: ignore[valid-type]
Challenge = Literal["NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SOFTWARE_TOKEN_MFA"]


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError("must be a valid e-mail address") from None


def _one_line(value: str) -> str:
    from chalicelib.domain import characters

    if characters.has_refused(value) or "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("must not contain control or invisible formatting characters")
    return value


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError("unknown agency")
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignIn(_Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class ChallengeAnswer(_Body):
    challenge_session: str = Field(min_length=1, max_length=128)
    challenge: Challenge
    new_password: str | None = Field(default=None, min_length=1, max_length=256)
    code: str | None = Field(default=None, pattern=r"^\d{6}$")


class NewAccount(_Body):
    email: str = Field(max_length=254)
    name: str = Field(min_length=2, max_length=120)
    role: Role
    agency_id: str

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _one_line(v)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, v: str) -> str:
        return _email(v)

    @field_validator("agency_id")
    @classmethod
    def _agency(cls, v: str) -> str:
        return _slug(v)


class AccountChanges(_Body):
    role: Role | None = None
    agency_id: str | None = None
    enabled: bool | None = None
    name: str | None = Field(default=None, min_length=2, max_length=120)

    @field_validator("agency_id")
    @classmethod
    def _agency(cls, v: str | None) -> str | None:
        return None if v is None else _slug(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        return None if v is None else _one_line(v)


USER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")  # Cognito's ``sub`` (a UUID)


def check_user_id(user_id: str) -> str:
    if not USER_ID.match(user_id or ""):
        raise NotFound(Problem("no_account", "no such account"))
    return user_id


def check_agency_id(agency_id: str) -> str:
    if not SLUG.match(agency_id or ""):
        raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"})
    return agency_id


def parse[T: BaseModel](model: type[T], data: Any) -> T:
    """A request body as ``model``, or 422 with one message per field."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", fields={"body": "must be an object"})
    try:
        return model.model_validate(data)
    except ValidationError as error:
        from chalicelib.domain.bodies import pydantic_messages

        raise ValidationFailed("the request is not valid", fields=pydantic_messages(error)) from None


def check_manages(actor: Actor, agency_path: tuple[str, ...] | list[str], role: str | None = None) -> None:
    """403 unless ``actor`` may manage an account of the agency with this path (and give it ``role``)."""
    if actor.role == names.Role.NATIONAL_ADMIN:
        return
    if actor.role != names.Role.COORDINATOR:
        raise Forbidden(Problem("accounts_roles", "only a coordinator or the national admin manages accounts"))
    if actor.agency_id not in agency_path:
        raise Forbidden(Problem("accounts_outside_scope",
                                "you manage the accounts of your own agency and the agencies below it"))
    if role == names.Role.NATIONAL_ADMIN:
        raise Forbidden(Problem("national_admin_only", "only the national admin can make a national admin"))
