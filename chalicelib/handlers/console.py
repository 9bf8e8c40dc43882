"""The staff console (SPEC §10): server-rendered pages under ``/staff``, plain form posts.

Sign-in (``/staff/login``, the Cognito challenges, sign out), the inbox (``/staff``), the
verification queue, the report page with its action forms, the scorecards and the administration
pages. Each page asks ``current_staff`` (the session cookie, or an API key for programs and tests);
a change posted with the cookie must carry the session's CSRF token (``csrf_token`` field).
The use cases are the API's own (``services/``); ``web/console.py`` composes the pages.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from chalice import Blueprint, Response

from chalicelib.adapters import clock
from chalicelib.domain.names import MANAGERS, Role
from chalicelib.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
    WrongCode,
    as_domain_error,
)
from chalicelib.handlers import http
from chalicelib.handlers.auth import STAFF_ROLES, cookie, current_staff
from chalicelib.handlers.middleware import endpoint
from chalicelib.handlers.staff_session import session_cookie
from chalicelib.lazy import lazy

admin = lazy("chalicelib.services.admin")
console = lazy("chalicelib.services.console")
keys = lazy("chalicelib.services.keys")
pages = lazy("chalicelib.web.console")
sessions = lazy("chalicelib.services.sessions")
stats = lazy("chalicelib.services.stats")
charts = lazy("chalicelib.web.charts")
users = lazy("chalicelib.services.users")
templating = lazy("chalicelib.web.templating")
bp = Blueprint(__name__)

ADMIN = (Role.NATIONAL_ADMIN,)
TRACKING_ID = re.compile(r"^LPR-[0-9A-Z]{4}-[0-9A-Z]{4}$")
ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")  # an account's user_id, a key's key_id


def _id_field(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not ID.match(value):
        raise ValidationFailed(f"bad {name}", fields={name: "unknown"})
    return value


# -- plumbing -------------------------------------------------------------------------------------

def _form() -> dict[str, str]:
    data, from_form = http.parse_body(bp.current_request, allow_form=True)
    if not from_form:
        data = {k: [v] if not isinstance(v, list) else v for k, v in (data or {}).items()}
    return {name: str(values[-1]) for name, values in data.items() if values}


def _visit(form: dict[str, str] | None = None, roles: tuple[str, ...] | None = STAFF_ROLES):
    """Who is asking (``roles=None``: nobody needs to be signed in), in which language, from where."""
    request = bp.current_request
    params = http.query(request)
    lang = templating.language((form or {}).get("lang") or params.get("lang"))
    path = request.path
    depth = max(0, len(path.split("/")) - 2)
    here = re.sub(r"\{(\w+)\}", lambda m: quote(str((request.uri_params or {}).get(m.group(1), "")), safe=""),
                  path.lstrip("/"))
    visit = pages.Visit(lang=lang, root="../" * depth or "./", here=here, params=params)
    if roles is not None:
        visit.actor, visit.session = current_staff(request, roles, csrf=(form or {}).get("csrf_token"))
    return visit


def _page(visit, template: str, status: int = 200, **context: Any) -> Response:
    response = http.html(pages.page(visit, template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _agency_param(value: str | None) -> str | None:
    """An agency id from a link or a form: a slug, or 422 (never a DynamoDB key it would refuse)."""
    from chalicelib.domain.agencies import SLUG

    if value and not SLUG.match(value):
        raise ValidationFailed("unknown agency", fields={"agency": "unknown agency"})
    return value or None


def _redirect(location: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, **(headers or {})})


def console_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page: a domain error becomes a page in the visitor's language, never JSON. Not signed in
    (or the session ended): to the sign-in page, coming back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as raised:  # a domain error, or a busy store (429): errors.as_domain_error
            error = as_domain_error(raised)
            if error is None:
                raise
            request = bp.current_request
            visit = _visit(roles=None)
            if isinstance(error, Unauthorized) and request.method == "GET":
                query = {k: v for k, v in visit.params.items() if k != "lang"}
                target = "/" + visit.here + (("?" + urlencode(query)) if query else "")
                return _redirect(visit.link("staff/login", next=target))
            response = _page(visit, "console/error.html", error.status, error=error,
                             message=pages.field_messages(visit.lang, {"m": error.message})["m"])
            response.headers.update(error.headers)  # Retry-After when busy
            return response

    return endpoint(wrapper)


# -- signing in -----------------------------------------------------------------------------------

def _next_page(value: str | None) -> str:
    """Where to go after signing in: a console page of this site only (no open redirect)."""
    if value and value.startswith("/staff") and not value.startswith("//") and "\\" not in value:
        return value.lstrip("/")
    return "staff"


# Sign-in forms carry a token that must equal this cookie's, set when the sign-in page was shown
# (SameSite=Strict: another site's page cannot read it, and a post from there does not send it).
# Without it a page elsewhere could post the attacker's own password and, with the challenge session
# the attacker got for it, their TOTP code, and sign the visitor in as the attacker (login CSRF).
LOGIN_COOKIE = "__Host-lapor-login"
LOGIN_COOKIE_SECONDS = 3600


def _login_token() -> tuple[str, dict[str, str]]:
    """The visitor's sign-in token (kept when they have one) and the header that sets it."""
    token = cookie(bp.current_request, LOGIN_COOKIE)
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{32}", token):
        token = secrets.token_urlsafe(24)
    return token, {"Set-Cookie": f"{LOGIN_COOKIE}={token}; Path=/; Max-Age={LOGIN_COOKIE_SECONDS}; "
                                 "Secure; HttpOnly; SameSite=Strict"}


