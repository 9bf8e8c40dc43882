"""The reliability suite: sizes, and the faults it injects.

``make test`` runs these tests small; ``make reliability`` (``RELIABILITY=full``) runs them at the
sizes issue 7 asks for: 100 submissions under one Idempotency-Key, 100 reports through 20% DynamoDB
faults, at least 1,000 fuzzed requests.

Faults are seeded (``RELIABILITY_SEED``), so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError

FULL = os.environ.get("RELIABILITY", "").lower() == "full"
SEED = int(os.environ.get("RELIABILITY_SEED", "20260317"))


@dataclass(frozen=True)
class Sizes:
    idempotent_submissions: int  # all with one Idempotency-Key
    at_once: int  # how many of them race each other
    faulty_reports: int  # reports filed, forwarded and notified through injected faults
    fuzz_examples: int  # generated requests per API operation and generation mode


SIZES = Sizes(100, 20, 100, int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "25"))) if FULL \
    else Sizes(20, 10, 8, 3)


@pytest.fixture(scope="session")
def sizes() -> Sizes:
    return SIZES


class DynamoDBFaults:
    """Fails a share of DynamoDB calls as DynamoDB does when it throttles or has a bad moment.

    The error is raised before the request leaves (like ``FailFirstTransaction`` in
    ``tests/integration/test_forwarding.py``, from the client's ``before-call`` stage), so botocore's
    own retries never see it: the application meets every injected fault itself. Nothing was written
    by a failed call. Every DynamoDB client in the process is affected, the ones that exist already
    (PynamoDB's, the idempotency store's) included.
    """

    CODES = (("ThrottlingException", 400), ("ProvisionedThroughputExceededException", 400),
             ("InternalServerError", 500))

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.active = False
        self.calls = 0
        self.injected: Counter[str] = Counter()

    def before_call(self, service: str, operation: str) -> None:
        if not self.active or service != "dynamodb":
            return
        with self.lock:
            self.calls += 1
            if self.rng.random() >= self.rate:
                return
            code, status = self.rng.choice(self.CODES)
            self.injected[f"{operation}:{code}"] += 1
        raise ClientError({"Error": {"Code": code, "Message": "injected by the reliability suite"},
                           "ResponseMetadata": {"HTTPStatusCode": status}}, operation)

    @contextmanager
    def on(self) -> Iterator[DynamoDBFaults]:
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())


@pytest.fixture
def dynamodb_faults(monkeypatch) -> DynamoDBFaults:
    """20% of DynamoDB calls fail while ``with dynamodb_faults.on():`` is open."""
    faults = DynamoDBFaults(0.2, SEED)
    original = botocore.client.BaseClient._make_api_call

    def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        faults.before_call(client.meta.service_model.service_name, operation)
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)
    return faults


class Flaky:
    """Wraps a sending function so that a share of its calls fail (seeded)."""

    def __init__(self, send: Any, rate: float, seed: int, error: type[Exception] | Any) -> None:
        self.send, self.rate, self.rng, self.error = send, rate, random.Random(seed), error
        self.lock = threading.Lock()
        self.failed = 0
        self.sent = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            fail = self.rng.random() < self.rate
            self.failed += fail
        if fail:
            raise self.error()
        result = self.send(*args, **kwargs)
        with self.lock:
            self.sent += 1
        return result


def ses_throttled() -> ClientError:
    return ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendEmail")
