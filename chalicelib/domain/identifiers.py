"""Tracking ids and reporter tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, U: easy to read aloud and to type from a phone call.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_id() -> str:
    """``LPR-7K3M-9QXD``: 8 random characters from 30 (about 39 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"LPR-{chars[:4]}-{chars[4:]}"


def normalize_tracking_id(value: str) -> str:
    return value.strip().upper()


def new_reporter_token() -> str:
    return secrets.token_urlsafe(24)


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