def _login_form_page(visit, status: int, next_page: str, errors: dict[str, str], email: str = "") -> Response:
    token, header = _login_token()
    response = _page(visit, "console/login.html", status, next_page=next_page, errors=errors, email=email,
                     login_token=token)
    response.headers.update(header)
    return response


def _login_token_matches(form: dict[str, str]) -> bool:
    expected = cookie(bp.current_request, LOGIN_COOKIE)
    return bool(expected) and hmac.compare_digest(form.get("login_token", "").encode(), expected.encode())


@bp.route("/staff/login", methods=["GET"])
@console_page
def login_page():
    visit = _visit(roles=None)
    return _login_form_page(visit, 200, visit.params.get("next", ""), {})


def _signed_in(visit, result, next_page: str) -> Response:
    from chalicelib.config import get_settings

    max_age = get_settings().session_max_hours * 3600
    return _redirect(visit.root + _next_page(next_page) + ("?lang=en" if visit.lang == "en" else ""),
                     {"Set-Cookie": session_cookie(result.cookie, max_age)})


def _challenge_page(visit, challenge, next_page: str, errors: dict[str, str] | None = None,
                    status: int = 200) -> Response:
    qr = None
    if challenge.challenge == "MFA_SETUP" and challenge.otpauth_uri:
        qr = pages.qr_svg(challenge.otpauth_uri)
    return _page(visit, "console/challenge.html", status, challenge=challenge, next_page=next_page, qr=qr,
                 errors=errors or {}, login_token=cookie(bp.current_request, LOGIN_COOKIE) or "")


@bp.route("/staff/login", methods=["POST"], content_types=http.ANY)
@console_page
def login():
    form = _form()
    visit = _visit(form, roles=None)
    next_page = form.get("next", "")
    email, password = form.get("email", "").strip(), form.get("password", "")
    if not _login_token_matches(form):
        return _login_form_page(visit, 403, next_page, {"form": _say(visit, "login_form_expired")}, email)
    errors = {}
    if not email:
        errors["email"] = "required"
    if not password:
        errors["password"] = "required"
    if not errors:
        try:
            result = sessions.start(email, password, now=clock.now(), source=http.source_ip(bp.current_request))
        except Unauthorized:
            errors["password"] = "login_failed"
        except DomainError as error:
            errors["form"] = error.message
    if errors:
        return _login_form_page(visit, 401 if "password" in errors else 422, next_page,
                                pages.field_messages(visit.lang, {k: _say(visit, v) for k, v in errors.items()}), email)
    if isinstance(result, sessions.StaffSession):
        return _signed_in(visit, result, next_page)
    return _challenge_page(visit, result, next_page)


def _say(visit, message: str) -> str:
    return templating.gettext(visit.lang, message) if templating.has(message) else message


