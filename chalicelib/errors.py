"""Domain errors, and the one place they become HTTP answers (SPEC §7 error shape)."""

from __future__ import annotations

from typing import Any


class Problem(str):
    """A message with a stable code: the English sentence the JSON API says, plus ``code`` and the
    ``values`` in it, so the pages and their scripts say it in Bahasa Indonesia or English by code
    (the catalogs' ``problem_<code>``), never by matching the sentence. It is a ``str``: code that
    only wants the message keeps working, and JSON carries the sentence as before."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, message: str, **values: Any) -> Problem:
        problem = super().__new__(cls, message)
        problem.code, problem.values = code, values
        return problem

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, Any]]:  # copy and pickle keep the code
        return (self.code, str(self)), dict(self.values)

    def describe(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}


def problem_codes(fields: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The codes of the field messages that have one (``field_codes`` in the error body)."""
    return {name: message.describe() for name, message in fields.items() if isinstance(message, Problem)}


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if isinstance(self.message, Problem):
            error["message_code"] = self.message.describe()
        if self.fields:
            error["fields"] = {name: str(message) for name, message in self.fields.items()}
            codes = problem_codes(self.fields)
            if codes:
                error["field_codes"] = codes
        return {"error": error}


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class MalformedBody(DomainError):
    status, code = 400, "malformed_body"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class CsrfFailed(Forbidden):
    """A state-changing request signed in by cookie without the session's CSRF token (SPEC §10)."""

    code = "csrf_failed"


class WrongCode(Unauthorized):
    """A TOTP code that is not the current one: the same sign-in step may be answered again."""

    code = "wrong_code"


class NotFound(DomainError):
    status, code = 404, "not_found"


class NotInARegency(NotFound):
    code = "not_in_a_regency"


class Conflict(DomainError):
    status, code = 409, "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class StaleVersion(Conflict):
    code = "concurrent_change"


class IdempotencyConflict(Conflict):
    code = "idempotency_key_reused"


class RequestInProgress(Conflict):
    code = "request_in_progress"


class PayloadTooLarge(DomainError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(DomainError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(DomainError):
    status, code = 422, "validation_error"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"


class RateLimited(TooManyRequests):
    """Over an abuse limit (SPEC §11): ``Retry-After`` says when the window opens again."""

    code = "rate_limited"


class ServiceUnavailable(DomainError):
    """A dependency is throttling or failing for now: safe to retry the same request. 429 (SPEC §7
    lists no 5xx): the client did nothing wrong, but nothing was done either; retry after a moment."""

    status, code = 429, "temporarily_unavailable"


# DynamoDB (and other AWS) error codes that mean "busy or failing for now: the same call may succeed".
TRANSIENT_CODES = frozenset({
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "InternalServerError", "InternalFailure", "ServiceUnavailable", "TransactionInProgressException",
    "Throttling", "SlowDown", "RequestTimeout",
})


def transient_code(error: BaseException) -> str | None:
    """The AWS error code behind ``error`` when it is transient, else None. Understands botocore's
    ``ClientError`` (``response``) and PynamoDB's wrappers (``cause_response_code``)."""
    code = getattr(error, "cause_response_code", None)
    if code is None:
        response = getattr(error, "response", None)
        code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code if code in TRANSIENT_CODES else None


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("the service is busy; please retry", headers={"Retry-After": "1"})


def as_domain_error(error: BaseException) -> DomainError | None:
    """What an exception means to whoever asked, on every surface (the JSON API, the web pages,
    Open311): a domain error as it is; a transient AWS error (throttling, a passing failure) the
    retryable ``ServiceUnavailable`` (429 with Retry-After); anything else None: a bug, a 500."""
    if isinstance(error, DomainError):
        return error
    if transient_code(error):
        return unavailable()
    return None
