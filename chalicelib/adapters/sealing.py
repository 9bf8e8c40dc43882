"""Sealing a secret with the deployment's KMS key (``REPORTER_TOKEN_KEY``; moto's KMS locally).

The encryption context names what a sealed value belongs to: KMS refuses to open it under any
other context, so a sealed token copied onto another report or address opens nowhere. The API
function may only seal (``kms:Encrypt``), the notifier only open (``kms:Decrypt``).
"""

from __future__ import annotations

from chalicelib.adapters.aws import client
from chalicelib.config import get_settings


def seal(secret: str, context: dict[str, str]) -> bytes:
    return client("kms").encrypt(KeyId=get_settings().reporter_token_key, Plaintext=secret.encode("utf-8"),
                                 EncryptionContext=context)["CiphertextBlob"]


def unseal(sealed: bytes, context: dict[str, str]) -> str:
    return client("kms").decrypt(KeyId=get_settings().reporter_token_key, CiphertextBlob=sealed,
                                 EncryptionContext=context)["Plaintext"].decode("utf-8")


def create_key() -> None:
    """Local stack and tests: the key behind the configured alias (a deployment's is in the template)."""
    kms, alias = client("kms"), get_settings().reporter_token_key
    if not alias.startswith("alias/"):
        return
    if any(a["AliasName"] == alias for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]):
        return
    key = kms.create_key(Description="SP4N-LAPOR! reporter tokens waiting for a confirmed address")
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyMetadata"]["KeyId"])
