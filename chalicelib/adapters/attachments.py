"""Attachments in S3: presigned uploads (the browser sends the file straight to S3), what was
stored under an upload id, and short-lived download links.

The client is built on first use, never at import time. A browser uploads to ``uploads/<upload
id>`` (with the SHA-256 of its upload token as metadata); the bucket's lifecycle rule deletes
everything there after a day. Filing copies the upload to ``attachments/<upload id>``, which stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters import aws
from chalicelib.config import get_settings
from chalicelib.errors import ServiceUnavailable

PREFIX = "uploads/"
ATTACHED = "attachments/"
TOKEN_META = "token-sha256"
SNIFF_BYTES = 262  # enough for every signature ``filetype`` knows
UNATTACHED_DAYS = 1
_MISSING = {"404", "NoSuchKey", "NotFound", "403", "AccessDenied"}


@dataclass(frozen=True)
class Stored:
    size: int
    content_type: str
    token_sha256: str = ""
    head: bytes = b""


def _s3() -> Any:
    return aws.client("s3")


def _bucket() -> str:
    return get_settings().attachments_bucket


def key_of(upload_id: str) -> str:
    return f"{PREFIX}{upload_id}"


def attached_key(upload_id: str) -> str:
    return f"{ATTACHED}{upload_id}"


LIFECYCLE = {"Rules": [
    {"ID": "abort-incomplete-uploads", "Status": "Enabled", "Filter": {"Prefix": ""},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
    {"ID": "expire-unattached-uploads", "Status": "Enabled", "Filter": {"Prefix": PREFIX},
     "Expiration": {"Days": UNATTACHED_DAYS}, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
]}


def create_bucket() -> None:
    """The local stack and the tests: the bucket in moto, open to uploads from the web pages."""
    region = get_settings().region
    options: dict[str, Any] = {}
    if region != "us-east-1":
        options["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        _s3().create_bucket(Bucket=_bucket(), **options)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise
    _s3().put_bucket_lifecycle_configuration(Bucket=_bucket(), LifecycleConfiguration=LIFECYCLE)
    _s3().put_bucket_cors(Bucket=_bucket(), CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["POST", "GET"], "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3600,
    }]})


def presigned_upload(upload_id: str, content_type: str, max_bytes: int, expires_in: int,
                     token_sha256: str) -> dict[str, Any]:
    """A presigned POST that S3 accepts only with this content type, at most ``max_bytes`` and the
    upload token's hash as metadata (checked when a report names the upload)."""
    meta = f"x-amz-meta-{TOKEN_META}"
    fields = {"Content-Type": content_type, "success_action_status": "201", meta: token_sha256}
    conditions: list[Any] = [
        {"Content-Type": content_type},
        {"success_action_status": "201"},
        {meta: token_sha256},
        ["content-length-range", 1, max_bytes],
    ]
    post = _s3().generate_presigned_post(Bucket=_bucket(), Key=key_of(upload_id), Fields=fields,
                                         Conditions=conditions, ExpiresIn=expires_in)
    return {"url": post["url"], "fields": post["fields"]}


def _unavailable(error: Exception) -> ServiceUnavailable:
    return ServiceUnavailable("attachments are unavailable for now; please retry", headers={"Retry-After": "1"})


def stored(upload_id: str) -> Stored | None:
    """What was uploaded under this id (its first bytes, to sniff, by one ranged GET), or None."""
    try:
        found = _s3().get_object(Bucket=_bucket(), Key=key_of(upload_id), Range=f"bytes=0-{SNIFF_BYTES - 1}")
        head = found["Body"].read(SNIFF_BYTES)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise _unavailable(error) from error
    except BotoCoreError as error:
        raise _unavailable(error) from error
    total = str(found.get("ContentRange", "")).rpartition("/")[2]
    size = int(total) if total.isdigit() else int(found.get("ContentLength", 0))
    return Stored(size=size, content_type=str(found.get("ContentType", "")),
                  token_sha256=str((found.get("Metadata") or {}).get(TOKEN_META, "")), head=head)


def attach(upload_id: str) -> None:
    """Keep an upload for good: copied out of ``uploads/``, where the lifecycle rule expires it."""
    try:
        _s3().copy_object(Bucket=_bucket(), Key=attached_key(upload_id),
                          CopySource={"Bucket": _bucket(), "Key": key_of(upload_id)}, MetadataDirective="COPY")
    except (ClientError, BotoCoreError) as error:
        raise _unavailable(error) from error


def download_url(upload_id: str, expires_in: int) -> str:
    """Signed locally: no call to S3. Always a download (``Content-Disposition: attachment``), never
    shown inline by the browser on S3's origin."""
    return _s3().generate_presigned_url("get_object", Params={
        "Bucket": _bucket(), "Key": attached_key(upload_id),
        "ResponseContentDisposition": f'attachment; filename="{upload_id}"'}, ExpiresIn=expires_in)


@lru_cache(maxsize=1)
def upload_origin() -> str:
    """Where browsers send uploads (for the pages' Content-Security-Policy connect-src)."""
    url = _s3().generate_presigned_post(Bucket=_bucket(), Key=key_of("origin"), ExpiresIn=60)["url"]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
