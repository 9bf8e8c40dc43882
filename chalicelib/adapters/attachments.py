"""Attachments in S3: presigned uploads (the browser sends the file straight to S3), what was
stored under an upload id, and short-lived download links.

The client is built on first use, never at import time. Objects live at ``uploads/<upload id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import get_settings
from chalicelib.errors import ServiceUnavailable

PREFIX = "uploads/"
_MISSING = {"404", "NoSuchKey", "NotFound", "403", "AccessDenied"}


@dataclass(frozen=True)
class Stored:
    size: int
    content_type: str


@lru_cache(maxsize=1)
def _s3() -> Any:
    config = Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=3, read_timeout=10)
    return boto3.client("s3", region_name=get_settings().region, config=config)


def _bucket() -> str:
    return get_settings().attachments_bucket


def key_of(upload_id: str) -> str:
    return f"{PREFIX}{upload_id}"


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
    _s3().put_bucket_cors(Bucket=_bucket(), CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["POST", "GET"], "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3600,
    }]})


def presigned_upload(upload_id: str, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
    """A presigned POST that S3 accepts only with this content type and at most ``max_bytes``."""
    fields = {"Content-Type": content_type, "success_action_status": "201"}
    conditions: list[Any] = [
        {"Content-Type": content_type},
        {"success_action_status": "201"},
        ["content-length-range", 1, max_bytes],
    ]
    post = _s3().generate_presigned_post(Bucket=_bucket(), Key=key_of(upload_id), Fields=fields,
                                         Conditions=conditions, ExpiresIn=expires_in)
    return {"url": post["url"], "fields": post["fields"]}


def stored(upload_id: str) -> Stored | None:
    """What was uploaded under this id, or None if nothing was."""
    try:
        head = _s3().head_object(Bucket=_bucket(), Key=key_of(upload_id))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise ServiceUnavailable("attachments are unavailable for now; please retry",
                                 headers={"Retry-After": "1"}) from error
    except BotoCoreError as error:
        raise ServiceUnavailable("attachments are unavailable for now; please retry",
                                 headers={"Retry-After": "1"}) from error
    return Stored(size=int(head.get("ContentLength", 0)), content_type=str(head.get("ContentType", "")))


def download_url(upload_id: str, expires_in: int) -> str:
    """Signed locally: no call to S3."""
    return _s3().generate_presigned_url("get_object", Params={"Bucket": _bucket(), "Key": key_of(upload_id)},
                                        ExpiresIn=expires_in)


@lru_cache(maxsize=1)
def upload_origin() -> str:
    """Where browsers send uploads (for the pages' Content-Security-Policy connect-src)."""
    url = _s3().generate_presigned_post(Bucket=_bucket(), Key=key_of("origin"), ExpiresIn=60)["url"]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
