"""The OpenAPI 3.1 document of the JSON API (SPEC §7), served at ``GET /openapi.json``.

Built from pydantic models: the request models the services validate with (``Submission``,
``NewAgency``, ``AgencyChanges``) and, below, small models of every request body and answer whose
shape lives in a plain dict (``domain/views.py``, the services). The answers' models forbid extra
fields, so the reliability suite's fuzzer (Schemathesis, ``tests/reliability/test_fuzz.py``)
notices when the API returns something this document does not describe.

Not described here: the HTML pages (``/``, ``/track``, ``/static/…``), Open311 (``/open311/v2/…``
has its own discovery document), the reports' CSV export and the local-only ``/dev`` routes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from chalicelib.domain.accounts import AccountChanges, ChallengeAnswer, NewAccount, SignIn
from chalicelib.domain.agencies import LEVELS, SLUG
from chalicelib.domain.complaint import STAFF_ACTIONS, Status
from chalicelib.domain.names import Audience, Role
from chalicelib.domain.reference import CATEGORY_CODES, LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, regions
from chalicelib.domain.submission import MAX_ATTACHMENTS, Submission
from chalicelib.domain.uploads import CONTENT_TYPES, MAX_BYTES
from chalicelib.services.admin import AgencyChanges, NewAgency
from chalicelib.services.submit import MAX_IDEMPOTENCY_KEY

StatusCode = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
Kind = Literal["complaint", "aspiration", "information_request"]
TRACKING_ID_PATTERN = "^LPR-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$"


class Answer(BaseModel):
    """An answer's shape: every field listed, nothing else."""

    model_config = ConfigDict(extra="forbid")


# --- errors (SPEC §7) ----------------------------------------------------------------------------

class ErrorDetail(Answer):
    code: str = Field(description="machine-readable, e.g. validation_error, temporarily_unavailable")
    message: str
    fields: dict[str, str] = Field(default=None, description="one message per field, when fields are at fault")
    field_codes: dict[str, dict[str, Any]] = Field(
        default=None, description="for the field messages that have one: a stable code and the values in the "
        "message ({\"code\": \"length\", \"min\": 5, \"max\": 150}), for clients that say it in their own words")
    message_code: dict[str, Any] = Field(default=None, description="the same for the message, when it has one")


class Error(Answer):
    error: ErrorDetail


# --- a report as each audience sees it (domain/views.py) ----------------------------------------

class Deadline(Answer):
    due: str = Field(description="ISO 8601 with the region's offset; 23:59:59 of the last working day")
    met: bool | None = Field(description="false once passed; null while it still can be met")


class AttachmentLink(Answer):
    upload_id: str
    url: str
    expires_in: int


class ReportBase(Answer):
    tracking_id: str
    kind: Kind
    kind_label: str
    category: str
    category_label: str
    province_code: str
    regency_code: str
    status: StatusCode
    status_label: str
    status_label_en: str
    agency_id: str
    agency_name: str | None
    submitted_at: str
    updated_at: str
    deadlines: dict[str, Deadline]
    overdue: bool
    escalation_level: int
    returns: int
    ombudsman_eligible: bool
    anonymous: bool
    confidential: bool
    incident_date: str | None
    supporters: int = Field(description="citizens who supported it instead of filing it again (SPEC §12)")
    duplicate_of: str | None = Field(description="the original's tracking id when marked a duplicate")


class PublicView(ReportBase):
    """No reporter identity, no address; no title or description when confidential."""

    view: Literal[Audience.PUBLIC]
    title: str | None
    description: str | None
    attachment_links: list[AttachmentLink]


class Identity(Answer):
    name: str | None
    email: str | None
    phone: str | None


class FullReport(ReportBase):
    title: str
    description: str
    address: str | None
    latitude: float | None
    longitude: float | None
    target_agency_id: str | None
    media_url: str | None
    attachments: list[str]
    version: int
    reopens: int
    rating: int | None
    lang: str = Field(description="the reporter's language at filing (id or en): the language of their messages")


class ReporterView(FullReport):
    view: Literal[Audience.REPORTER]
    reporter: Identity


class ReporterViewWithLinks(ReporterView):
    attachment_links: list[AttachmentLink]


class TimelineLine(Answer):
    at: str
    type: str
    status: str
    status_label: str | None
    actor: Literal[Role.REPORTER, Role.SYSTEM, "agency"]
    agency_id: str | None
    note: str | None


