"""Characters a person cannot see do not go into a report (SPEC §11 "Text").

Control characters (NUL, escape, …), invisible formatting characters (bidirectional overrides,
zero-width spaces and joiners, the byte-order mark) and the Unicode line/paragraph separators can
make a title read differently to the agency than it was typed, or hide text from a reviewer. They
are refused with 422 on the field that holds them. Tab, newline and carriage return are allowed
(long text is typed in a textarea, which sends CR LF); single-line fields refuse them on their own.

Also here: how deep a JSON body may nest (a request is a flat form, not a tree).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from chalicelib.errors import Problem, ValidationFailed

ALLOWED_CONTROLS = frozenset("\t\n\r")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MESSAGE = Problem("control_characters", "must not contain control or invisible formatting characters")
MAX_DEPTH = 8


def is_refused(ch: str) -> bool:
    if ch in ALLOWED_CONTROLS:
        return False
    if ch.isprintable() or ch == " ":
        return False
    return unicodedata.category(ch) in REFUSED_CATEGORIES


def has_refused(text: str) -> bool:
    # Fast path: printable text (the usual case) has nothing refused; the slow path names the rest.
    return not text.isprintable() and any(is_refused(ch) for ch in text)


def refused_fields(data: Any, path: str = "") -> dict[str, str]:
    """Every field (dotted path, list positions left out as in validation errors) whose text, or
    whose key, holds a refused character."""
    fields: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if has_refused(value):
                fields.setdefault(where or "body", MESSAGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                if has_refused(str(key)):
                    fields.setdefault(where or "body", MESSAGE)
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((where, item) for item in value)
    return fields


def depth(data: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            stack.extend((item, level + 1) for item in value.values())
            deepest = max(deepest, level + 1)
        elif isinstance(value, list):
            stack.extend((item, level + 1) for item in value)
            deepest = max(deepest, level + 1)
    return deepest


def check(data: Any) -> None:
    """422 naming every field that holds a refused character."""
    fields = refused_fields(data)
    if fields:
        raise ValidationFailed("some fields hold control or invisible characters", fields=fields)
