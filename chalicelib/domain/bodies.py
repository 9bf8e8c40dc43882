"""Request bodies other than the JSON filing (domain/submission.py), parsed with pydantic models:
a staff action (SPEC §4), the citizen's plain HTML form (SPEC §7 form posts), an Open311 filing
(SPEC §7 ``/open311/v2``), a reporter's reply and feedback, an upload request (SPEC §11), a routing
rule and an API key request (SPEC §7 ``/admin/…``).

One way to turn a model's ``ValidationError`` into field messages (``field_messages``): a validator's
own message (an ``errors.Problem`` when it has a stable code, so the pages translate it), else the
field's one message, else by the kind of error. The messages are the ones the API always said.

Loaded on first use (pydantic is not on the ``import app`` path): services and handlers import
this module inside their functions or through ``chalicelib.lazy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chalicelib.domain import characters
from chalicelib.domain.agencies import SLUG
from chalicelib.domain.complaint import STAFF_ACTIONS
from chalicelib.errors import Problem, ValidationFailed

REQUIRED = Problem("required", "required")
UNKNOWN_FIELD = Problem("unknown_field", "unknown field")
TEXT = Problem("text", "must be text")
OBJECT = Problem("object", "must be an object")
UNKNOWN_AGENCY = "unknown agency"
_TRUE = frozenset({"on", "true", "1", "yes"})


def field_messages(error: ValidationError, messages: Mapping[str, str] | None = None) -> dict[str, str]:
    """One message per field (dotted path; list positions left out), in the order of the errors."""
    messages = messages or {}
    fields: dict[str, str] = {}
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"] if not isinstance(part, int)) or "body"
        inner = (item.get("ctx") or {}).get("error")
        if item["type"] == "extra_forbidden":
            message = UNKNOWN_FIELD
        elif item["type"] == "value_error" and inner is not None:
            message = inner.args[0] if inner.args and isinstance(inner.args[0], str) else str(inner)
        elif loc in messages:
            message = messages[loc]
        elif item["type"] == "missing":
            message = REQUIRED
        else:
            message = item["msg"]
        fields.setdefault(loc, message)
    return fields


def parse[T: BaseModel](model: type[T], data: Any, summary: str, *, refuse_characters: bool = False) -> T:
    """``data`` as ``model``, or 422 ``summary`` naming every bad field: its declared fields in
    their order, then unknown ones by name; with ``refuse_characters``, a field holding a control
    or invisible character says so instead (SPEC §11 "Text")."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", fields={"body": OBJECT})
    fields: dict[str, str] = {}
    parsed = None
    try:
        parsed = model.model_validate(data)
    except ValidationError as error:
        found = field_messages(error, getattr(model, "MESSAGES", None))
        declared = [name for name in model.model_fields if name in found]
        fields = {name: found[name] for name in [*declared, *sorted(set(found) - set(declared))]}
    if refuse_characters:
        fields.update(characters.refused_fields(data))
    if fields or parsed is None:
        raise ValidationFailed(summary, fields=fields)
    return parsed


# -- a staff action (SPEC §4 ``POST /agency/complaints/{id}/actions``) ----------------------------

class StaffAction(BaseModel):
    """What a staff member asks of a report. Whether the action fits the report and the actor is
    the state machine's question (domain/complaint.py), not the body's."""

    model_config = ConfigDict(extra="forbid")
    MESSAGES: ClassVar[dict[str, str]] = {
        "action": f"must be one of: {', '.join(STAFF_ACTIONS)}",
        "note": TEXT,
        "agency_id": UNKNOWN_AGENCY,
        "duplicate_of": "must be a tracking id such as LPR-7K3M-9QXD",
    }

    action: str
    note: str | None = None
    agency_id: str | None = None
    duplicate_of: str | None = None

    @field_validator("action")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in STAFF_ACTIONS:
            raise ValueError(cls.MESSAGES["action"])
        return v

    @field_validator("agency_id")
    @classmethod
    def _slug(cls, v: str | None) -> str | None:
        if v is not None and not SLUG.match(v):
            raise ValueError(UNKNOWN_AGENCY)
        return v


def staff_action(data: Any) -> StaffAction:
    return parse(StaffAction, data, "the action is not valid", refuse_characters=True)


# -- form posts: ``application/x-www-form-urlencoded``, every field a list of strings -----------------

def _last(values: Any) -> str | None:
    """A form field's value: the last one that is not blank, trimmed (a field sent twice: the later)."""
    filled = [value.strip() for value in values or [] if isinstance(value, str) and value.strip()]
    return filled[-1] if filled else None