class StaffTimelineLine(TimelineLine):
    actor_role: str
    actor_agency_id: str | None
    acted_by: dict[str, Any] | None  # {"user_id", "name"} of an account or {"key_id", "label"} of a key
    data: dict[str, Any]


class Timeline(Answer):
    tracking_id: str
    events: list[TimelineLine]


class StaffView(FullReport):
    """Everything but the identity of an anonymous reporter (``reporter`` is then null)."""

    view: Literal[Audience.STAFF]
    reporter: Identity | None
    agency_path: list[str]
    escalated_to: list[str]


class StaffViewWithTimeline(StaffView):
    timeline: list[StaffTimelineLine]
    attachment_links: list[AttachmentLink]


class InboxItem(Answer):
    title: str
    tracking_id: str
    kind: Kind
    category: str
    category_label: str
    status: StatusCode
    status_label: str
    agency_id: str
    agency_name: str | None
    province_code: str
    regency_code: str
    submitted_at: str
    updated_at: str
    deadlines: dict[str, Deadline]
    overdue: bool
    escalation_level: int
    returns: int
    anonymous: bool
    confidential: bool
    supporters: int
    duplicate_of: str | None
    escalated_to: list[str]


class Inbox(Answer):
    complaints: list[InboxItem]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


class Receipt(Answer):
    """The answer to a filing. ``reporter_token`` is shown here only, never again."""

    tracking_id: str
    reporter_token: str
    status: StatusCode
    status_label: str
    submitted_at: str
    deadlines: dict[str, str]
    agency_id: str


# --- reference data and the directory -----------------------------------------------------------

class Label(Answer):
    code: str
    label_id: str
    label_en: str


class Categories(Answer):
    categories: list[Label]
    kinds: list[Label]


class ProvinceEntry(Answer):
    code: str
    name: str
    time_zone: str


class Provinces(Answer):
    provinces: list[ProvinceEntry]


class RegencyEntry(Answer):
    code: str
    name: str


class ProvinceDetail(ProvinceEntry):
    regencies: list[RegencyEntry]


class NearbyReport(Answer):
    tracking_id: str
    title: str
    status: StatusCode
    status_label: str
    distance_m: int
    supporters: int
    submitted_at: str


class Nearby(Answer):
    """Open, non-confidential reports of one category within 1 km, last 60 days, nearest first."""

    reports: list[NearbyReport]


class Supported(Answer):
    tracking_id: str
    supporters: int
    counted: bool = Field(description="false when this Idempotency-Key was counted before")


class Located(Answer):
    """The regency or city holding a point (SPEC §12)."""

    province_code: str
    regency_code: str
    name: str


class AgencyEntry(Answer):
    """A directory entry: never the webhook's URL or secret."""

    agency_id: str
    name: str
    level: Literal[LEVELS]  # type: ignore[valid-type]
    parent_id: str | None
    province_code: str | None
    regency_code: str | None
    emails: list[str]
    has_webhook: bool
    notify: Literal["immediate", "daily"] = Field(
        description="immediate: one e-mail per event; daily: one digest at 07:00 local time (SPEC §13)")


class AgencyDetail(AgencyEntry):
    path: list[str]


class AgencySaved(AgencyEntry):
    """A created or changed agency; ``webhook_secret`` only in the answer that made it (SPEC §11)."""

    webhook_secret: str | None = None


class WebhookSecret(Answer):
    """A new ``whsec_`` secret: shown in this answer only. The old one signs beside it until
    ``previous_valid_until`` (null: it stopped at once)."""

    agency_id: str
    webhook_secret: str
    previous_valid_until: str | None


class Agencies(Answer):
    agencies: list[AgencyEntry]
    next_cursor: str | None


class PresignedPost(Answer):
    url: str
    fields: dict[str, str]


class UploadGrant(Answer):
    upload_id: str
    upload_token: str
    upload: PresignedPost
    content_type: str
    max_bytes: int
    expires_in: int


class RoutingRule(Answer):
    region_code: str
    category: str
    agency_id: str


class RoutingRules(Answer):
    routing_rules: list[RoutingRule]


class SignedIn(Answer):
    """A session: the cookie ``__Host-lapor-staff`` is set with this answer (SPEC §10)."""

    email: str
    name: str
    role: Literal[Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.OFFICER]
    agency_id: str
    csrf_token: str
    expires_at: str


