"""Attachments (SPEC §3, §7 ``POST /attachments``): photos or PDFs, 10 MB each, up to 5 a report.

1. ``request_upload``: the browser says what it will send; it gets an upload id and a presigned
   S3 POST that accepts only that content type and at most 10 MB.
2. The browser uploads straight to S3; the report lists the upload ids (``attachments``).
3. ``check_uploads`` (on filing): every id must come with its ``upload_token`` and name a stored
   JPEG, PNG or PDF within the limit, by its bytes, not its name (SPEC §11). The filing claims each
   upload for its report in the same transaction (one report per upload) and copies it out of
   ``uploads/``, where unattached uploads expire after a day.
4. ``with_links``: the reporter and staff get short-lived download links; the public only for a
   report that is not confidential.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from typing import Any

from chalicelib.adapters import attachments as s3
from chalicelib.adapters import clock
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.identifiers import UPLOAD_ID
from chalicelib.domain.names import Audience
from chalicelib.domain.uploads import CONTENT_TYPES, MAX_BYTES, SIZE_MESSAGE, TYPE_MESSAGE
from chalicelib.errors import Problem, ValidationFailed
from chalicelib.observability import logger
from chalicelib.services import limits

UPLOAD_SECONDS = 15 * 60  # how long the presigned upload stays valid
LINK_SECONDS = 10 * 60  # how long a download link stays valid
_ALPHANUMERIC = string.ascii_letters + string.digits

UNKNOWN_MESSAGE = Problem("unknown_upload", "unknown upload id: upload with POST /attachments first")
CONTENT_MESSAGE = Problem("file_content", "the file's content is not a JPEG, PNG or PDF as its type says")
TAKEN_MESSAGE = Problem("upload_taken", "this upload is already attached to another report")
SNIFFED = {"image/jpeg": "image/jpeg", "image/png": "image/png", "application/pdf": "application/pdf"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_upload_id() -> str:
    return "upl_" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(24))


def request_upload(data: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    from chalicelib.domain import bodies  # pydantic: loaded with the first upload, not on the cold start

    content_type = bodies.upload_request(data).content_type
    limits.hit("upload", "address", source, clock.now())
    upload_id = new_upload_id()
    token = secrets.token_urlsafe(24)  # whoever files with this upload must hold it (SPEC §11)
    upload = s3.presigned_upload(upload_id, content_type, MAX_BYTES, UPLOAD_SECONDS, token_hash(token))
    logger.info("upload requested", extra={"content_type": content_type, "size": data["size"]})
    return {
        "upload_id": upload_id,
        "upload_token": token,
        "upload": upload,
        "content_type": content_type,
        "max_bytes": MAX_BYTES,
        "expires_in": UPLOAD_SECONDS,
    }


def _sniffed(head: bytes) -> str | None:
    import filetype  # pure Python, signatures only: loaded when a report has attachments

    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def check_uploads(uploads: list[tuple[str, str]]) -> None:
    """Every (upload id, upload token) names a file uploaded with that token, within the limits,
    whose first bytes are the JPEG, PNG or PDF its type says (422 on ``attachments`` otherwise)."""
    for upload_id, token in uploads:
        found = s3.stored(upload_id) if UPLOAD_ID.match(upload_id) else None
        if found is None or not found.token_sha256 or not hmac.compare_digest(found.token_sha256, token_hash(token)):
            raise ValidationFailed("an attachment was not found", fields={"attachments": UNKNOWN_MESSAGE})
        declared = found.content_type.split(";")[0].strip().lower()
        if declared not in CONTENT_TYPES:
            raise ValidationFailed("an attachment has the wrong type", fields={"attachments": TYPE_MESSAGE})
        if found.size > MAX_BYTES:
            raise ValidationFailed("an attachment is too large", fields={"attachments": SIZE_MESSAGE})
        if _sniffed(found.head) != SNIFFED[declared]:
            raise ValidationFailed("an attachment is not what it says", fields={"attachments": CONTENT_MESSAGE})


def attach(upload_ids: Iterable[str]) -> None:
    for upload_id in upload_ids:
        s3.attach(upload_id)


def taken() -> ValidationFailed:
    return ValidationFailed("an attachment belongs to another report", fields={"attachments": TAKEN_MESSAGE})


def links(upload_ids: Iterable[str], *, confidential: bool, audience: str) -> list[dict[str, Any]]:
    """Download links for ``audience`` (public | reporter | staff); none for the public when the
    report is confidential. Signed locally: no call to S3."""
    if audience == Audience.PUBLIC and confidential:
        return []
    return [{"upload_id": upload_id, "url": s3.download_url(upload_id, LINK_SECONDS), "expires_in": LINK_SECONDS}
            for upload_id in upload_ids]


def with_links(view: dict[str, Any], complaint: Complaint, audience: str) -> dict[str, Any]:
    view["attachment_links"] = links(complaint.attachments, confidential=complaint.confidential, audience=audience)
    return view
