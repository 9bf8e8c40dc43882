"""Staff API keys (SPEC §1): random, shown once, stored as a hash, one role and one agency each."""

from __future__ import annotations

import re
import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError

from chalicelib.adapters import clock
from chalicelib.domain.complaint import Actor
from chalicelib.domain.identifiers import hash_secret
from chalicelib.domain.names import KEY_ROLES, Role
from chalicelib.errors import Conflict, NotFound, Problem, ServiceUnavailable, Unauthorized, ValidationFailed
from chalicelib.lazy import lazy
from chalicelib.models import AgencyModel, ApiKeyModel

participation = lazy("chalicelib.services.participation")

ROLES = KEY_ROLES
KEY_FORMAT = re.compile(r"^lpr_[a-z0-9]{8,16}_[A-Za-z0-9_\-]{32,64}$")  # 8: keys issued before 64-bit ids


def _unused_key_id() -> str:
    """64 random bits (a collision is ~1 in 4 billion after 4 billion keys), checked against the
    ids already issued; the key itself is written only if its hash is new (a conditional put)."""
    for _ in range(3):
        key_id = secrets.token_hex(8)
        if not list(ApiKeyModel.key_id_index.query(key_id, limit=1)):
            return key_id
    raise Conflict(Problem("key_id_taken", "could not pick an unused key id; please retry"))


def issue(role: str, agency_id: str, label: str | None = None) -> dict[str, Any]:
    if role not in ROLES:
        raise ValidationFailed("unknown role", fields={"role": f"one of {', '.join(ROLES)}"})
    try:
        agency = AgencyModel.get(agency_id)
    except DoesNotExist:
        raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"}) from None
    if role == Role.NATIONAL_ADMIN and agency.level != "national":
        raise ValidationFailed("bad agency", fields={"agency_id": "a national_admin belongs to the national agency"})
    key_id = _unused_key_id()
    key = f"lpr_{key_id}_{secrets.token_urlsafe(32)}"
    now = clock.now().isoformat()
    ApiKeyModel(hash_secret(key), key_id=key_id, role=role, agency_id=agency_id, label=label,
                agency_path=list(agency.path), created_at=now).save(condition=ApiKeyModel.key_hash.does_not_exist())
    return {"key_id": key_id, "key": key, "role": role, "agency_id": agency_id, "label": label,
            "created_at": now}


def resolve(key: str | None) -> Actor:
    """The staff member behind a key; 401 for a missing, malformed, unknown or revoked key."""
    if not key or not KEY_FORMAT.match(key):
        raise Unauthorized("send Authorization: Bearer <api-key>")
    try:
        stored = ApiKeyModel.get(hash_secret(key))
    except DoesNotExist:
        raise Unauthorized("unknown or revoked API key") from None
    except GetError:
        raise ServiceUnavailable("the key could not be checked just now; please retry",
                                 headers={"Retry-After": "1"}) from None
    if stored.revoked_at:
        raise Unauthorized("unknown or revoked API key")
    participation.record_key_use(stored, clock.now())  # a write at most once a day per key
    return Actor(stored.role, stored.agency_id, tuple(stored.agency_path or (stored.agency_id,)),
                 key_id=stored.key_id, label=stored.label)


def revoke(key_id: str) -> dict[str, Any]:
    found = list(ApiKeyModel.key_id_index.query(key_id, limit=1))
    if not found:
        raise NotFound(Problem("no_key", f"no key {key_id}", key_id=key_id))
    stored = found[0]
    stored.update(actions=[ApiKeyModel.revoked_at.set(clock.now().isoformat())])
    return {"key_id": key_id, "revoked_at": stored.revoked_at}
