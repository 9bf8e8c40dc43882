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
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator, model_validator

from chalicelib.domain import characters, uploads
from chalicelib.domain.agencies import SLUG
from chalicelib.domain.complaint import RATING, STAFF_ACTIONS
from chalicelib.domain.reference import CATEGORY_CODES, regions
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


def pydantic_messages(error: ValidationError) -> dict[str, str]:
    """Pydantic's own English, one per field: what the staff-account and agency bodies
    (domain/accounts.py, services/admin.py) have always answered. They carry no codes yet."""
    return {".".join(str(p) for p in e["loc"]) or "body": e["msg"].removeprefix("Value error, ")
            for e in error.errors()}


def parse[T: BaseModel](model: type[T], data: Any, summary: str, *, refuse_characters: bool = False,
                        cross: Mapping[str, str] | None = None) -> T:
    """``data`` as ``model``, or 422 ``summary`` naming every bad field: its declared fields in
    their order, then unknown ones by name; then ``cross``, the rules between fields checked on the
    raw data so they are reported with the rest; with ``refuse_characters``, a field holding a
    control or invisible character says so instead (SPEC §11 "Text")."""
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
    fields.update(cross or {})
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


# -- the reporter's reply and feedback (SPEC §4, §7), with their token ----------------------------

class Reply(BaseModel):
    """A reply (``POST /complaints/{id}/replies``); ``note`` is an older name of ``message``. With a
    ``reply_key`` (the Idempotency-Key header, or the page's hidden field) it is recorded once."""

    model_config = ConfigDict(extra="ignore")

    message: str
    reply_key: str | None = Field(default=None, min_length=8, max_length=128)

    @model_validator(mode="before")
    @classmethod
    def _older_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "message" not in data and "note" in data:
            return {**data, "message": data["note"]}
        return data


def reply(data: dict[str, Any], reply_key: str | None = None) -> Reply:
    """The reply, or 422: without a message, that first; else a reply key of the wrong size."""
    try:
        return Reply.model_validate({**data, "reply_key": reply_key or data.get("reply_key")})
    except ValidationError as error:
        fields = field_messages(error)
    if "message" in fields:
        raise ValidationFailed("a message is required", fields={"message": REQUIRED})
    raise ValidationFailed("bad reply key", fields={"reply_key": "8–128 characters"})


MAX_COMMENT = 2000


class Feedback(BaseModel):
    """Accept the resolution or reopen the report (``POST /complaints/{id}/feedback``)."""

    model_config = ConfigDict(extra="ignore")
    MESSAGES: ClassVar[dict[str, str]] = {
        "decision": Problem("decision", "must be accept or reopen"),
        "rating": RATING,
        "comment": Problem("max_length", f"must be text of at most {MAX_COMMENT} characters", max=MAX_COMMENT),
    }

    decision: Literal["accept", "reopen"]
    rating: StrictInt | None = Field(default=None, ge=1, le=5)
    comment: str = Field(default="", max_length=MAX_COMMENT)

    @field_validator("comment", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return v or ""


def feedback(data: dict[str, Any]) -> Feedback:
    comment = data.get("comment") or ""
    cross = {}
    if data.get("decision") == "reopen" and isinstance(comment, str) and not comment.strip():
        cross["comment"] = Problem("reason_required", "a reason is required to reopen")
    return parse(Feedback, data, "some fields are not valid", cross=cross)


# -- an upload request (SPEC §7 ``POST /attachments``, §11) ----------------------------------------

class UploadRequest(BaseModel):
    """What the browser will upload: the answer is a presigned POST for exactly this type and size.
    ``content_type`` comes out as its media type alone, in lower case."""

    model_config = ConfigDict(extra="ignore")
    MESSAGES: ClassVar[dict[str, str]] = {
        "filename": REQUIRED, "content_type": uploads.TYPE_MESSAGE, "size": uploads.SIZE_NUMBER_MESSAGE}

    filename: str
    content_type: str
    size: StrictInt

    @field_validator("filename")
    @classmethod
    def _filename(cls, v: str) -> str:
        if not v.strip():
            raise ValueError(REQUIRED)
        if len(v.strip()) > uploads.MAX_FILENAME or any(ord(ch) < 32 for ch in v):
            raise ValueError(uploads.FILENAME_MESSAGE)
        return v

    @field_validator("content_type")
    @classmethod
    def _media_type(cls, v: str) -> str:
        media_type = v.split(";")[0].strip().lower()
        if media_type not in uploads.CONTENT_TYPES:
            raise ValueError(uploads.TYPE_MESSAGE)
        return media_type

    @field_validator("size")
    @classmethod
    def _size(cls, v: int) -> int:
        if v < 1:
            raise ValueError(uploads.SIZE_NUMBER_MESSAGE)
        if v > uploads.MAX_BYTES:
            raise ValueError(uploads.SIZE_MESSAGE)
        return v


def upload_request(data: Any) -> UploadRequest:
    return parse(UploadRequest, data, "this file cannot be attached")


# -- the national admin's routing rules and API keys (SPEC §7 ``/admin/…``) --------------------------

class RoutingRule(BaseModel):
    """Reports of ``category`` in ``region_code`` (a province or a regency/city) go to ``agency_id``."""

    model_config = ConfigDict(extra="ignore")
    MESSAGES: ClassVar[dict[str, str]] = {
        "region_code": "a province (73) or regency/city (73.71) code",
        "category": "unknown category: see GET /categories",
        "agency_id": UNKNOWN_AGENCY,
    }

    region_code: str
    category: str
    agency_id: str

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in regions().provinces and v not in regions().regencies:
            raise ValueError(cls.MESSAGES["region_code"])
        return v

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORY_CODES:
            raise ValueError(cls.MESSAGES["category"])
        return v

    @field_validator("agency_id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(UNKNOWN_AGENCY)
        return v


def _an_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be an object", fields={"body": "must be an object"})
    return data


def routing_rule(data: Any) -> RoutingRule:
    return parse(RoutingRule, _an_object(data), "the rule is not valid")


class KeyRequest(BaseModel):
    """An API key for ``role`` at ``agency_id``; whether the role may have one is ``keys.issue``'s rule."""

    model_config = ConfigDict(extra="ignore")

    role: Any = None
    agency_id: str
    label: str | None = Field(default=None, max_length=100)

    @field_validator("agency_id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(UNKNOWN_AGENCY)
        return v


def key_request(data: Any) -> KeyRequest:
    """The request, or 422 for its first bad field: the label, then the agency."""
    try:
        return KeyRequest.model_validate(_an_object(data))
    except ValidationError as error:
        fields = field_messages(error)
    if "label" in fields:
        raise ValidationFailed("bad label", fields={"label": "text of at most 100 characters"})
    raise ValidationFailed(UNKNOWN_AGENCY, fields={"agency_id": UNKNOWN_AGENCY})


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
