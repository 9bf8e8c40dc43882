"""One settings object, read from the environment once.

Code never calls ``os.environ`` itself: it asks ``get_settings()``. Every value has a default that
suits the local stack; a deployed stage sets its own in ``.chalice/config.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

TABLES = (
    "complaints",
    "events",
    "agencies",
    "routing_rules",
    "api_keys",
    "stats",
    "participation",
    "notifications",
    "idempotency",
)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    # Time limits (SPEC §5): working days unless said.
    verification_days: int
    first_response_days: int
    reporter_window_days: int
    resolution_calendar_days: int
    escalation_step_days: int
    max_reopens: int
    # Requests.
    max_body_bytes: int
    idempotency_ttl_seconds: int
    attachments_bucket: str
    # Observability.
    service_name: str
    metrics_namespace: str
    tracing: bool
    # Event sources and the outside world.
    complaints_stream_arn: str
    notifications_stream_arn: str
    sender_email: str
    # Where people open the pages: every link in a message starts here (SPEC §13).
    public_base_url: str
    notifications_dlq: str
    notification_max_attempts: int
    sweep_schedule: str
    sweep_page_size: int
    sweep_max_reports: int
    # Local stack and tests only: never set on a deployed stage.
    dev_routes: bool
    dev_clock_file: str
    dev_outbox_file: str

    def table(self, name: str) -> str:
        if name not in TABLES:
            raise KeyError(name)
        return f"{self.table_prefix}{name}"


def load_settings(env: dict[str, str] | os._Environ = os.environ) -> Settings:
    get = env.get
    return Settings(
        stage=get("STAGE", "local"),
        region=get("AWS_DEFAULT_REGION") or get("AWS_REGION") or "ap-southeast-3",
        table_prefix=get("TABLE_PREFIX", "sp4n-lapor-local-"),
        verification_days=int(get("VERIFICATION_DAYS", "3")),
        first_response_days=int(get("FIRST_RESPONSE_DAYS", "5")),
        reporter_window_days=int(get("REPORTER_WINDOW_DAYS", "10")),
        resolution_calendar_days=int(get("RESOLUTION_CALENDAR_DAYS", "60")),
        escalation_step_days=int(get("ESCALATION_STEP_DAYS", "2")),
        max_reopens=int(get("MAX_REOPENS", "2")),
        max_body_bytes=int(get("MAX_BODY_BYTES", str(64 * 1024))),
        idempotency_ttl_seconds=int(get("IDEMPOTENCY_TTL_SECONDS", "3600")),
        attachments_bucket=get("ATTACHMENTS_BUCKET", "sp4n-lapor-local-attachments"),
        service_name=get("POWERTOOLS_SERVICE_NAME", "sp4n-lapor"),
        metrics_namespace=get("POWERTOOLS_METRICS_NAMESPACE", "SP4NLapor"),
        tracing=_flag(get("TRACING_ENABLED")),
        complaints_stream_arn=get("COMPLAINTS_STREAM_ARN",
                                  "arn:aws:dynamodb:ap-southeast-3:000000000000:table/complaints/stream/local"),
        notifications_stream_arn=get("NOTIFICATIONS_STREAM_ARN",
                                     "arn:aws:dynamodb:ap-southeast-3:000000000000:table/notifications/stream/local"),
        sender_email=get("SENDER_EMAIL", "no-reply@lapor.example.go.id"),
        public_base_url=(get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        notifications_dlq=get("NOTIFICATIONS_DLQ", "sp4n-lapor-local-notifications-dlq"),
        notification_max_attempts=int(get("NOTIFICATION_MAX_ATTEMPTS", "5")),
        sweep_schedule=get("SWEEP_SCHEDULE", "rate(15 minutes)"),
        sweep_page_size=int(get("SWEEP_PAGE_SIZE", "100")),
        sweep_max_reports=int(get("SWEEP_MAX_REPORTS", "1000")),
        dev_routes=_flag(get("DEV_ROUTES")),
        dev_clock_file=get("DEV_CLOCK_FILE", ""),
        dev_outbox_file=get("DEV_OUTBOX_FILE", ""),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