class SignInStep(Answer):
    """The next sign-in step; MFA_SETUP also gives the TOTP secret and an otpauth URI."""

    challenge: Literal["NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SOFTWARE_TOKEN_MFA"]
    challenge_session: str
    secret_code: str = Field(default=None)
    otpauth_uri: str = Field(default=None)


class CreatedAccount(Answer):
    user_id: str
    email: str
    status: str
    temporary_password: str = Field(default=None, description="the local stage only; Cognito e-mails it")


class StaffAccount(Answer):
    user_id: str
    email: str
    name: str
    role: Literal[Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.OFFICER]
    agency_id: str
    enabled: bool
    created_at: str
    updated_at: str


class StaffAccounts(Answer):
    agency_id: str
    users: list[StaffAccount]


class MfaReset(Answer):
    user_id: str
    mfa: Literal["reset"]
    sessions_ended: int


class IssuedKey(Answer):
    """The key itself is in this answer only."""

    key_id: str
    key: str
    role: str
    agency_id: str
    label: str | None
    created_at: str


class KeyEntry(Answer):
    key_id: str
    role: str
    agency_id: str
    label: str | None
    created_at: str
    revoked_at: str | None


class Keys(Answer):
    keys: list[KeyEntry]


class Revoked(Answer):
    key_id: str
    revoked_at: str


class Deleted(Answer):
    deleted: bool


class Stats(BaseModel):
    """Counts and rates of a scope (SPEC §7 ``/stats``); more figures may be added."""

    scope: str
    from_: str = Field(alias="from")
    to: str
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    by_category: dict[str, int]
    resolved_pct: float | None
    on_time_pct: float | None
    median_first_response_hours: float | None
    reopen_rate: float | None
    satisfaction_avg: float | None
    duplicates: int = Field(description="closed as duplicates: left out of resolved and resolved_pct")
    by_month: list[dict[str, Any]]


class Scorecards(BaseModel):
    """The caller's agency and each agency directly below it (``/agency/stats``)."""

    from_: str = Field(alias="from")
    to: str
    sort: str
    agency: dict[str, Any]
    held_directly: dict[str, Any]
    agencies: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    charts: dict[str, str] = Field(default=None, description="SVG charts, with ?charts=true")


# --- participation and the monthly evaluation (SPEC §14) ------------------------------------------

class ParticipationTotals(Answer):
    agencies: int
    connected: int
    connected_pct: float | None
    silent: int
    not_connected: int


class ParticipationRow(Answer):
    agency_id: str
    name: str
    level: str
    parent_id: str | None
    parent_name: str | None
    province_code: str | None
    connected: bool = Field(description="an active staff account, or an API key used in the last 30 days")
    silent: bool = Field(description="holds reports and nobody of the agency acted for 5 working days")
    active_accounts: int
    keys_used_30d: bool
    last_sign_in_at: str | None
    last_action_at: str | None
    last_key_use_at: str | None
    held: int = Field(description="reports waiting for it now (submitted, forwarded, in_progress)")
    overdue: int
    reports_30d: int
    median_first_response_hours: float | None


class Participation(Answer):
    """``GET /agency/participation``: the caller's scope, in attention order."""

    totals: ParticipationTotals
    by_level: dict[str, ParticipationTotals]
    by_province: dict[str, ParticipationTotals]
    as_of: str
    agencies: list[ParticipationRow]
    next_cursor: str | None


class EvaluationFigure(Answer):
    metric: str
    month: float | int | None
    month_before: float | int | None
    year_before: float | int | None
    change_from_month_before: float | None
    change_from_year_before: float | None
    explanation_id: str
    explanation_en: str


class Evaluation(Answer):
    """``GET /agency/evaluation``: one month of the caller's scope against the month before and a
    year before; every list item carries its one-line ``explanation_id`` / ``explanation_en``."""

    scope: str
    month: str
    from_: str = Field(alias="from")
    to: str
    title_id: str
    title_en: str
    as_of: str
    figures: list[EvaluationFigure]
    summary: dict[str, dict[str, Any]]
    participation: dict[str, Any]
    participation_by_level: dict[str, ParticipationTotals]
    participation_by_province: dict[str, ParticipationTotals]
    most_overdue: list[dict[str, Any]]
    not_connected: list[dict[str, Any]]
    silent: list[dict[str, Any]]
    categories_grown: list[dict[str, Any]]


