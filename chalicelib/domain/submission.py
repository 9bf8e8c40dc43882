"""What a citizen gives when filing a report (SPEC §3), validated with pydantic.

``parse_submission`` returns a ``Submission`` or raises ``ValidationFailed`` with one plain message
per field (``reporter.email``, ``regency_code``, …). Today's date comes in as an argument.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from chalicelib.domain import characters
from chalicelib.domain.identifiers import UPLOAD_ID
from chalicelib.domain.places import locate
from chalicelib.domain.reference import (
    CATEGORY_CODES,
    LAT_MAX,
    LAT_MIN,
    LON_MAX,
    LON_MIN,
    regions,
    zone_of,
)
from chalicelib.errors import Problem, ValidationFailed

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")
MAX_ATTACHMENTS = 5
OUTSIDE_INDONESIA = Problem("outside_indonesia", "must be inside Indonesia")
MAX_MEDIA_URL = 2000


def _length(value: str, low: int, high: int) -> str:
    text = value.strip()
    if not low <= len(text) <= high:
        raise ValueError(Problem("length", f"must be {low}–{high} characters", min=low, max=high))
    return text


def _line(value: str, low: int, high: int) -> str:
    """One line of text: tab and newline belong only in long text (SPEC §11 "Text")."""
    text = _length(value, low, high)
    if any(ch in text for ch in "\t\n\r"):
        raise ValueError(Problem("one_line", "must be one line (no tab or line break)"))
    return text


class Reporter(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        return _line(v, 2, 100) if v else None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if not v:
            return None
        from email_validator import EmailNotValidError, validate_email  # ~40 ms: not on the cold start

        try:
            return validate_email(v, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError(Problem("email", "must be a valid e-mail address")) from None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not PHONE.match(v):
            raise ValueError(Problem("phone", "must be a phone number such as 0812-3456-7890 or +62 812 3456 7890"))
        return v


class Attachment(BaseModel):
    """An upload named by a report, with the token that proves the filer made it (SPEC §11)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    upload_id: str = Field(max_length=64)
    upload_token: str = Field(min_length=16, max_length=128)


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["complaint", "aspiration", "information_request"]
    title: str
    description: str
    category: str
    # Either the regency (and its province) or the point: ``locate_place`` fills the codes from
    # the point (SPEC §12), so after parsing both are always set.
    province_code: str | None = None
    regency_code: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    incident_date: date | None = None
    # A photo or document the client hosts itself (Open311 ``media_url``; SPEC §12): https only.
    media_url: str | None = None
    target_agency_id: str | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter: Reporter = Reporter()
    # Send the tracking number and reporter token to ``reporter.email`` once it is confirmed.
    token_by_email: bool = False
    attachments: list[Attachment] = []
    # The language the reporter filed in (their messages use it); None: the request's default.
    lang: Literal["id", "en"] | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return _line(v, 5, 150)

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        return _length(v, 20, 4000)

    @field_validator("address")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        return _length(v, 1, 500) if v else None

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORY_CODES:
            raise ValueError(Problem("unknown_category", "unknown category: see GET /categories"))
        return v

    @field_validator("province_code")
    @classmethod
    def _province(cls, v: str | None) -> str | None:
        if v is not None and v not in regions().provinces:
            raise ValueError(Problem("unknown_province", "unknown province code: see GET /regions"))
        return v

    @field_validator("regency_code")
    @classmethod
    def _regency(cls, v: str | None) -> str | None:
        if v is not None and v not in regions().regencies:
            raise ValueError(Problem("unknown_regency", "unknown regency/city code: see GET /regions/{province_code}"))
        return v

    @field_validator("latitude")
    @classmethod
    def _latitude(cls, v: float | None) -> float | None:
        if v is not None and not LAT_MIN <= v <= LAT_MAX:
            raise ValueError(OUTSIDE_INDONESIA)
        return v

    @field_validator("longitude")
    @classmethod
    def _longitude(cls, v: float | None) -> float | None:
        if v is not None and not LON_MIN <= v <= LON_MAX:
            raise ValueError(OUTSIDE_INDONESIA)
        return v

    @field_validator("media_url")
    @classmethod
    def _media_url(cls, v: str | None) -> str | None:
        if not v:
            return None
        rule = Problem("https_url", f"must be an https:// address of at most {MAX_MEDIA_URL} characters",
                       max=MAX_MEDIA_URL)
        try:
            parts = urlsplit(v)
        except ValueError:
            raise ValueError(rule) from None
        if (len(v) > MAX_MEDIA_URL or parts.scheme != "https" or not parts.hostname or parts.username
                or any(ch.isspace() or ord(ch) < 32 for ch in v)):
            raise ValueError(rule)
        return v

    @field_validator("incident_date")
    @classmethod
    def _incident_date(cls, v: date | None, info: ValidationInfo) -> date | None:
        """Not after today in the report's own time zone (its province's); without a province (a
        report placed by its coordinates), in the easternmost zone, so no region's today is refused."""
        context = info.context or {}
        today = context.get("today")
        province = info.data.get("province_code")
        if context.get("now") is not None and province in regions().provinces:
            today = context["now"].astimezone(zone_of(province)).date()
        if v is not None and today is not None and v > today:
            raise ValueError(Problem("future_date", "must not be in the future"))
        return v

    @field_validator("target_agency_id")
    @classmethod
    def _target(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not re.fullmatch(r"[a-z0-9][a-z0-9\-]{1,80}", v):
            raise ValueError(Problem("unknown_agency", "unknown agency: see GET /agencies"))
        return v

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments_given(cls, v: Any) -> Any:
        if isinstance(v, list) and any(isinstance(item, str) for item in v):
            raise ValueError(Problem("upload_token_required", "each attachment is {\"upload_id\", \"upload_token\"}: "
                                     "the token came with the upload id from POST /attachments"))
        return v

    @field_validator("attachments")
    @classmethod
    def _attachments(cls, v: list[Attachment]) -> list[Attachment]:
        if len(v) > MAX_ATTACHMENTS:
            raise ValueError(Problem("too_many_attachments", f"at most {MAX_ATTACHMENTS} attachments",
                                     max=MAX_ATTACHMENTS))
        ids = [item.upload_id for item in v]
        if any(not UPLOAD_ID.match(item) for item in ids):
            raise ValueError(Problem("unknown_upload", "unknown upload id: upload with POST /attachments first"))
        if len(set(ids)) != len(ids):
            raise ValueError(Problem("duplicate_upload", "the same upload is listed twice"))
        return v

    @property
    def upload_ids(self) -> list[str]:
        return [item.upload_id for item in self.attachments]


def _cross_field(data: dict[str, Any]) -> dict[str, str]:
    """Rules between fields, checked on the raw data so they are reported with the rest."""
    errors: dict[str, str] = {}
    regency = regions().regencies.get(str(data.get("regency_code")))
    province = data.get("province_code")
    if regency and isinstance(province, str) and province in regions().provinces \
            and regency.province_code != province:
        errors["regency_code"] = Problem("regency_not_in_province", "this regency/city is not in the chosen province")
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        missing = "latitude" if data.get("latitude") is None else "longitude"
        errors[missing] = Problem("both_coordinates", "give both coordinates or none")
    elif data.get("regency_code") is None and data.get("latitude") is None:
        errors["regency_code"] = Problem("required_or_location", "required (or give latitude and longitude)")
        if data.get("province_code") is None:
            errors["province_code"] = Problem("required_or_location", "required (or give latitude and longitude)")
    anonymous = data.get("anonymous") in (True, 1, "true", "on", "1", "yes")
    reporter = data.get("reporter")
    name = reporter.get("name") if isinstance(reporter, dict) else None
    if not anonymous and not (isinstance(name, str) and name.strip()):
        errors["reporter.name"] = Problem("required_unless_anonymous", "required unless the report is anonymous")
    email = reporter.get("email") if isinstance(reporter, dict) else None
    wants_token = data.get("token_by_email") in (True, 1, "true", "on", "1", "yes")
    if wants_token and not (isinstance(email, str) and email.strip()):
        errors["token_by_email"] = Problem("token_by_email_needs_email",
                                           "give an e-mail address to receive the token by e-mail")
    return errors


_BOOLEAN = Problem("boolean", "must be true or false")
_NUMBER = Problem("number", "must be a number")
_DATE = Problem("date_format", "must be a date (YYYY-MM-DD)")
_OBJECT = Problem("object", "must be an object")
_TYPE_MESSAGES = {
    "missing": Problem("required", "required"),
    "literal_error": Problem("kind", "must be one of: complaint, aspiration, information_request"),
    "string_type": Problem("text", "must be text"),
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_parsing": _DATE,
    "extra_forbidden": Problem("unknown_field", "unknown field"),
    "list_type": Problem("list", "must be a list"),
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "finite_number": _NUMBER,
}


def _messages(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"] if not isinstance(part, int)) or "body"
        inner = (item.get("ctx") or {}).get("error")
        if item["type"] == "value_error" and inner is not None:
            message = inner.args[0] if inner.args and isinstance(inner.args[0], Problem) else str(inner)
        elif item["type"] == "literal_error" and loc == "lang":
            message = Problem("lang", "must be id or en")
        else:
            message = _TYPE_MESSAGES.get(item["type"], item["msg"])
        fields.setdefault(loc, message)
    return fields


def locate_place(submission: Submission) -> Submission:
    """The place from the point (SPEC §12). Without a regency the point gives regency and province;
    with one, a point in another province is refused, while a point in a neighbouring regency of
    the same province is accepted (GPS wobbles; the citizen's choice stands). A point in the sea
    next to a chosen regency (a pier, a boat, a wobble off the coast) contradicts nothing."""
    if submission.latitude is None or submission.longitude is None:
        return submission
    place = locate(submission.latitude, submission.longitude)
    chosen = submission.province_code or (
        regions().regencies[submission.regency_code].province_code if submission.regency_code else None)
    if place is None:
        if submission.regency_code is None:
            raise ValidationFailed("the point is in no regency", fields={
                "latitude": Problem("point_outside", "this point is not inside any Indonesian regency or city: "
                                    "choose the regency")})
        return submission
    if chosen is not None and place.province_code != chosen:
        found = regions().provinces[place.province_code].name
        raise ValidationFailed("the point is in another province", fields={
            "latitude": Problem("point_in_other_province", f"this point lies in {found}, not in the chosen province",
                                province=found)})
    if submission.regency_code is not None:
        return submission
    return submission.model_copy(update={"province_code": place.province_code, "regency_code": place.regency_code})


def parse_submission(data: Any, today: date, now: datetime | None = None) -> Submission:
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", fields={"body": _OBJECT})
    fields = {**_cross_field(data), **characters.refused_fields(data)}
    try:
        submission = Submission.model_validate(data, context={"today": today, "now": now})
    except ValidationError as error:
        fields = {**_messages(error), **fields}
    if fields:
        raise ValidationFailed("some fields are not valid", fields=fields)
    return locate_place(submission)
