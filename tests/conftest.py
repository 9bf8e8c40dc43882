"""Test set-up shared by every suite.

Before anything imports the application: fake AWS credentials, a table prefix of our own, the dev
routes on, a test clock and outbox in a temporary folder. Integration tests talk to a real moto
server (``ThreadedMotoServer``), never the in-process mock, so concurrency is real.

Every DynamoDB call made by any botocore client is counted through an event hook
(``dynamodb_calls`` fixture), so tests can state how many round trips an operation costs.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import botocore.session

_STATE = Path(tempfile.mkdtemp(prefix="lapor-tests-"))
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "TABLE_PREFIX": "lapor-test-",
    "STAGE": "test",
    "DEV_ROUTES": "true",
    "DEV_CLOCK_FILE": str(_STATE / "clock.json"),
    "DEV_OUTBOX_FILE": str(_STATE / "outbox.jsonl"),
    "POWERTOOLS_METRICS_NAMESPACE": "SP4NLaporTest",
    "POWERTOOLS_DEV": "false",
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",  # moto checks the staff's TOTP codes
    # Every test files from one address and mostly one reporter: the abuse limits (SPEC §11) are
    # out of the way unless a test lowers them (tests/integration/test_limits.py).
    **{name: "100000" for name in ("FILINGS_PER_HOUR_PER_ADDRESS", "FILINGS_PER_DAY_PER_ADDRESS",
                                   "FILINGS_PER_DAY_PER_REPORTER", "UPLOADS_PER_HOUR_PER_ADDRESS",
                                   "REPLIES_PER_HOUR_PER_ADDRESS", "OPEN311_POSTS_PER_HOUR_PER_KEY",
                                   "SIGN_INS_PER_HOUR_PER_ADDRESS")},
})
for _var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE", "USER_POOL_ID", "USER_POOL_CLIENT_ID"):
    os.environ.pop(_var, None)

# The pages read compiled catalogs (.mo, build output): compile the stale ones, as `make` does.
from devtools.catalogs import compile_catalogs  # noqa: E402

compile_catalogs()

CALLS: Counter[str] = Counter()
_original_create_client = botocore.session.Session.create_client


def _count_call(model, **_kwargs):
    CALLS[model.name] += 1


def _create_client(self, service_name, *args, **kwargs):
    client = _original_create_client(self, service_name, *args, **kwargs)
    if service_name == "dynamodb":
        client.meta.events.register("before-call.dynamodb", _count_call)
    return client


botocore.session.Session.create_client = _create_client

STATE_DIR = _STATE

pytest_plugins = ["tests.fixtures", "tests.staff", "tests.stack", "tests.accounts"]
