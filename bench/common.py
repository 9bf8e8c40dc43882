"""What the benchmark's processes share: the environment, AWS call recording, the moto set-up.

Import this first: it sets the environment before anything reads the settings.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(tempfile.mkdtemp(prefix="lapor-bench-"))

ENV = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "ap-southeast-3", "TABLE_PREFIX": "lapor-bench-", "STAGE": "bench",
    "POWERTOOLS_METRICS_NAMESPACE": "SP4NLaporBench", "POWERTOOLS_DEV": "false",
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
    # One address files everything here: the abuse limits (SPEC §11) would stop the measurements.
    **{name: "1000000" for name in ("FILINGS_PER_HOUR_PER_ADDRESS", "FILINGS_PER_DAY_PER_ADDRESS",
                                    "FILINGS_PER_DAY_PER_REPORTER", "UPLOADS_PER_HOUR_PER_ADDRESS",
                                    "REPLIES_PER_HOUR_PER_ADDRESS", "OPEN311_POSTS_PER_HOUR_PER_KEY",
                                    "SIGN_INS_PER_HOUR_PER_ADDRESS")},
}
for _var in ("DEV_ROUTES", "DEV_CLOCK_FILE", "DEV_OUTBOX_FILE", "AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB"):
    os.environ.pop(_var, None)
os.environ.update(ENV)


class Recorder:
    """Every AWS API call any botocore client makes: (service, operation, table) counts."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str, str]] = Counter()
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        recorder = self

        def record(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            if service == "dynamodb":
                if operation.startswith("Transact"):
                    tables = sorted({op["TableName"] for item in params["TransactItems"] for op in item.values()})
                    table = "+".join(t.removeprefix(ENV["TABLE_PREFIX"]) for t in tables)
                else:
                    table = str(params.get("TableName", "")).removeprefix(ENV["TABLE_PREFIX"])
                recorder.calls[(service, operation, table)] += 1
            return original(client, operation, params)

        botocore.client.BaseClient._make_api_call = record

    def reset(self) -> None:
        self.calls.clear()

    def snapshot(self) -> dict[str, Any]:
        """Round trips to DynamoDB, split into the credential check (an API key's GetItem or a
        session's UpdateItem) and the rest of the request's own."""
        authorizer = (self.calls[("dynamodb", "GetItem", "api_keys")]
                      + self.calls[("dynamodb", "UpdateItem", "sessions")])
        total = sum(self.calls.values())
        ops: Counter[str] = Counter()
        for (_, operation, _table), n in self.calls.items():
            ops[operation] += n
        return {"total": total, "authorizer": authorizer, "function": total - authorizer,
                "scans": ops["Scan"], "by_operation": dict(ops),
                "detail": {f"{op} {table}": n for (_, op, table), n in sorted(self.calls.items())}}


_KEEP: list[Any] = []


def start_moto() -> Any:
    """moto's server in this process (its backend shared, for fast bulk set-up), with the same
    atomic writes and cheap transaction backups as the tests."""
    import logging

    from moto.server import ThreadedMotoServer

    from devtools.moto_patches import make_dynamodb_writes_atomic
    from tests.moto_speedups import cheap_transaction_backups, partition_queries

    make_dynamodb_writes_atomic()
    _KEEP.append(cheap_transaction_backups())  # keep it referenced: collected, it would undo itself
    _KEEP[-1].__enter__()
    _KEEP.append(partition_queries())  # a Query reads its partition, as in DynamoDB (not the whole table)
    _KEEP[-1].__enter__()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    return server


def create_everything() -> None:
    from chalicelib.adapters import deadletter, email
    from chalicelib.adapters.attachments import create_bucket
    from chalicelib.models.tables import create_all
    from chalicelib.services import seed
    from devtools.bootstrap import create_user_pool

    create_user_pool()
    create_all()
    create_bucket()
    email.verify_sender()
    deadletter.create_queue()
    seed.seed("2026-01-01T00:00:00+07:00")


def report(**overrides: Any) -> dict[str, Any]:
    body = {"kind": "complaint", "title": "Jalan berlubang di Jl. Perintis",
            "description": "Jalan berlubang besar di depan kampus sejak dua bulan lalu, membahayakan pengendara.",
            "category": "infrastructure", "province_code": "73", "regency_code": "73.71",
            "reporter": {"name": "Siti Rahma", "email": "siti@example.com"}}
    body.update(overrides)
    return body
