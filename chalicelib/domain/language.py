"""The two languages people read (SPEC §13): Bahasa Indonesia first, English available.

A report keeps the language its reporter filed it in (the form's language, a JSON ``lang``, or the
request's ``Accept-Language``), and every message to the reporter is written in it. Agencies read
Bahasa Indonesia.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")
DEFAULT = "id"
# "in" is the old ISO 639 code for Indonesian that some systems still send.
_ALIASES = {"id": "id", "in": "id", "en": "en"}


def known(value: object) -> str | None:
    """``value`` as one of LANGUAGES, or None."""
    if not isinstance(value, str):
        return None
    return _ALIASES.get(value.strip().lower().split("-")[0].split("_")[0])


def from_accept_language(header: str | None) -> str:
    """The language the client prefers most among ours (RFC 9110 weights), or the default."""
    best, best_q = DEFAULT, 0.0
    for position, item in enumerate((header or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        lang = known(tag)
        if lang is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # equal weights: the first listed wins
        if q > best_q:
            best, best_q = lang, q
    return best
