"""One settings object, read from the environment once and validated once.

Code never calls ``os.environ`` itself: it asks ``get_settings()``. Each setting is one line below:
its name, its type, the environment variable that sets it and its default. That line is the only
place the default lives (``Settings()`` is the defaults, ``domain.deadlines.Limits`` takes its own
from here); a deployed stage sets its own values in ``.chalice/config.json``. A value that does not
parse (``VERIFICATION_DAYS=three``, ``MAX_REOPENS=-1``) stops the function at its first request with
an error that names the variable, rather than running with a surprise.

To add a setting: one line ``name: type = setting("ENV_NAME", default)`` (``minimum=`` for numbers
that must be at least something).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
    "sessions",
    "users",
    "limits",
    "uploads",
    "addresses",
    "sealed_tokens",
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


_DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class SettingsError(ValueError):
    """A setting's environment variable holds a value it cannot take."""


def setting(env: str, default: Any, *, minimum: int | None = None) -> Any:
    """A settings field read from the environment variable ``env`` (or ``default`` when unset)."""
    return dataclasses.field(default=default, metadata={"env": env, "minimum": minimum})


@dataclass(frozen=True)
class Settings:
    stage: str = setting("STAGE", "local")
    region: str = setting("AWS_DEFAULT_REGION", "ap-southeast-3")  # AWS_REGION when only that is set
    table_prefix: str = setting("TABLE_PREFIX", "sp4n-lapor-local-")
    # Time limits (SPEC §5): working days unless said.
    verification_days: int = setting("VERIFICATION_DAYS", 3, minimum=1)
    first_response_days: int = setting("FIRST_RESPONSE_DAYS", 5, minimum=1)
    reporter_window_days: int = setting("REPORTER_WINDOW_DAYS", 10, minimum=1)
    resolution_calendar_days: int = setting("RESOLUTION_CALENDAR_DAYS", 60, minimum=1)
    escalation_step_days: int = setting("ESCALATION_STEP_DAYS", 2, minimum=1)
    max_reopens: int = setting("MAX_REOPENS", 2, minimum=0)
    # Requests.
    max_body_bytes: int = setting("MAX_BODY_BYTES", 64 * 1024, minimum=1024)
    idempotency_ttl_seconds: int = setting("IDEMPOTENCY_TTL_SECONDS", 3600, minimum=60)
    attachments_bucket: str = setting("ATTACHMENTS_BUCKET", "sp4n-lapor-local-attachments")
    # Observability.
    service_name: str = setting("POWERTOOLS_SERVICE_NAME", "sp4n-lapor")
    metrics_namespace: str = setting("POWERTOOLS_METRICS_NAMESPACE", "SP4NLapor")
    # Event sources and the outside world.
    complaints_stream_arn: str = setting(
        "COMPLAINTS_STREAM_ARN", "arn:aws:dynamodb:ap-southeast-3:000000000000:table/complaints/stream/local")
    notifications_stream_arn: str = setting(
        "NOTIFICATIONS_STREAM_ARN", "arn:aws:dynamodb:ap-southeast-3:000000000000:table/notifications/stream/local")
    sender_email: str = setting("SENDER_EMAIL", "no-reply@lapor.example.go.id")
    # SES reports bounces and complaints through this configuration set to the SNS topic the
    # ses_events function reads (SPEC §11: the suppression list). Empty: no configuration set.
    ses_configuration_set: str = setting("SES_CONFIGURATION_SET", "")
    ses_events_topic: str = setting("SES_EVENTS_TOPIC", "sp4n-lapor-local-ses-events")
    # The reporter token by e-mail (docs/messages.md): sealed with this KMS key (an ARN, a key id or
    # an alias) until the address is confirmed; gone after this many days if it never is.
    reporter_token_key: str = setting("REPORTER_TOKEN_KEY", "alias/sp4n-lapor-local-reporter-tokens")
    sealed_token_days: int = setting("SEALED_TOKEN_DAYS", 7, minimum=1)
    # Where people open the pages: every link in a message starts here (SPEC §13).
    public_base_url: str = setting("PUBLIC_BASE_URL", _DEFAULT_BASE_URL)
    # Staff accounts (SPEC §10): the Cognito user pool and its server-side app client; sessions.
    user_pool_id: str = setting("USER_POOL_ID", "")
    user_pool_client_id: str = setting("USER_POOL_CLIENT_ID", "")
    session_idle_minutes: int = setting("SESSION_IDLE_MINUTES", 30, minimum=1)
    session_max_hours: int = setting("SESSION_MAX_HOURS", 12, minimum=1)
    notifications_dlq: str = setting("NOTIFICATIONS_DLQ", "sp4n-lapor-local-notifications-dlq")
    notification_max_attempts: int = setting("NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)
    sweep_schedule: str = setting("SWEEP_SCHEDULE", "rate(15 minutes)")
    sweep_page_size: int = setting("SWEEP_PAGE_SIZE", 100, minimum=1)
    sweep_max_reports: int = setting("SWEEP_MAX_REPORTS", 1000, minimum=1)
    # Webhooks to private addresses and over plain http (the local stack's demo receivers only).
    webhook_allow_private: bool = setting("WEBHOOK_ALLOW_PRIVATE", False)
    # Abuse limits (SPEC §11), per fixed UTC window (the local stack sets 1,000 unless told).
    filings_per_hour_per_address: int = setting("FILINGS_PER_HOUR_PER_ADDRESS", 10, minimum=1)
    filings_per_day_per_address: int = setting("FILINGS_PER_DAY_PER_ADDRESS", 30, minimum=1)
    filings_per_day_per_reporter: int = setting("FILINGS_PER_DAY_PER_REPORTER", 5, minimum=1)
    uploads_per_hour_per_address: int = setting("UPLOADS_PER_HOUR_PER_ADDRESS", 30, minimum=1)
    replies_per_hour_per_address: int = setting("REPLIES_PER_HOUR_PER_ADDRESS", 30, minimum=1)
    open311_posts_per_hour_per_key: int = setting("OPEN311_POSTS_PER_HOUR_PER_KEY", 600, minimum=1)
    # Staff sign-in steps (password, then each challenge answer) per address; a whole office may
    # share one address, and Cognito locks an account after repeated wrong passwords by itself.
    sign_ins_per_hour_per_address: int = setting("SIGN_INS_PER_HOUR_PER_ADDRESS", 300, minimum=1)
    # Local stack and tests only: never set on a deployed stage.
    dev_routes: bool = setting("DEV_ROUTES", False)
    dev_clock_file: str = setting("DEV_CLOCK_FILE", "")
    dev_outbox_file: str = setting("DEV_OUTBOX_FILE", "")

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_base_url", (self.public_base_url or _DEFAULT_BASE_URL).rstrip("/"))

    def table(self, name: str) -> str:
        if name not in TABLES:
            raise KeyError(name)
        return f"{self.table_prefix}{name}"


def _parse(field: dataclasses.Field, raw: str) -> Any:
    env, minimum = field.metadata["env"], field.metadata["minimum"]
    kind = type(field.default)
    if kind is bool:
        value = raw.strip().lower()
        if value not in _TRUE | _FALSE:
            raise SettingsError(f"{env} must be true or false, not {raw!r}")
        return value in _TRUE
    if kind is int:
        try:
            number = int(raw.strip())
        except ValueError:
            raise SettingsError(f"{env} must be a whole number, not {raw!r}") from None
        if minimum is not None and number < minimum:
            raise SettingsError(f"{env} must be at least {minimum}, not {number}")
        return number
    return raw


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from ``env``: each variable that is set replaces its default; a bad one raises
    ``SettingsError`` naming it."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        raw = env.get(field.metadata["env"])
        if field.name == "region" and raw is None:
            raw = env.get("AWS_REGION")
        if raw is not None:
            values[field.name] = _parse(field, raw)
    return Settings(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
