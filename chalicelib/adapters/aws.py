"""boto3 clients, each built on first use (never at import time) and then reused."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import get_settings


@cache
def client(service: str) -> Any:
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10)
    return boto3.client(service, region_name=get_settings().region, config=config)