# --- request bodies whose rules live in the services ---------------------------------------------

class Request(BaseModel):
    model_config = ConfigDict(extra="allow")


class Reply(Request):
    message: str = Field(min_length=1, description="what the reporter adds (``note`` is accepted too)")
    reply_key: str | None = Field(default=None, min_length=8, max_length=128,
                                  description="the same reply sent again with this key is recorded once "
                                              "(the Idempotency-Key header does the same)")


class Feedback(Request):
    decision: Literal["accept", "reopen"]
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000, description="required to reopen")


class UploadRequest(Request):
    filename: str = Field(min_length=1, max_length=200)
    content_type: Literal[tuple(CONTENT_TYPES)]  # type: ignore[valid-type]
    size: int = Field(ge=1, le=MAX_BYTES)


class StaffAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal[STAFF_ACTIONS]  # type: ignore[valid-type]
    note: str | None = Field(default=None, description="required by reject, return, respond, request_info, "
                                                        "resolve")
    agency_id: str | None = Field(default=None, description="forward: the agency that takes the report")
    duplicate_of: str | None = Field(default=None, description="mark_duplicate: the original's tracking id (same "
                                                               "regency, not itself a duplicate)")


class RoutingRuleRequest(Request):
    region_code: str = Field(description="a province (73) or regency/city (73.71) code")
    category: Literal[tuple(sorted(CATEGORY_CODES))]  # type: ignore[valid-type]
    agency_id: str


class KeyRequest(Request):
    role: Literal[Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.OFFICER, Role.OPEN311]
    agency_id: str
    label: str | None = Field(default=None, max_length=100)


class FormSubmission(BaseModel):
    """``POST /complaints`` from a plain HTML form: the same fields, flat."""

    kind: Kind
    title: str
    description: str
    category: str
    province_code: str | None = None
    regency_code: str | None = None
    address: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    incident_date: str | None = None
    target_agency_id: str | None = None
    anonymous: str | None = Field(default=None, description="on or true when checked")
    confidential: str | None = Field(default=None, description="on or true when checked")
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    token_by_email: str | None = Field(default=None, description="on or true when checked")
    attachments: list[str] = Field(default=[], description="upload ids, each with its token in attachment_tokens")
    attachment_tokens: list[str] = []
    idempotency_key: str | None = None


REQUESTS = (Submission, FormSubmission, Reply, Feedback, UploadRequest, StaffAction, NewAgency, AgencyChanges,
            RoutingRuleRequest, KeyRequest, SignIn, ChallengeAnswer, NewAccount, AccountChanges)
ANSWERS = (Error, Receipt, PublicView, ReporterViewWithLinks, ReporterView, Timeline,
           StaffViewWithTimeline, StaffView, Inbox, Categories, Provinces, ProvinceDetail, Agencies, AgencyEntry,
           AgencyDetail, AgencySaved, WebhookSecret, UploadGrant, RoutingRule, RoutingRules, IssuedKey, Keys,
           Revoked, Deleted, Stats, Scorecards, Located, Nearby, Supported, SignedIn, SignInStep, CreatedAccount,
           StaffAccount, StaffAccounts, MfaReset, Participation, Evaluation)


def _schemas() -> dict[str, Any]:
    pairs = [(m, "validation") for m in REQUESTS] + [(m, "serialization") for m in ANSWERS]
    _, top = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    schemas = top["$defs"]
    _refine_submission(schemas["Submission"]["properties"])
    schemas["Stats"]["additionalProperties"] = schemas["Scorecards"]["additionalProperties"] = True
    # An optional field of an answer is left out, never null.
    for name in ("ErrorDetail", "Scorecards", "SignInStep", "CreatedAccount"):
        for prop in schemas[name]["properties"].values():
            prop.pop("default", None)
    return schemas


