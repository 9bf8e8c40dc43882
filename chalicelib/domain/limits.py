"""Abuse limits (SPEC §11), as pure data: which counters an action moves, the fixed windows they
live in, and how long a refused client should wait.

Windows are fixed UTC hours and days. A subject (an address, a reporter's e-mail or phone, an
Open311 key) has one counter item per day holding the day's count (``d``) and each hour's
(``h00``…``h23``): one conditional UpdateItem moves and checks both windows at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EXPIRY = timedelta(days=2)  # counter items outlive their day a little, then DynamoDB's TTL drops them


@dataclass(frozen=True)
class Rule:
    """``per_hour``/``per_day``: the most that one subject may do in one window (None: no limit)."""

    action: str  # filing | upload | reply | open311 | support | sign_in
    kind: str  # address | reporter | key
    per_hour: int | None = None
    per_day: int | None = None


def rules(settings) -> dict[tuple[str, str], Rule]:
    """Every limit, from the settings (SPEC §11 defaults; the local stack 1,000 unless set)."""
    found = [
        Rule("filing", "address", settings.filings_per_hour_per_address, settings.filings_per_day_per_address),
        Rule("filing", "reporter", None, settings.filings_per_day_per_reporter),
        Rule("upload", "address", settings.uploads_per_hour_per_address, None),
        Rule("reply", "address", settings.replies_per_hour_per_address, None),
        Rule("open311", "key", settings.open311_posts_per_hour_per_key, None),
        # Supporting a report instead of filing it (SPEC §12): the filing budget, its own counter.
        Rule("support", "address", settings.filings_per_hour_per_address, settings.filings_per_day_per_address),
        # Staff sign-in (SPEC §10): password guesses and TOTP guesses from one address.
        Rule("sign_in", "address", settings.sign_ins_per_hour_per_address, None),
    ]
    return {(rule.action, rule.kind): rule for rule in found}


def subject_hash(subject: str) -> str:
    """Counters never hold the address or e-mail itself (personal data), only a digest of it."""
    return hashlib.sha256(subject.strip().lower().encode("utf-8")).hexdigest()[:32]


def window_key(rule: Rule, subject: str, now: datetime) -> str:
    return f"{rule.action}#{rule.kind}#{subject_hash(subject)}#{now.astimezone(UTC).date().isoformat()}"


def hour_counter(now: datetime) -> str:
    return f"h{now.astimezone(UTC).hour:02d}"


def expires_at(now: datetime) -> int:
    day = datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    return int((day + EXPIRY).timestamp())


def seconds_to_next_hour(now: datetime) -> int:
    moment = now.astimezone(UTC)
    following = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return max(1, int((following - moment).total_seconds() + 0.999))


def seconds_to_next_day(now: datetime) -> int:
    moment = now.astimezone(UTC)
    following = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return max(1, int((following - moment).total_seconds() + 0.999))


def retry_after(rule: Rule, counts: dict[str, int], now: datetime) -> int:
    """Seconds until the window that refused the client opens again (the longest one that is full)."""
    if rule.per_day is not None and counts.get("d", 0) >= rule.per_day:
        return seconds_to_next_day(now)
    return seconds_to_next_hour(now)
