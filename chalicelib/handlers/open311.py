"""Open311 GeoReport v2 routes (SPEC §7 ``/open311/v2/…``), each in ``.json`` and ``.xml``.

Errors here are not the SPEC §7 shape but GeoReport's own: a list of ``{code, description}``
(``<errors><error>…``) with 400, 403 or 404, in the format the client asked for; the ``georeport``
decorator below does that instead of ``@endpoint``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib.config import get_settings
from chalicelib.errors import DomainError, as_domain_error, transient_code
from chalicelib.handlers import http
from chalicelib.lazy import lazy
from chalicelib.observability import logger

open311 = lazy("chalicelib.domain.open311")
service = lazy("chalicelib.services.open311")
bp = Blueprint(__name__)
BASE = "/open311/v2"
PUBLIC = {"Access-Control-Allow-Origin": "*"}
# A browser app reads the reporter's token of its filing from this header (CORS).
FILED = {**PUBLIC, "Access-Control-Expose-Headers": "X-Reporter-Token"}
CACHE = {**PUBLIC, "Cache-Control": "public, max-age=3600"}


def render(fmt: str, root: str, value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=open311.render(fmt, root, value), status_code=status,
                    headers={"Content-Type": open311.FORMATS[fmt], **(headers or {})})


def _status_of(error: DomainError) -> int:
    """GeoReport's codes where it has one; "busy" (429, 503) and 413 keep theirs: a client must
    see that retrying later can work, which a 400 would deny."""
    if error.status in {401, 403}:
        return 403
    if error.status in {404, 413, 429} or error.status >= 500:
        return error.status
    return 400


def error_answer(fmt: str, raised: BaseException) -> Response:
    """Open311's one mapping from errors to answers: GeoReport's error list in the asked format.
    Throttling or a rate limit is 429 with Retry-After (``errors.as_domain_error``), never 400."""
    if isinstance(raised, open311.Open311Error):
        return render(fmt, "errors", raised.body(), raised.status, PUBLIC)
    error = as_domain_error(raised)
    if error is None:
        logger.exception("unhandled error in Open311")
        return render(fmt, "errors", [{"code": 500, "description": "an internal error occurred; it has been "
                                                                  "logged"}], 500, PUBLIC)
    status = _status_of(error)
    if status == 429:
        logger.warning("request refused for now", extra={"code": error.code, "cause": transient_code(raised)})
    return render(fmt, "errors", [{"code": status, "description": error.message}], status,
                  {**PUBLIC, **error.headers})


def georeport(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a view taking the format first: every error goes through ``error_answer``."""

    @functools.wraps(view)
    def wrapper(fmt: str, *args: Any, **kwargs: Any) -> Response:
        try:
            return view(fmt, *args, **kwargs)
        except Exception as raised:
            return error_answer(fmt, raised)

    return wrapper


def split_format(name: str) -> tuple[str, str]:
    """``LPR-7K3M-9QXD.json`` -> (``LPR-7K3M-9QXD``, ``json``)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in open311.FORMATS:
        raise open311.Open311Error.of(404, "append .json or .xml to the resource")
    return stem, ext


def query(request: Any) -> dict[str, str]:
    """The query parameters, each given once (a repeated one is 400, not "the last one wins")."""
    params = request.query_params or {}
    service.single_values({name: params.getlist(name) for name in params})
    return http.query(request)


def _endpoint_url() -> str:
    """From the PUBLIC_BASE_URL setting, never from the request's Host (SPEC §11)."""
    return get_settings().public_base_url + BASE


@georeport
def discovery(fmt: str) -> Response:
    query(bp.current_request)
    return render(fmt, "discovery", open311.discovery(_endpoint_url()), headers=CACHE)


@georeport
def services(fmt: str) -> Response:
    query(bp.current_request)
    return render(fmt, "services", open311.services(), headers=CACHE)


@georeport
def service_definition(fmt: str, code: str) -> Response:
    query(bp.current_request)
    return render(fmt, "service_definition", service.service_definition(code), headers=CACHE)


@georeport
def list_requests(fmt: str) -> Response:
    return render(fmt, "service_requests", service.list_requests(query(bp.current_request)), headers=PUBLIC)