def _refine_submission(props: dict[str, Any]) -> None:
    """The rules ``Submission``'s validators enforce, stated for the document's readers."""
    def text(name: str, low: int, high: int) -> None:
        props[name].update(minLength=low, maxLength=high)

    text("title", 5, 150)
    text("description", 20, 4000)
    props["category"]["enum"] = sorted(CATEGORY_CODES)
    props["province_code"]["anyOf"][0]["enum"] = sorted(regions().provinces)
    props["regency_code"]["anyOf"][0]["enum"] = sorted(regions().regencies)
    for name in ("province_code", "regency_code"):
        props[name]["description"] = "required unless latitude and longitude are given (SPEC §12)"
    props["latitude"]["anyOf"][0].update(minimum=LAT_MIN, maximum=LAT_MAX)
    props["longitude"]["anyOf"][0].update(minimum=LON_MIN, maximum=LON_MAX)
    props["attachments"].update(maxItems=MAX_ATTACHMENTS, uniqueItems=True)
    props["token_by_email"]["description"] = (
        "send the tracking number and reporter token to reporter.email, once, after its owner confirms the "
        "address (needs reporter.email)")


# --- operations ----------------------------------------------------------------------------------

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(name)}}


ERRORS = {
    400: "malformed: not JSON, a bad cursor",
    401: "no valid key or reporter token",
    403: "outside the caller's scope, or a wrong reporter token",
    404: "no such report or resource",
    409: "the report's status does not allow it, or someone else changed it first",
    413: "the body is larger than 64 KB",
    415: "not application/json",
    422: "a field is not valid (``fields`` says which)",
    429: "busy for now (``temporarily_unavailable``): retry after ``Retry-After`` seconds",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}}}


