"""Public routes: file a report, read it back (SPEC §7)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain import language
from chalicelib.errors import as_domain_error
from chalicelib.handlers import http, web
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

citizen = lazy("chalicelib.services.citizen")
reporter = lazy("chalicelib.services.reporter")
reports = lazy("chalicelib.services.reports")
submit = lazy("chalicelib.services.submit")
text = lazy("chalicelib.web.text")
bodies = lazy("chalicelib.domain.bodies")
bp = Blueprint(__name__)

@bp.route("/complaints", methods=["POST"], content_types=http.ANY)
@endpoint
def file_complaint():
    request = bp.current_request
    data, from_form = http.parse_body(request, allow_form=True)
    form = data if from_form else {}
    if from_form:
        data = bodies.form_to_submission(data)
    # The reporter's language: the body's ``lang`` (the form's hidden field), else Accept-Language.
    reader = language.from_accept_language(request.headers.get("accept-language"))
    # A form page carries its own key (hidden field), so a plain form posted twice files once.
    key = ((request.headers.get("idempotency-key") or "").strip()
           or next((v.strip() for v in reversed(form.get("idempotency_key", [])) if v.strip()), None))
    if not from_form or http.wants_json(request):
        return http.respond(submit.submit(data, idempotency_key=key, lambda_context=bp.lambda_context,
                                          lang=reader, source=http.source_ip(request)), 201)
    lang = text.language((form.get("lang") or ["id"])[-1])
    try:
        answer = citizen.submit_form(data, key, lambda_context=bp.lambda_context, lang=lang,
                                     source=http.source_ip(request))
    except Exception as raised:  # the form again, saying why: the web pages' mapping (handlers/web.py)
        error = as_domain_error(raised)
        if error is None:
            raise
        return web.filing_refused(lang, data, error, key)
    return web.filed(lang, answer, data)


@bp.route("/complaints/{tracking_id}", methods=["GET"])
@endpoint
def get_complaint(tracking_id: str):
    token = bp.current_request.headers.get("x-reporter-token")
    return http.respond(reports.view(tracking_id, token))


@bp.route("/complaints/{tracking_id}/timeline", methods=["GET"])
@endpoint
def get_timeline(tracking_id: str):
    token = bp.current_request.headers.get("x-reporter-token")
    return http.respond(reports.timeline(tracking_id, token))


@bp.route("/complaints/{tracking_id}/replies", methods=["POST"], content_types=http.ANY)
@endpoint
def reply(tracking_id: str):
    request = bp.current_request
    data = http.json_object(request)
    key = (request.headers.get("idempotency-key") or "").strip() or None
    return http.respond(reporter.reply(tracking_id, request.headers.get("x-reporter-token"), data, key,
                                       source=http.source_ip(request)), 201)


@bp.route("/complaints/{tracking_id}/feedback", methods=["POST"], content_types=http.ANY)
@endpoint
def feedback(tracking_id: str):
    request = bp.current_request
    data = http.json_object(request)
    return http.respond(reporter.feedback(tracking_id, request.headers.get("x-reporter-token"), data))