@georeport
def get_request(fmt: str, tracking_id: str) -> Response:
    query(bp.current_request)
    return render(fmt, "service_requests", service.get_request(tracking_id), headers=PUBLIC)


@georeport
def create_request(fmt: str) -> Response:
    request = bp.current_request
    raw = http.raw_body(request)  # an oversized body is 413 before anything else is looked at
    if http.media_type(request) != http.FORM:
        raise open311.Open311Error.of(400, "send the request as application/x-www-form-urlencoded")
    try:
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise open311.Open311Error.of(400, "the form is not valid UTF-8") from None
    if "api_key" in query(request):  # a URL is logged by every proxy on the way: never a key in it
        raise open311.Open311Error.of(400, "send api_key in the form body, not in the URL")
    api_key = (form.get("api_key") or [None])[-1]
    answer, token = service.create_request(form, api_key)
    # The body is GeoReport's, exactly; the reporter's token (shown once) travels in a header.
    return render(fmt, "service_requests", answer, 201, {**FILED, "X-Reporter-Token": token})


def _register() -> None:
    for fmt in open311.FORMATS:
        def bound(view: Callable[..., Response], fmt: str = fmt) -> Callable[[], Response]:
            return lambda: view(fmt)

        bp.route(f"{BASE}/discovery.{fmt}", methods=["GET"], name=f"open311_discovery_{fmt}")(bound(discovery))
        bp.route(f"{BASE}/services.{fmt}", methods=["GET"], name=f"open311_services_{fmt}")(bound(services))
        bp.route(f"{BASE}/requests.{fmt}", methods=["GET"], name=f"open311_requests_{fmt}")(bound(list_requests))
        bp.route(f"{BASE}/requests.{fmt}", methods=["POST"], name=f"open311_post_{fmt}",
                 content_types=http.ANY)(bound(create_request))


_register()


@bp.route(BASE + "/services/{service_file}", methods=["GET"])
def service_file(service_file: str) -> Response:
    try:
        code, fmt = split_format(service_file)
    except open311.Open311Error as error:
        return render("xml", "errors", error.body(), error.status, PUBLIC)
    return service_definition(fmt, code)


@bp.route(BASE + "/requests/{request_file}", methods=["GET"])
def request_file(request_file: str) -> Response:
    try:
        tracking_id, fmt = split_format(request_file)
    except open311.Open311Error as error:
        return render("xml", "errors", error.body(), error.status, PUBLIC)
    return get_request(fmt, tracking_id)


# Anything else under /open311/v2/ is GeoReport's 404, in the format its name asks for (XML unless
# it ends in .json), up to three path segments deep; deeper paths get the gateway's own 404.
UNKNOWN_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _unknown(path: str) -> Response:
    fmt = "json" if path.endswith(".json") else "xml"
    try:
        http.raw_body(bp.current_request)  # an oversized body is 413 here too, before anything is read
    except DomainError as error:
        return error_answer(fmt, error)
    return render(fmt, "errors", [{"code": 404, "description": f"{BASE}/{path} is not a GeoReport v2 resource: "
                                                                 "see discovery.xml"}], 404, PUBLIC)


@bp.route(BASE, methods=UNKNOWN_METHODS, content_types=http.ANY, name="open311_root")
def unknown_root() -> Response:
    return _unknown("")


@bp.route(BASE + "/{name}", methods=UNKNOWN_METHODS, content_types=http.ANY, name="open311_unknown_1")
def unknown_1(name: str) -> Response:
    return _unknown(name)


@bp.route(BASE + "/{name}/{part}", methods=UNKNOWN_METHODS, content_types=http.ANY, name="open311_unknown_2")
def unknown_2(name: str, part: str) -> Response:
    return _unknown(f"{name}/{part}")


@bp.route(BASE + "/{name}/{part}/{more}", methods=UNKNOWN_METHODS, content_types=http.ANY,
          name="open311_unknown_3")
def unknown_3(name: str, part: str, more: str) -> Response:
    return _unknown(f"{name}/{part}/{more}")
