"""Filing a report (SPEC §3, §7 ``POST /complaints``).

With an ``Idempotency-Key`` the filing runs under Powertools idempotency on DynamoDB: the same key
and body return the first answer and create nothing; the same key with another body is 409; a
duplicate that arrives while the first is still running is 409 ``request_in_progress`` (retry).
The answer kept for replays holds the reporter token only sealed with the client's key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.adapters import clock
from chalicelib.config import get_settings
from chalicelib.domain import identifiers
from chalicelib.domain.agencies import region_queue
from chalicelib.domain.complaint import Complaint, status_label, submitted_event
from chalicelib.domain.deadlines import verification_deadline
from chalicelib.domain.language import DEFAULT as DEFAULT_LANGUAGE
from chalicelib.domain.reference import WIT
from chalicelib.domain.submission import Submission, parse_submission
from chalicelib.errors import (
    IdempotencyConflict,
    Problem,
    RequestInProgress,
    ValidationFailed,
    unavailable,
)
from chalicelib.observability import count, logger
from chalicelib.services import attachments, limits, reporter_email, reporter_tokens, store

MAX_IDEMPOTENCY_KEY = 128
# Long enough not to be guessed (the replayed answer carries the reporter token, sealed with the
# key) and plain enough to log-safe compare: SPEC §11.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:\-]{16,128}")
IDEMPOTENCY_KEY_RULE = Problem("idempotency_key", "16–128 characters: letters, digits, '.', '_', ':' or '-'")
# The answer of the filing running in this request, for when its idempotency record cannot be updated.
_filed: ContextVar[dict[str, Any] | None] = ContextVar("filed", default=None)


def validate(data: Any, now: datetime, lang: str = DEFAULT_LANGUAGE) -> Submission:
    # "Not in the future": today in the report's province; without one, in the easternmost zone.
    submission = parse_submission(data, today=now.astimezone(ZoneInfo(WIT)).date(), now=now)
    attachments.check_uploads([(a.upload_id, a.upload_token) for a in submission.attachments])
    if submission.lang is None:
        submission = submission.model_copy(update={"lang": lang})
    return submission


def _reporter_counters(submission: Submission, now: datetime):
    """The per-reporter limit (SPEC §11): a day counter for each e-mail and phone given, moved in
    the filing's own transaction."""
    subjects = [value for value in (submission.reporter.email, submission.reporter.phone) if value]

    def add(tx: Any) -> list[Callable[[], Exception]]:
        return [lambda: limits.refusal("filing", "reporter", now) for subject in subjects
                if limits.in_transaction(tx, "filing", "reporter", subject, now)]

    return add


def _file(submission: Submission, now: datetime, source: str | None = None) -> tuple[Complaint, str]:
    limits.hit("filing", "address", source, now)
    token = identifiers.new_reporter_token()
    queue = region_queue(submission.regency_code)
    reporter = submission.reporter
    complaint = Complaint(
        tracking_id=identifiers.new_tracking_id(), kind=submission.kind, title=submission.title,
        description=submission.description, category=submission.category,
        province_code=submission.province_code, regency_code=submission.regency_code,
        reporter_token_hash=identifiers.hash_secret(token), submitted_at=now, updated_at=now,
        agency_id=queue.agency_id, agency_path=queue.path, agency_name=queue.name, assigned_at=now,
        address=submission.address, latitude=submission.latitude, longitude=submission.longitude,
        incident_date=submission.incident_date.isoformat() if submission.incident_date else None,
        media_url=submission.media_url,
        target_agency_id=submission.target_agency_id, anonymous=submission.anonymous,
        confidential=submission.confidential, reporter_name=reporter.name,
        reporter_email=reporter.email, reporter_phone=reporter.phone,
        attachments=tuple(submission.upload_ids), lang=submission.lang or DEFAULT_LANGUAGE,
        deadlines={"verification": verification_deadline(now, submission.province_code, store.limits())},
    )
    attachments.attach(submission.upload_ids)  # out of uploads/ (expired after a day) before the report names them
    sealed, notices = [], []
    if submission.token_by_email and reporter.email:  # sealed now, mailed once the address is confirmed
        sealed = [reporter_tokens.seal(complaint.tracking_id, reporter_email.address_key(reporter.email), token, now)]
        notices = [reporter_tokens.filing_notice(complaint)]
    store.create(complaint, [submitted_event(complaint)], now, check_agency=submission.target_agency_id,
                 counters=_reporter_counters(submission, now), uploads=submission.upload_ids,
                 upload_taken=attachments.taken, notices=notices, also_put=sealed)
    logger.append_keys(tracking_id=complaint.tracking_id)
    logger.info("complaint submitted", extra={"kind": complaint.kind, "category": complaint.category,
                                              "regency_code": complaint.regency_code})
    count("ComplaintSubmitted", kind=complaint.kind, category=complaint.category)
    return complaint, token


