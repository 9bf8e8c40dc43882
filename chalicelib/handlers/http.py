"""Request parsing and responses shared by the HTTP blueprints.

Bodies are checked before they are parsed: size (413), media type (415), then JSON (400). Form
posts (``application/x-www-form-urlencoded``) are accepted where a plain HTML form posts.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from chalice import Response
from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.domain import characters
from chalicelib.errors import MalformedBody, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
ANY = ["*/*"]  # let every media type through to our own check, which answers in the SPEC shape
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def raw_body(request: Request) -> bytes:
    body = request.raw_body or b""
    if len(body) > get_settings().max_body_bytes:
        raise PayloadTooLarge(f"the body is larger than {get_settings().max_body_bytes // 1024} KB")
    return body


def parse_body(request: Request, *, allow_form: bool = False) -> tuple[Any, bool]:
    """The body as Python data, and whether it came from a form."""
    body = raw_body(request)
    kind = media_type(request)
    if kind == FORM and allow_form:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedBody("the form is not valid UTF-8") from None
        return parse_qs(text, keep_blank_values=True), True
    if kind not in {JSON, ""} and not kind.endswith("+json"):
        accepted = f"{JSON} or {FORM}" if allow_form else JSON
        raise UnsupportedMediaType(f"send {accepted}, not {kind}")
    if not body.strip():
        raise MalformedBody("the body is empty: send a JSON object")
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedBody(f"the body is not valid JSON: {error}") from None
    except RecursionError:  # thousands of nested brackets: refused before anything looks at them
        raise MalformedBody("the body nests too deeply") from None
    if characters.depth(data) > characters.MAX_DEPTH:
        raise MalformedBody(f"the body nests more than {characters.MAX_DEPTH} levels deep")
    characters.check(data)
    return data, False


def json_object(request: Request) -> dict[str, Any]:
    data, _ = parse_body(request)
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", fields={"body": "must be an object"})
    return data


def source_ip(request: Request) -> str | None:
    """The address API Gateway saw (its request context), never a client's X-Forwarded-For: a
    header anyone can write (SPEC §11)."""
    identity = (request.context or {}).get("identity") or {}
    address = identity.get("sourceIp")
    return address if isinstance(address, str) and address else None


def wants_json(request: Request) -> bool:
    accept = (request.headers.get("accept") or "").lower()
    return JSON in accept or "text/html" not in accept


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number", fields={name: "must be a whole number"}) from None
    if not low <= value <= high:
        raise ValidationFailed(f"{name} out of range", fields={name: f"must be {low}–{high}"})
    return value


def respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def html(page: str, status: int = 200) -> Response:
    return Response(body=page, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                   "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    })
