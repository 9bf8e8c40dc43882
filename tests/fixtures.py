"""Fixtures: the moto server, the tables and seed data, the Chalice test client, call counting."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CALLS, STATE_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer

    from devtools.moto_patches import make_dynamodb_writes_atomic
    from tests.moto_speedups import cheap_transaction_backups

    make_dynamodb_writes_atomic()
    speedups = cheap_transaction_backups()
    speedups.__enter__()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    os.environ["AWS_ENDPOINT_URL"] = url
    yield url
    server.stop()
    speedups.__exit__(None, None, None)


@pytest.fixture(scope="session")
def seeded_world(moto_server: str) -> tuple[dict, dict]:
    """The tables created and seeded once per session, and a snapshot of them (tests/isolation.py)."""
    from chalicelib.adapters import deadletter, email, sealing
    from chalicelib.adapters.attachments import create_bucket
    from chalicelib.models.tables import create_all
    from chalicelib.services import seed
    from devtools.bootstrap import create_user_pool
    from tests import isolation

    create_user_pool()
    create_all()
    create_bucket()
    email.verify_sender()
    deadletter.create_queue()
    sealing.create_key()
    seeded = seed.seed("2026-01-01T00:00:00+07:00")
    return seeded, isolation.snapshot()


@pytest.fixture(scope="module")
def tables(seeded_world: tuple[dict, dict]) -> dict:
    """The seeded tables, fresh for each test module: nothing another module wrote is there."""
    from tests import isolation

    seeded, snapshot = seeded_world
    isolation.restore(snapshot)
    return seeded


@pytest.fixture
def clock_at():
    """Set the system's "now" (the test clock) for this test; reset afterwards."""
    from datetime import UTC, datetime

    from chalicelib.adapters import clock

    def set_to(moment: datetime) -> None:
        clock.set_offset((moment - datetime.now(UTC)).total_seconds())

    yield set_to
    clock.set_offset(0)


@pytest.fixture
def client(tables):
    from chalice.test import Client

    from app import app

    with Client(app, project_dir=str(ROOT), stage_name="local") as test_client:
        yield test_client


class Calls:
    """DynamoDB calls made since ``reset()``, by operation name."""

    def reset(self) -> None:
        CALLS.clear()

    @property
    def counts(self) -> Counter[str]:
        return Counter(CALLS)

    @property
    def total(self) -> int:
        return sum(CALLS.values())


@pytest.fixture
def dynamodb_calls() -> Calls:
    calls = Calls()
    calls.reset()
    return calls


def body(response) -> dict:
    return json.loads(response.body)


@pytest.fixture
def outbox_path() -> Path:
    return STATE_DIR / "outbox.jsonl"