@bp.route("/staff/login/challenge", methods=["POST"], content_types=http.ANY)
@console_page
def login_challenge():
    form = _form()
    visit = _visit(form, roles=None)
    next_page = form.get("next", "")
    name = form.get("challenge", "")
    if not _login_token_matches(form):
        return _login_form_page(visit, 403, next_page, {"form": _say(visit, "login_form_expired")})
    shown = sessions.Challenge(name, form.get("challenge_session", ""), form.get("secret_code") or None,
                               form.get("otpauth_uri") or None)
    errors: dict[str, str] = {}
    new_password = form.get("new_password") or None
    if name == "NEW_PASSWORD_REQUIRED" and new_password != (form.get("confirm_password") or None):
        errors["confirm_password"] = _say(visit, "passwords_differ")
    if not errors:
        try:
            result = sessions.answer(shown.challenge_session, name, new_password=new_password,
                                     code=(form.get("code") or "").strip() or None, now=clock.now(),
                                     source=http.source_ip(bp.current_request))
        except WrongCode:
            errors["code"] = _say(visit, "wrong_code")
        except ValidationFailed as error:
            errors.update(pages.field_messages(visit.lang, {k: _say(visit, v) for k, v in error.fields.items()}))
        except Unauthorized as error:
            return _login_form_page(visit, 401, next_page, {
                "form": _say(visit, "sign_in_again") if "sign in again" in error.message
                else pages.field_messages(visit.lang, {"m": error.message})["m"]})
    if errors:
        return _challenge_page(visit, shown, next_page, errors, 422)
    if isinstance(result, sessions.StaffSession):
        return _signed_in(visit, result, next_page)
    return _challenge_page(visit, result, next_page)


@bp.route("/staff/logout", methods=["POST"], content_types=http.ANY)
@console_page
def logout():
    form = _form()
    visit = _visit(form)  # the CSRF token is checked: nobody signs another person out
    sessions.end(cookie(bp.current_request))
    return _redirect(visit.link("staff/login", out="1"), {"Set-Cookie": session_cookie("", 0)})


# -- the inbox and the verification queue ---------------------------------------------------------

def _listing_context(visit, listing, params: dict[str, str], queue: bool) -> dict[str, Any]:
    agencies = console.agencies_in_scope(visit.actor) if visit.actor.role != Role.OFFICER else []
    return {"listing": listing, "filters": params, "queue": queue, "sort": console.parse_sort(params.get("sort")),
            "statuses": pages.status_options(visit.lang), "categories": pages.category_options(visit.lang),
            "agencies": pages.agency_options(agencies)}


def _listing(queue: bool) -> Response:
    visit = _visit(roles=MANAGERS if queue else STAFF_ROLES)
    params = dict(visit.params)
    _agency_param(params.get("agency"))
    wanted = (params.get("q") or "").strip().upper()
    if wanted:
        if TRACKING_ID.match(wanted):
            return _redirect(visit.link(f"staff/reports/{wanted}"))
        return _page(visit, "console/inbox.html", 422, errors={"q": _say(visit, "tracking_id_format")},
                     **_listing_context(visit, pages.empty_listing(), params, queue))
    try:
        if queue:
            listing = console.inbox(visit.actor, params, statuses=("submitted",), sort="urgent")
        else:
            listing = console.inbox(visit.actor, params)
    except ValidationFailed as error:
        return _page(visit, "console/inbox.html", 422, errors=pages.field_messages(visit.lang, error.fields),
                     **_listing_context(visit, pages.empty_listing(), params, queue))
    return _page(visit, "console/inbox.html", errors={}, **_listing_context(visit, listing, params, queue))


@bp.route("/staff", methods=["GET"])
@console_page
def inbox_page():
    return _listing(queue=False)


@bp.route("/staff/queue", methods=["GET"])
@console_page
def queue_page():
    return _listing(queue=True)


# -- one report -----------------------------------------------------------------------------------

def _report_page(visit, tracking_id: str, status: int = 200, **context: Any) -> Response:
    report = console.report(visit.actor, tracking_id)
    targets = []
    if "forward" in report["actions"]:
        targets = pages.agency_options(console.agencies_in_scope(visit.actor))
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return _page(visit, "console/report.html", status, report=report, targets=targets,
                 region=console.region_name(report), done=visit.params.get("done"), **context)


@bp.route("/staff/reports/{tracking_id}", methods=["GET"])
@console_page
def report_page(tracking_id: str):
    return _report_page(_visit(), tracking_id)


