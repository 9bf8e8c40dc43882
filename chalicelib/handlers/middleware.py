"""HTTP middleware and the one place domain errors become HTTP answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.errors import DomainError, as_domain_error, transient_code
from chalicelib.handlers.http import SECURITY_HEADERS
from chalicelib.observability import logger, metrics

_CHALICE_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                  415: "unsupported_media_type", 500: "internal_error"}


def error_response(error: DomainError) -> Response:
    return Response(body=error.body(), status_code=error.status,
                    headers={"Content-Type": "application/json; charset=utf-8", **error.headers})


def endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """The JSON API's one mapping from errors to answers: a DomainError becomes its SPEC §7 answer;
    a transient AWS error (throttling, an internal error) a retryable 429 with Retry-After
    (``errors.as_domain_error``); anything else is logged, then a 500 in the same shape (never a
    stack trace)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as raised:
            error = as_domain_error(raised)
            if error is None:
                logger.exception("unhandled error")
                return Response(body={"error": {"code": "internal_error",
                                                "message": "an internal error occurred; it has been logged"}},
                                status_code=500)
            if error.status >= 500 or error.status == 429:
                logger.warning("request refused for now", extra={"code": error.code,
                                                                 "cause": transient_code(raised)})
            return error_response(error)

    return wrapper


def observe(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Every invocation of every function (HTTP, streams, schedules): fresh log keys, and the
    metrics it recorded flushed (as CloudWatch EMF lines) when it ends."""
    logger.remove_keys(["tracking_id"])
    try:
        return get_response(event)
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()


def http_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Per request: the SPEC error shape for Chalice's own errors, and security headers."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(response.status_code, "error")
        response.body = {"error": {"code": code, "message": str(body.get("Message", ""))}}
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
