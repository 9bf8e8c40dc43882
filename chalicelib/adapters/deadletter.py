"""The notifications dead-letter queue (SQS): deliveries that kept failing, for an operator."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.config import get_settings


@lru_cache(maxsize=1)
def queue_url() -> str:
    return client("sqs").get_queue_url(QueueName=get_settings().notifications_dlq)["QueueUrl"]


def send(message: dict[str, Any]) -> None:
    client("sqs").send_message(QueueUrl=queue_url(), MessageBody=json.dumps(message, sort_keys=True))


def create_queue() -> None:
    """Local stack and tests (CloudFormation creates it when deployed)."""
    client("sqs").create_queue(QueueName=get_settings().notifications_dlq)