@bp.route("/staff/reports/{tracking_id}", methods=["POST"], content_types=http.ANY)
@console_page
def report_action(tracking_id: str):
    form = _form()
    visit = _visit(form)
    action = form.get("action", "")
    body: dict[str, Any] = {"action": action, "note": form.get("note", "")}
    for name in ("agency_id", "duplicate_of"):
        if form.get(name):
            body[name] = form[name].strip().upper() if name == "duplicate_of" else form[name]
    seen = form.get("version", "")
    try:
        after = console.act(visit.actor, tracking_id, body, int(seen) if seen.isdigit() else None)
    except ValidationFailed as error:
        return _report_page(visit, tracking_id, 422, errors={action: pages.field_messages(visit.lang, error.fields)},
                            values={action: form})
    except Conflict as error:
        return _report_page(visit, tracking_id, 409, conflict=pages.field_messages(
            visit.lang, {"m": error.message})["m"], values={action: form})
    if not console.still_visible(visit.actor, after):  # returned or forwarded out of this account's scope
        return _redirect(visit.link("staff", done=action, report=tracking_id))
    return _redirect(visit.link(f"staff/reports/{tracking_id}", done=action) + f"#done-{action}")


# -- scorecards -----------------------------------------------------------------------------------

@bp.route("/staff/dashboard", methods=["GET"])
@console_page
def dashboard_page():
    visit = _visit()
    params = visit.params
    try:
        answer = stats.agency_scorecards(visit.actor, agency_id=_agency_param(params.get("agency")),
                                         start=params.get("from") or None, end=params.get("to") or None,
                                         sort=params.get("sort") or None)
    except ValidationFailed as error:
        return _page(visit, "console/dashboard.html", 422, answer=None, filters=params,
                     errors=pages.field_messages(visit.lang, error.fields))
    return _page(visit, "console/dashboard.html", answer=pages.scorecards(visit.lang, answer), filters=params,
                 errors={}, charts=pages.dashboard_charts(visit.lang, answer))


# -- administration -------------------------------------------------------------------------------

def _users_page(visit, status: int = 200, **context: Any) -> Response:
    agencies = console.agencies_in_scope(visit.actor)
    wanted = _agency_param(visit.params.get("agency") or context.pop("agency", None)) or visit.actor.agency_id
    listed = users.list_accounts(visit.actor, wanted)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return _page(visit, "console/users.html", status, listed=listed, agencies=pages.agency_options(agencies),
                 roles=pages.roles_for(visit.actor), **context)


@bp.route("/staff/admin/users", methods=["GET"])
@console_page
def users_page():
    return _users_page(_visit(roles=MANAGERS))


@bp.route("/staff/admin/users", methods=["POST"], content_types=http.ANY)
@console_page
def users_action():
    form = _form()
    visit = _visit(form, roles=MANAGERS)
    operation = form.get("operation", "invite")
    try:
        if operation == "invite":
            created = users.create(visit.actor, {k: form.get(k, "") for k in ("email", "name", "role", "agency_id")},
                                   now=clock.now())
            return _users_page(visit, 201, agency=form.get("agency_id"), created=created)
        user_id = _id_field(form, "user_id")
        if operation == "reset_mfa":
            done = users.reset_mfa(visit.actor, user_id, now=clock.now())
        elif operation in ("disable", "enable"):
            done = users.update(visit.actor, user_id, {"enabled": operation == "enable"}, now=clock.now())
        elif operation == "role":
            done = users.update(visit.actor, user_id, {"role": form.get("role", "")}, now=clock.now())
        else:
            raise ValidationFailed("unknown operation", fields={"operation": "unknown"})
    except ValidationFailed as error:
        messages = pages.field_messages(visit.lang, error.fields) or {"form": error.message}
        return _users_page(visit, 422, agency=form.get("agency_id"), values=form, errors={operation: messages})
    except (Conflict, Forbidden, NotFound) as error:
        return _users_page(visit, error.status, agency=form.get("agency_id"),
                           errors={operation: {"form": pages.field_messages(visit.lang, {"m": error.message})["m"]}})
    return _users_page(visit, agency=form.get("agency_id"), changed={"operation": operation, **done})


@bp.route("/staff/admin/keys", methods=["GET"])
@console_page
def keys_page():
    visit = _visit(roles=ADMIN)
    return _keys_page(visit)


def _keys_page(visit, status: int = 200, **context: Any) -> Response:
    agency_id = _agency_param(context.pop("agency", None) or visit.params.get("agency")) or visit.actor.agency_id
    listed = admin.list_keys(agency_id)["keys"]
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return _page(visit, "console/keys.html", status, listed=listed, agency_id=agency_id,
                 agencies=pages.agency_options(console.agencies_in_scope(visit.actor)),
                 roles=pages.roles_for(visit.actor), **context)


