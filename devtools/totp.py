"""TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s) for the staff accounts in tests and the local stack.

``cryptography``'s TOTP, because moto's Cognito hands every user the same 60-bit secret, which
pyotp refuses as too short (``enforce_key_length=False`` here). Never used by the deployed code:
people type the code from their authenticator app.
"""

from __future__ import annotations

import base64
import time

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

STEP = 30


# A code asked for "now" with less than this left in its 30 s step waits for the next step: moto's
# Cognito accepts only the current step (no window), and a loaded machine can take seconds between
# computing a code and Cognito checking it.
MARGIN = 6


def code(secret: str, at: float | None = None) -> str:
    """The code for ``secret`` (base32) at ``at`` (epoch seconds; now by default, then valid for at
    least ``MARGIN`` more seconds)."""
    if at is None:
        left = STEP - time.time() % STEP
        if left < MARGIN:
            time.sleep(left + 0.05)
        at = time.time()
    padded = secret.upper() + "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(padded), 6, SHA1(), STEP, enforce_key_length=False)  # noqa: S303 - RFC 6238
    return totp.generate(int(at)).decode()


def wrong_code(secret: str) -> str:
    """A code that is not valid now (nor in the steps around it)."""
    now = time.time()
    valid = {code(secret, now + step * STEP) for step in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(100_000, 1_000_000, 7919)) if c not in valid)


if __name__ == "__main__":  # `python -m devtools.totp SECRET`: the code to type at the local sign-in
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m devtools.totp TOTP_SECRET (from .local/demo-credentials.json)")
    print(code(sys.argv[1]))