def receipt(complaint: Complaint, token: str | None) -> dict[str, Any]:
    return {
        "tracking_id": complaint.tracking_id,
        "reporter_token": token,
        "status": str(complaint.status),
        "status_label": status_label(complaint.status, complaint.lang),  # in the language it was filed in
        "submitted_at": complaint.submitted_at.isoformat(),
        "deadlines": {k: v.isoformat() for k, v in complaint.deadlines.items()},
        "agency_id": complaint.agency_id,
    }


def body_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _submit_once(request: dict[str, Any]) -> dict[str, Any]:
    submission = Submission.model_validate(request["submission"])
    complaint, token = _file(submission, datetime.fromisoformat(request["now"]), request.get("source"))
    answer = receipt(complaint, None)
    answer["reporter_token_sealed"] = identifiers.seal(token, request["idempotency_key"])
    _filed.set(dict(answer))
    return answer


@lru_cache(maxsize=1)
def _idempotent_submit() -> tuple[Any, Any]:
    """Built on the first filing with an Idempotency-Key: Powertools' idempotency imports boto3
    (~0.15 s on a cold start), which a filing without a key never pays."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from chalicelib.adapters.idempotency import RetryingPersistence

    settings = get_settings()
    config = IdempotencyConfig(
        event_key_jmespath="idempotency_key",
        payload_validation_jmespath="body_hash",
        expires_after_seconds=settings.idempotency_ttl_seconds,
        raise_on_no_idempotency_key=True,
    )
    persistence = RetryingPersistence(table_name=settings.table("idempotency"))
    wrapped = idempotent_function(data_keyword_argument="request", persistence_store=persistence,
                                  config=config)(_submit_once)
    return wrapped, config


def check_idempotency_key(key: str | None) -> None:
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationFailed("the Idempotency-Key is not valid", fields={"Idempotency-Key": IDEMPOTENCY_KEY_RULE})


def submit(data: Any, idempotency_key: str | None = None, lambda_context: Any = None,
           lang: str = DEFAULT_LANGUAGE, source: str | None = None) -> dict[str, Any]:
    """File ``data``; ``lang`` is the reporter's language when the body does not say (``lang``);
    ``source`` the address API Gateway saw (the per-address limits, SPEC §11)."""
    check_idempotency_key(idempotency_key)
    now = clock.now()
    submission = validate(data, now, lang)
    if not idempotency_key:
        complaint, token = _file(submission, now, source)
        return receipt(complaint, token)
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyInconsistentStateError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    wrapped, config = _idempotent_submit()
    # This request's context, or none: never an earlier request's, whose remaining time has run out
    # (an IN_PROGRESS record would then count as expired at once, and a concurrent copy file again).
    config.register_lambda_context(lambda_context)
    request = {
        "idempotency_key": idempotency_key,
        "body_hash": body_hash(data),
        "submission": submission.model_dump(mode="json"),
        "now": now.isoformat(),
        "source": source,
    }
    _filed.set(None)
    try:
        answer = dict(wrapped(request=request))
    except IdempotencyValidationError:
        raise IdempotencyConflict("this Idempotency-Key was already used with a different body") from None
    except IdempotencyAlreadyInProgressError:
        raise RequestInProgress("a request with this Idempotency-Key is still being processed; retry shortly",
                                headers={"Retry-After": "1"}) from None
    except (IdempotencyPersistenceLayerError, IdempotencyInconsistentStateError):
        answer = _filed.get()
        if answer is None:  # nothing was filed: the client may simply retry
            raise unavailable() from None
        # Filed, but its idempotency record could not be completed: the receipt still goes to the client.
        logger.warning("idempotency record not completed; answering with the receipt")
    answer["reporter_token"] = identifiers.unseal(answer.pop("reporter_token_sealed"), idempotency_key)
    return answer