@bp.route("/staff/admin/keys", methods=["POST"], content_types=http.ANY)
@console_page
def keys_action():
    form = _form()
    visit = _visit(form, roles=ADMIN)
    try:
        if form.get("operation") == "revoke":
            keys.revoke(_id_field(form, "key_id"))
            return _keys_page(visit, agency=form.get("agency_id"), revoked=form.get("key_id"))
        issued = admin.issue_key({"role": form.get("role"), "agency_id": form.get("agency_id"),
                                  "label": form.get("label") or None})
    except ValidationFailed as error:
        return _keys_page(visit, 422, agency=form.get("agency_id"), values=form,
                          errors=pages.field_messages(visit.lang, error.fields))
    except (Conflict, NotFound) as error:
        return _keys_page(visit, error.status, agency=form.get("agency_id"),
                          errors={"form": pages.field_messages(visit.lang, {"m": error.message})["m"]})
    return _keys_page(visit, 201, agency=form.get("agency_id"), issued=issued)


@bp.route("/staff/admin/agencies", methods=["GET"])
@console_page
def agencies_page():
    visit = _visit(roles=ADMIN)
    found = pages.search_agencies(console.agencies_in_scope(visit.actor), visit.params.get("q", ""))
    return _page(visit, "console/agencies.html", found=found, q=visit.params.get("q", ""))


def _agency_page(visit, agency_id: str, status: int = 200, **context: Any) -> Response:
    from chalicelib.services import directory

    agency = directory.agency_detail(_agency_param(agency_id) or "")
    context.setdefault("errors", {})
    return _page(visit, "console/agency.html", status, agency=agency, **context)


@bp.route("/staff/admin/agencies/{agency_id}", methods=["GET"])
@console_page
def agency_page(agency_id: str):
    return _agency_page(_visit(roles=ADMIN), agency_id)


@bp.route("/staff/admin/agencies/{agency_id}", methods=["POST"], content_types=http.ANY)
@console_page
def agency_update(agency_id: str):
    form = _form()
    visit = _visit(form, roles=ADMIN)
    _agency_param(agency_id)
    changes: dict[str, Any] = {
        "emails": [e.strip() for e in re.split(r"[\s,;]+", form.get("emails", "")) if e.strip()],
        "webhook_url": form.get("webhook_url", "").strip() or None,
    }
    if form.get("notify") in ("immediate", "daily") and "notify" in admin.AgencyChanges.model_fields:
        changes["notify"] = form["notify"]
    try:
        admin.update_agency(agency_id, changes)
    except ValidationFailed as error:
        return _agency_page(visit, agency_id, 422, values=form, errors=pages.field_messages(visit.lang, error.fields))
    except Conflict as error:
        return _agency_page(visit, agency_id, 409, values=form,
                            errors={"form": pages.field_messages(visit.lang, {"m": error.message})["m"]})
    return _redirect(visit.link(f"staff/admin/agencies/{agency_id}", saved="1"))


@bp.route("/staff/admin/rules", methods=["GET"])
@console_page
def rules_page():
    visit = _visit(roles=ADMIN)
    return _rules_page(visit, visit.params.get("region", ""))


def _rules_region(region: str) -> str:
    from chalicelib.domain.reference import regions

    if region and region not in regions().provinces and region not in regions().regencies:
        raise ValidationFailed("unknown region", fields={"region": "unknown region"})
    return region


def _rules_page(visit, region: str, status: int = 200, **context: Any) -> Response:
    region = _rules_region(region.strip())
    listed = admin.list_rules(region)["routing_rules"] if region else []
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return _page(visit, "console/rules.html", status, region=region, listed=listed,
                 categories=pages.category_options(visit.lang), provinces=pages.province_options(),
                 agencies=pages.agency_options(console.agencies_in_scope(visit.actor)), **context)


@bp.route("/staff/admin/rules", methods=["POST"], content_types=http.ANY)
@console_page
def rules_action():
    form = _form()
    visit = _visit(form, roles=ADMIN)
    region = form.get("region_code", "")
    _rules_region(region)
    try:
        if form.get("operation") == "delete":
            admin.delete_rule(region, form.get("category", ""))
        else:
            admin.put_rule({k: form.get(k, "") for k in ("region_code", "category", "agency_id")})
    except ValidationFailed as error:
        return _rules_page(visit, region, 422, values=form, errors=pages.field_messages(visit.lang, error.fields))
    except NotFound as error:
        return _rules_page(visit, region, 404, errors={"form": pages.field_messages(visit.lang,
                                                                                    {"m": error.message})["m"]})
    return _redirect(visit.link("staff/admin/rules", region=region, saved=form.get("operation") or "put"))