def _responses(ok: int, answer: str | None, errors: tuple[int, ...], *, html: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if answer:
        content = _json(answer)
        if html:
            content["text/html"] = {"schema": {"type": "string"}}
        responses[str(ok)] = {"description": "OK", "content": content}
    for status in sorted({*errors, 429}):
        content = _json("Error")
        if html and status in (409, 422):
            content["text/html"] = {"schema": {"type": "string"}}
        responses[str(status)] = {"description": ERRORS[status], "content": content}
        if status in (409, 429):
            responses[str(status)]["headers"] = RETRY_AFTER
    return responses


def _param(name: str, where: str = "query", *, required: bool = False, description: str = "",
           **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path", "description": description,
            "schema": schema or {"type": "string"}}


TRACKING_ID = _param("tracking_id", "path", type="string", pattern=TRACKING_ID_PATTERN)
AGENCY_ID = _param("agency_id", "path", type="string", pattern=SLUG.pattern)
PROVINCE_CODE = _param("province_code", "path", type="string", pattern="^[0-9]{2}$")
REPORTER_TOKEN = _param("X-Reporter-Token", "header", description="the token from the filing: the reporter's view")
BODY_ERRORS = (400, 413, 415, 422)
STAFF_ERRORS = (401, 403)
DATE = {"type": "string", "format": "date"}


def _op(summary: str, responses: dict[str, Any], *, body: str | None = None, params: tuple = (),
        staff: bool = False, tag: str = "public", form: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if params:
        op["parameters"] = list(params)
    if body:
        content = _json(body)
        if form:
            content["application/x-www-form-urlencoded"] = {"schema": _ref(form)}
        op["requestBody"] = {"required": True, "content": content}
    if staff:
        op["security"] = [{"staffKey": []}, {"staffSession": []}]
    return op


def _paths() -> dict[str, Any]:
    paths = _operations()
    paths["/admin/agencies/{agency_id}"]["patch"] = paths["/admin/agencies/{agency_id}"]["put"]
    paths["/admin/routing-rules"]["put"] = paths["/admin/routing-rules"]["post"]
    return paths


def _staff_accounts(staff_errors: tuple[int, ...]) -> dict[str, Any]:
    """SPEC §10: signing in (password, then the challenges) and managing accounts."""
    signed_in = {**_responses(201, "SignedIn", (*BODY_ERRORS, 401, 403)),
                 "200": {"description": "the next sign-in step", "content": _json("SignInStep")}}
    signed_in["201"]["headers"] = {"Set-Cookie": {"description": "__Host-lapor-staff=…; Path=/; Secure; HttpOnly; "
                                                                 "SameSite=Strict", "schema": {"type": "string"}}}
    managers = {"staff": True, "tag": "accounts"}
    user_id = _param("user_id", "path", type="string", maxLength=128)
    return {
        "/staff/session": {
            "post": _op("Sign in with e-mail and password: the session, or the next step.", signed_in,
                        body="SignIn", tag="accounts"),
            "get": _op("Who is signed in (the session cookie).", _responses(200, "SignedIn", (401,)),
                       tag="accounts"),
            "delete": _op("Sign out: the session ends at once and the cookie is cleared.",
                          {"204": {"description": "signed out"}, **_responses(204, None, (403,))}, tag="accounts"),
        },
        "/staff/session/challenge": {"post": _op(
            "Answer a sign-in step (new password, TOTP set-up, TOTP code).", dict(signed_in),
            body="ChallengeAnswer", tag="accounts")},
        "/admin/users": {
            "get": _op("The accounts of an agency (the caller's by default).",
                       _responses(200, "StaffAccounts", (422, *staff_errors)),
                       params=(_param("agency_id"),), **managers),
            "post": _op("Make an account: Cognito e-mails its temporary password.",
                        _responses(201, "CreatedAccount", (*BODY_ERRORS, 409, *staff_errors)),
                        body="NewAccount", **managers),
        },
        "/admin/users/{user_id}": {"patch": _op(
            "Change an account's role, agency, name or access; a change of access ends its sessions.",
            _responses(200, "StaffAccount", (*BODY_ERRORS, 404, 409, *staff_errors)), body="AccountChanges",
            params=(user_id,), **managers)},
        "/admin/users/{user_id}/reset-mfa": {"post": _op(
            "Make the account set up TOTP again; its sessions end.",
            _responses(200, "MfaReset", (404, *staff_errors)), params=(user_id,), **managers)},
    }


def _csv(responses: dict[str, Any]) -> dict[str, Any]:
    return {**responses, "200": {"description": "CSV (UTF-8 with a byte-order mark)",
                                 "content": {"text/csv": {"schema": {"type": "string"}}}}}


def _participation(staff_errors: tuple[int, ...]) -> dict[str, Any]:
    """SPEC §14: coordinators (their subtree) and the national admin (everything); an officer is 403."""
    from chalicelib.domain.participation import STATUSES
    from chalicelib.services.participation import MAX_LIMIT

    filters = (_param("province_code", type="string", pattern="^[0-9]{2}$"),
               _param("status", type="string", enum=list(STATUSES)))
    page = (*filters, _param("limit", type="integer", minimum=1, maximum=MAX_LIMIT), _param("cursor"))
    month = (_param("month", type="string", pattern="^[0-9]{4}-[0-9]{2}$",
                    description="YYYY-MM, not after this month; default last month"),)
    staff = {"staff": True, "tag": "participation"}
    return {
        "/agency/participation": {"get": _op(
            "Which agencies of the caller's scope are connected and answering, with totals per level and "
            "province.", _responses(200, "Participation", (400, 422, *staff_errors)), params=page, **staff)},
        "/agency/participation.csv": {"get": _op(
            "The same rows, every one (no paging).", _csv(_responses(200, None, (422, *staff_errors))),
            params=filters, **staff)},
        "/agency/evaluation": {"get": _op(
            "The monthly evaluation of the caller's scope.", _responses(200, "Evaluation", (422, *staff_errors)),
            params=month, **staff)},
        "/agency/evaluation.csv": {"get": _op(
            "The monthly evaluation as CSV.", _csv(_responses(200, None, (422, *staff_errors))), params=month,
            **staff)},
    }


def _operations() -> dict[str, Any]:
    staff_errors = (*STAFF_ERRORS,)
    admin = {"staff": True, "tag": "admin"}
    return {
        "/complaints": {"post": _op(
            "File a report. With Idempotency-Key, the same key and body answer the first answer again.",
            _responses(201, "Receipt", (*BODY_ERRORS, 409), html=True), body="Submission", form="FormSubmission",
            params=(_param("Idempotency-Key", "header", type="string", maxLength=MAX_IDEMPOTENCY_KEY),))},
        "/complaints/{tracking_id}": {"get": _op(
            "A report: the public view, or with X-Reporter-Token the reporter's full view.",
            {**_responses(200, None, (403, 404)),
             "200": {"description": "OK", "content": {"application/json": {"schema": {"oneOf": [
                 _ref("PublicView"), _ref("ReporterViewWithLinks")]}}}}},
            params=(TRACKING_ID, REPORTER_TOKEN))},
        "/complaints/nearby": {"get": _op(
            "Open, non-confidential reports of a category within 1 km of a point, filed in the last 60 days.",
            _responses(200, "Nearby", (422,)),
            params=(_param("lat", required=True, type="number", minimum=-90, maximum=90),
                    _param("long", required=True, type="number", minimum=-180, maximum=180),
                    _param("category", required=True, type="string", enum=sorted(CATEGORY_CODES))))},
        "/complaints/{tracking_id}/support": {"post": _op(
            "Support a report instead of filing it again: counted once per Idempotency-Key (201; 200 if "
            "the key was counted before).",
            {**_responses(201, "Supported", (404, 409, 413, 422)),
             "200": {"description": "this key was counted before", "content": _json("Supported")}},
            params=(TRACKING_ID, _param("Idempotency-Key", "header", required=True, type="string", minLength=1,
                                        maxLength=128)))},
        "/complaints/{tracking_id}/timeline": {"get": _op(
            "The report's events, redacted to what the caller may see.", _responses(200, "Timeline", (403, 404)),
            params=(TRACKING_ID, REPORTER_TOKEN))},
        "/complaints/{tracking_id}/replies": {"post": _op(
            "The reporter adds information (answers a request for information).",
            _responses(201, "ReporterView", (*BODY_ERRORS, 401, 403, 404, 409)), body="Reply",
            params=(TRACKING_ID, REPORTER_TOKEN,
                    _param("Idempotency-Key", "header", type="string", minLength=8, maxLength=128)))},
        "/complaints/{tracking_id}/feedback": {"post": _op(
            "The reporter accepts the resolution (with a rating) or reopens the report.",
            _responses(200, "ReporterView", (*BODY_ERRORS, 401, 403, 404, 409)), body="Feedback",
            params=(TRACKING_ID, REPORTER_TOKEN))},
        "/attachments": {"post": _op(
            "An upload id and a presigned S3 upload for one JPEG, PNG or PDF of at most 10 MB.",
            _responses(201, "UploadGrant", BODY_ERRORS), body="UploadRequest")},
        "/categories": {"get": _op("Report categories and kinds.", _responses(200, "Categories", ()),
                                   tag="reference")},
        "/regions": {"get": _op("The 38 provinces with their time zone.", _responses(200, "Provinces", ()),
                                tag="reference")},
        "/regions/locate": {"get": _op(
            "The regency/city (and province) holding a point; 404 not_in_a_regency in the sea or abroad.",
            _responses(200, "Located", (404, 422)),
            params=(_param("lat", required=True, type="number", minimum=-90, maximum=90),
                    _param("long", required=True, type="number", minimum=-180, maximum=180)), tag="reference")},
        "/regions/{province_code}": {"get": _op(
            "A province and its regencies/cities.", _responses(200, "ProvinceDetail", (404,)),
            params=(PROVINCE_CODE,), tag="reference")},
        "/agencies": {"get": _op(
            "The agency directory, by level, province or regency.", _responses(200, "Agencies", (400, 422)),
            params=(_param("level", enum=list(LEVELS), type="string"), _param("province_code"),
                    _param("regency_code"), _param("limit", type="integer", minimum=1, maximum=1000),
                    _param("cursor")), tag="reference")},
        "/stats": {"get": _op(
            "Counts and rates for a scope: national, province:73, regency:73.71 or agency:<id>.",
            _responses(200, "Stats", (400, 422)),
            params=(_param("scope"), _param("from", **DATE), _param("to", **DATE)), tag="stats")},
        "/stats/map.svg": {"get": _op(
            "Indonesia shaded by one figure of /stats, per province or regency (SVG; SPEC §12).",
            {**_responses(200, None, (422,)),
             "200": {"description": "OK", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}},
            params=(_param("level", type="string", enum=["province", "regency"]),
                    _param("metric", type="string", enum=["resolved_pct", "on_time_pct", "total"]),
                    _param("from", **DATE), _param("to", **DATE)), tag="stats")},
        "/agency/complaints": {"get": _op(
            "The caller's inbox, newest first, scoped by role.", _responses(200, "Inbox", (400, 422, *staff_errors)),
            params=(_param("status", description="one or more statuses, comma-separated"),
                    _param("overdue", type="string", enum=["true", "false"]),
                    _param("category", type="string", enum=sorted(CATEGORY_CODES)),
                    _param("from", **DATE), _param("to", **DATE),
                    _param("limit", type="integer", minimum=1, maximum=100), _param("cursor")),
            staff=True, tag="staff")},
        "/agency/complaints/{tracking_id}": {"get": _op(
            "The staff view with its full timeline (an anonymous reporter stays hidden).",
            _responses(200, "StaffViewWithTimeline", (404, *staff_errors)), params=(TRACKING_ID,), staff=True,
            tag="staff")},
        "/agency/complaints/{tracking_id}/actions": {"post": _op(
            "Act on a report: forward, reject, return, respond, request_info, resolve, mark_duplicate.",
            _responses(200, "StaffView", (*BODY_ERRORS, 404, 409, *staff_errors)), body="StaffAction",
            params=(TRACKING_ID,), staff=True, tag="staff")},
        "/agency/stats": {"get": _op(
            "Scorecards of the caller's agency and the agencies directly below it.",
            _responses(200, "Scorecards", (400, 422, *staff_errors)),
            params=(_param("agency_id"), _param("from", **DATE), _param("to", **DATE), _param("sort"),
                    _param("charts", type="string", enum=["true", "false"])), staff=True, tag="staff")},
        **_participation(staff_errors),
        "/admin/agencies": {"post": _op(
            "Add an agency to the directory.", _responses(201, "AgencySaved", (*BODY_ERRORS, 409, *staff_errors)),
            body="NewAgency", **admin)},
        "/admin/agencies/{agency_id}": {
            "get": _op("An agency with its path.", _responses(200, "AgencyDetail", (404, *staff_errors)),
                       params=(AGENCY_ID,), **admin),
            "put": _op("Change an agency's name, e-mails or webhook.",
                       _responses(200, "AgencySaved", (*BODY_ERRORS, 404, 409, *staff_errors)),
                       body="AgencyChanges", params=(AGENCY_ID,), **admin),
        },
        "/admin/agencies/{agency_id}/webhook-secret": {
            "post": _op("A new webhook secret (whsec_…), shown once; the old one goes on signing beside it for "
                        "previous_valid_hours (default 24; 0 stops it at once, for a secret that leaked).",
                        _responses(201, "WebhookSecret", (404, 409, 422, *staff_errors)),
                        params=(AGENCY_ID, _param("previous_valid_hours", type="integer", minimum=0, maximum=72)),
                        **admin),
        },
        "/admin/routing-rules": {
            "get": _op("The routing rules of a region.", _responses(200, "RoutingRules", (422, *staff_errors)),
                       params=(_param("region_code", required=True),), **admin),
            "post": _op("Add or replace a routing rule (category and region to an agency).",
                        _responses(201, "RoutingRule", (*BODY_ERRORS, *staff_errors)), body="RoutingRuleRequest",
                        **admin),
        },
        "/admin/routing-rules/{region_code}/{category}": {"delete": _op(
            "Remove a routing rule.", _responses(200, "Deleted", (404, *staff_errors)),
            params=(_param("region_code", "path", type="string", pattern=r"^[0-9]{2}(\.[0-9]{2})?$"),
                    _param("category", "path", type="string", enum=sorted(CATEGORY_CODES))), **admin)},
        "/admin/keys": {
            "get": _op("An agency's API keys (never the keys themselves).",
                       _responses(200, "Keys", (422, *staff_errors)),
                       params=(_param("agency_id", required=True),), **admin),
            "post": _op("Issue an API key: shown in this answer only.",
                        _responses(201, "IssuedKey", (*BODY_ERRORS, *staff_errors)), body="KeyRequest", **admin),
        },
        **_staff_accounts(staff_errors),
        "/admin/keys/{key_id}": {"delete": _op(
            "Revoke an API key at once.", _responses(200, "Revoked", (404, *staff_errors)),
            params=(_param("key_id", "path", type="string", pattern="^[0-9a-f]{8}$"),), **admin)},
    }


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SP4N-LAPOR! API",
            "version": "1.0.0",
            "description": "Indonesia's public-service complaint system. Errors always have the shape "
                           '{"error": {"code", "message", "fields"}}.',
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "staffKey": {"type": "http", "scheme": "bearer",
                             "description": "a staff API key (lpr_…), one role and one agency"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "__Host-lapor-staff",
                                 "description": "a signed-in account's session (POST /staff/session); a change "
                                                "also needs its csrf_token in X-CSRF-Token"}},
        },
    }
