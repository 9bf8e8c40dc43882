"""The citizen's web pages (SPEC §7 ``GET /``, ``GET /track``) and their CSS and JavaScript.

The pages are HTML rendered by ``chalicelib/web``; the filing form posts to ``POST /complaints``
(``handlers/public.py``), which answers a browser with ``filed`` or ``filing_refused`` below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib.errors import (
    DomainError,
    IdempotencyConflict,
    NotFound,
    RateLimited,
    RequestInProgress,
    UnsupportedMediaType,
    as_domain_error,
)
from chalicelib.handlers import http
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

citizen = lazy("chalicelib.services.citizen")
reporter_email = lazy("chalicelib.services.reporter_email")
assets = lazy("chalicelib.web.assets")
pages = lazy("chalicelib.web.pages")
text = lazy("chalicelib.web.text")
tracking = lazy("chalicelib.web.tracking")
bp = Blueprint(__name__)


def page(html: str, status: int = 200, *, uploads: bool = False, cache: str | None = None) -> Response:
    response = http.html(html, status)
    if uploads:  # the form's script sends attachments straight to S3
        policy = response.headers["Content-Security-Policy"].rstrip("; ")
        response.headers["Content-Security-Policy"] = f"{policy}; connect-src 'self' {citizen.upload_origin()}"
    if cache:
        response.headers["Cache-Control"] = cache
    return response


def error_page(lang: str, error: DomainError) -> Response:
    """The citizen pages' one mapping from errors to answers: a page in the visitor's language with
    the status the JSON API would give (and its Retry-After when busy or over a limit), never JSON."""
    response = page(pages.error_page(lang, error.status, error.code, error.message), error.status)
    response.headers.update(error.headers)
    return response


def page_endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """A citizen page: every domain error and every transient AWS error (``errors.as_domain_error``)
    becomes ``error_page``; anything else goes on to ``endpoint``, which logs it (a 500)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as raised:
            error = as_domain_error(raised)
            if error is None:
                raise
            return error_page(text.language(http.query(bp.current_request).get("lang")), error)

    return endpoint(wrapper)


def _form(request: Any) -> dict[str, str]:
    data, from_form = http.parse_body(request, allow_form=True)
    if not from_form:
        raise UnsupportedMediaType(f"send {http.FORM}")
    return {name: values[-1] for name, values in data.items() if values}


@bp.route("/", methods=["GET"])
@page_endpoint
def form_page():
    lang = text.language(http.query(bp.current_request).get("lang"))
    context = citizen.form_context()
    # private, no-cache: the back button shows this same form (same Idempotency-Key) again.
    return page(pages.form_page(lang, idempotency_key=citizen.new_form_key(), today=context["today"]),
                uploads=True, cache="private, no-cache")


@bp.route("/", methods=["POST"], content_types=http.ANY)
@page_endpoint
def form_step():
    """Without JavaScript, "Show its regencies" posts the form here: the same form again, as typed,
    with the chosen province's regencies (nothing is filed)."""
    from chalicelib.domain.bodies import form_to_submission

    raw, from_form = http.parse_body(bp.current_request, allow_form=True)
    if not from_form:
        raise UnsupportedMediaType(f"send {http.FORM}")
    values = form_to_submission(raw)
    lang = text.language((raw.get("lang") or ["id"])[-1])
    key = next((v.strip() for v in reversed(raw.get("idempotency_key", [])) if v.strip()), None)
    context = citizen.form_context(values)
    html = pages.form_page(lang, idempotency_key=key or citizen.new_form_key(), today=context["today"],
                           values=values, agencies=context["agencies"])
    return page(html, uploads=True, cache="private, no-cache")


def filed(lang: str, answer: dict[str, Any], submission: dict[str, Any]) -> Response:
    return page(pages.confirmation(lang, answer, submission), 201)


def filing_refused(lang: str, submission: dict[str, Any], error: DomainError, key: str | None) -> Response:
    """The form again, with what was typed: field errors next to their fields, or why it was not filed."""
    notice = None
    if isinstance(error, RateLimited):  # SPEC §11: over a limit, said in plain words
        minutes = max(1, -(-int(error.headers.get("Retry-After", "60")) // 60))
        notice = text.t(lang, "form_rate_limited", minutes=minutes)
    elif isinstance(error, IdempotencyConflict):  # sent before with other contents: a new report needs a new key
        notice, key = text.t(lang, "form_already_sent"), citizen.new_form_key()
    elif isinstance(error, RequestInProgress):
        notice = text.t(lang, "form_busy")
    elif error.code == "temporarily_unavailable":
        notice = text.t(lang, "error_busy")
    elif not error.fields:
        notice = text.server_message(lang, error.message)
    try:
        context = citizen.form_context(submission)
    except Exception as raised:  # the store is busy for this read too: the form without the agency list
        if as_domain_error(raised) is None:
            raise
        context = citizen.form_context()
    html = pages.form_page(lang, idempotency_key=key or citizen.new_form_key(), today=context["today"],
                           values=submission, fields=error.fields, agencies=context["agencies"], notice=notice)
    response = page(html, error.status, uploads=True)
    response.headers.update(error.headers)
    return response


@bp.route("/confirm-email", methods=["GET"])
@endpoint
def confirm_email_page():
    params = http.query(bp.current_request)
    lang = text.language(params.get("lang") or "id")
    return page(pages.email_confirmation(lang, "ask", params.get("token") or ""), cache="no-store")


@bp.route("/confirm-email", methods=["POST"], content_types=http.ANY)
@endpoint
def confirm_email():
    """The single-use token from the e-mail's link (SPEC §11): a form post, or JSON ``{"token"}``."""
    request = bp.current_request
    data, from_form = http.parse_body(request, allow_form=True)
    token = (data.get("token") or [""])[-1] if from_form else (data.get("token") if isinstance(data, dict) else None)
    lang = text.language((data.get("lang") or ["id"])[-1] if from_form else "id")
    try:
        answer = reporter_email.confirm(token)
    except NotFound:
        if not from_form or http.wants_json(request):
            raise
        return page(pages.email_confirmation(lang, "invalid"), 404)
    if not from_form or http.wants_json(request):
        return http.respond(answer)
    return page(pages.email_confirmation(lang, "confirmed"))


@bp.route("/track", methods=["GET"])
@page_endpoint
def track_page():
    params = http.query(bp.current_request)
    return _tracked(text.language(params.get("lang")), citizen.track(params.get("tracking_id")))


@bp.route("/track", methods=["POST"], content_types=http.ANY)
@page_endpoint
def track_action():
    form = _form(bp.current_request)
    result = citizen.track(form.get("tracking_id"), form.get("reporter_token"), form.get("action") or "view", form,
                           source=http.source_ip(bp.current_request))
    return _tracked(text.language(form.get("lang")), result)


def _tracked(lang: str, result: dict[str, Any]) -> Response:
    status = result.pop("status")
    return page(tracking.track_page(lang, **result), status)


@bp.route("/static/{name}", methods=["GET"])
@endpoint
def static(name: str):
    body = assets.read(name)
    if body is None:
        raise NotFound(f"no file {name}")
    return Response(body=body, status_code=200, headers={"Content-Type": assets.MEDIA_TYPES[name],
                                                          "Cache-Control": "public, max-age=86400"})


@bp.route("/favicon.ico", methods=["GET"])
@endpoint
def favicon():
    """Every browser asks for it: a small icon, not an error."""
    return Response(body=assets.favicon(), status_code=200,
                    headers={"Content-Type": "image/x-icon", "Cache-Control": "public, max-age=604800"})