class _Form(BaseModel):
    """A form post as fields: each its last non-blank value, trimmed; ``LISTS`` keep every one."""

    model_config = ConfigDict(extra="ignore")
    LISTS: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _values(cls, form: Any) -> Any:
        if not isinstance(form, dict):
            return form
        form = cls._merged(form)
        return {name: [value.strip() for value in values if isinstance(value, str) and value.strip()]
                if name in cls.LISTS else _last(values) for name, values in form.items()}

    @classmethod
    def _merged(cls, form: dict[str, Any]) -> dict[str, Any]:
        return form


class CitizenForm(_Form):
    """The citizen's form (web/templates form page): flat fields -> the JSON filing's shape."""

    LISTS: ClassVar[frozenset[str]] = frozenset({"attachments", "attachment_tokens"})

    kind: str | None = None
    title: str | None = None
    description: str | None = None
    category: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    address: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    incident_date: str | None = None
    target_agency_id: str | None = None
    lang: str | None = None
    anonymous: str | None = None
    confidential: str | None = None
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    token_by_email: str | None = None  # the token by e-mail once the address is confirmed (docs/messages.md)
    # Each upload travels as two hidden fields in step: ``attachments`` (its id) and
    # ``attachment_tokens`` (its upload token, SPEC §11); an id without its token is refused.
    attachments: list[str] = []
    attachment_tokens: list[str] = []

    def filing(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(include=FILING_TEXT, exclude_none=True)
        data["anonymous"] = (self.anonymous or "").lower() in _TRUE
        data["confidential"] = (self.confidential or "").lower() in _TRUE
        data["token_by_email"] = (self.token_by_email or "").lower() in _TRUE
        data["reporter"] = {key: value for key, value in (("name", self.reporter_name), ("email", self.reporter_email),
                                                          ("phone", self.reporter_phone)) if value is not None}
        tokens = self.attachment_tokens
        data["attachments"] = [{"upload_id": upload_id, "upload_token": tokens[n] if n < len(tokens) else ""}
                               for n, upload_id in enumerate(self.attachments)]
        return data


FILING_TEXT = {"kind", "title", "description", "category", "province_code", "regency_code", "address", "latitude",
               "longitude", "incident_date", "target_agency_id", "lang"}


def form_to_submission(form: dict[str, list[str]]) -> dict[str, Any]:
    """A plain HTML form's flat fields -> the JSON shape (SPEC §7, form posts). Nothing is refused
    here: the filing's own validation (domain/submission.py) names every bad field."""
    return CitizenForm.model_validate(form).filing()


class GeoReportForm(_Form):
    """An Open311 GeoReport v2 ``POST requests`` form (SPEC §7 ``/open311/v2``). Our extra fields
    travel as ``attribute[code]`` (or ``attribute[code][]``, a multivaluelist attribute)."""

    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    description: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    media_url: str | None = None
    regency_code: str | None = None
    province_code: str | None = None
    kind: str | None = Field(default=None, alias="attribute[kind]")
    title: str | None = Field(default=None, alias="attribute[title]")
    incident_date: str | None = Field(default=None, alias="attribute[incident_date]")
    anonymous: str | None = Field(default=None, alias="attribute[anonymous]")
    confidential: str | None = Field(default=None, alias="attribute[confidential]")
    attribute_regency_code: str | None = Field(default=None, alias="attribute[regency_code]")
    attribute_province_code: str | None = Field(default=None, alias="attribute[province_code]")

    @classmethod
    def _merged(cls, form: dict[str, Any]) -> dict[str, Any]:
        """``attribute[code][]`` stands in for ``attribute[code]`` when that one is not given."""
        form = dict(form)
        for name, values in list(form.items()):
            if name.startswith("attribute[") and name.endswith("][]") and _last(values) is not None:
                single = name[:-2]
                if _last(form.get(single)) is None:
                    form[single] = values
        return form

    @property
    def reporter_name(self) -> str | None:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None

    @property
    def regency(self) -> str | None:
        return self.attribute_regency_code or self.regency_code or self.address_id

    @property
    def flagged_anonymous(self) -> bool:
        """``attribute[anonymous]`` when given; else anonymous exactly when no name was given."""
        if self.anonymous:
            return self.anonymous.lower() in _TRUE
        return self.reporter_name is None

    @property
    def flagged_confidential(self) -> bool:
        return (self.confidential or "").lower() in _TRUE


def geo_report(form: dict[str, list[str]]) -> GeoReportForm:
    return GeoReportForm.model_validate(form)
