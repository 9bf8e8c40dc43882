"""Tracking ids and reporter tokens (SPEC §3, §13).

A reporter token is something a citizen keeps on paper or reads over the phone: 20 symbols of
Crockford's base32 (no I, L, O, U: 32 symbols, 5 bits each, 100 bits) in groups of four,
``7K3M-9QXD-…``. Whatever the reporter types back (lower case, spaces, no hyphens, an ``O`` for a
zero, an ``I`` or ``L`` for a one) is normalised to that one form before it is hashed. Tokens from
before this format (32 URL-safe characters) are compared exactly as they were given.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# No 0/O, 1/I/L, U: easy to read aloud and to type from a phone call.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_id() -> str:
    """``LPR-7K3M-9QXD``: 8 random characters from 30 (about 39 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"LPR-{chars[:4]}-{chars[4:]}"


def normalize_tracking_id(value: str) -> str:
    return value.strip().upper()


UPLOAD_ID = re.compile(r"^upl_[A-Za-z0-9]{8,40}$")  # what POST /uploads gives out


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TOKEN_GROUPS, TOKEN_GROUP_SIZE = 5, 4
_TOKEN_SYMBOLS = TOKEN_GROUPS * TOKEN_GROUP_SIZE
# What a person may type for a symbol: Crockford's decoding of the look-alikes.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_reporter_token() -> str:
    """``XXXX-XXXX-XXXX-XXXX-XXXX``: 20 random Crockford symbols, 100 bits."""
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(_TOKEN_SYMBOLS))
    return "-".join(chars[i:i + TOKEN_GROUP_SIZE] for i in range(0, _TOKEN_SYMBOLS, TOKEN_GROUP_SIZE))


def normalize_reporter_token(value: str) -> str | None:
    """The canonical grouped form of a token in the current format, or None when ``value`` is not
    one (any case, any spacing or hyphens, look-alike letters for 0 and 1)."""
    compact = _SEPARATORS.sub("", value).upper().translate(_LOOK_ALIKES)
    if len(compact) != _TOKEN_SYMBOLS or any(ch not in CROCKFORD for ch in compact):
        return None
    return "-".join(compact[i:i + TOKEN_GROUP_SIZE] for i in range(0, _TOKEN_SYMBOLS, TOKEN_GROUP_SIZE))


def reporter_token_matches(token: str | None, stored_hash: str) -> bool:
    """The token as typed, or its canonical form, hashes to what the report keeps. Old tokens
    (before the grouped format) are case-sensitive and match only as given."""
    if not token or len(token) > 200:
        return False
    candidates = {token.strip()}
    canonical = normalize_reporter_token(token)
    if canonical:
        candidates.add(canonical)
    return any(secret_matches(candidate, stored_hash) for candidate in candidates)


def hash_secret(secret: str) -> str:
    """Tokens and API keys are long random strings: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str | None, stored_hash: str) -> bool:
    return bool(secret) and hmac.compare_digest(hash_secret(secret), stored_hash)


def _keystream(key: str, length: int) -> bytes:
    blocks = (length + 31) // 32
    stream = b"".join(
        hmac.new(key.encode("utf-8"), f"seal:{i}".encode(), hashlib.sha256).digest() for i in range(blocks)
    )
    return stream[:length]


def seal(value: str, key: str) -> str:
    """Hide ``value`` behind ``key`` (XOR with an HMAC keystream); ``unseal`` reveals it.

    The idempotency record must give the first answer back, reporter token included, without
    holding that token in clear: it holds it sealed with the client's Idempotency-Key, which is
    itself stored only as a hash.
    """
    data = value.encode("utf-8")
    return bytes(a ^ b for a, b in zip(data, _keystream(key, len(data)), strict=True)).hex()


def unseal(sealed: str, key: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(key, len(data)), strict=True)).decode("utf-8")
