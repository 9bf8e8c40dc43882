"""Tables, seed data, demo staff and saved data for the local stack and the end-to-end tests."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import boto3

from chalicelib.adapters import clock, deadletter, email, sealing
from chalicelib.adapters.attachments import create_bucket
from chalicelib.config import TABLES, get_settings
from chalicelib.models import AgencyModel
from chalicelib.models.tables import create_all
from chalicelib.services import seed

DEMO_STAFF_FILE = "demo-credentials.json"


def create_user_pool() -> tuple[str, str]:
    """The staff user pool in moto (SPEC §10), its groups and app client; the settings learn its ids."""
    import os

    from chalicelib.adapters import cognito

    settings = get_settings()
    pool_id, client_id = cognito.create_local_pool(f"{settings.table_prefix}staff")
    os.environ.update({"USER_POOL_ID": pool_id, "USER_POOL_CLIENT_ID": client_id})
    get_settings.cache_clear()
    return pool_id, client_id


def sign_up(email: str, name: str, role: str, agency_id: str) -> dict[str, str]:
    """An account taken through the whole first sign-in, as a person would: the temporary password,
    a new password, TOTP set-up. Returns the e-mail, the password and the TOTP secret."""
    from chalicelib.services import sessions, users
    from devtools import totp

    temporary = f"Temp-{secrets.token_urlsafe(12)}7aB"
    created = users.create_account(email, name, role, agency_id, now=clock.now(), temporary_password=temporary)
    password = f"Demo-{secrets.token_urlsafe(12)}9x"
    step = sessions.start(email, temporary, now=clock.now())
    step = sessions.answer(step.challenge_session, step.challenge, new_password=password, now=clock.now())
    secret = step.secret_code
    signed_in = sessions.answer(step.challenge_session, step.challenge, code=totp.code(secret), now=clock.now())
    sessions.end(signed_in.cookie)
    return {"email": email, "password": password, "totp_secret": secret, "user_id": created["user_id"]}


def prepare(state: Path, data_dir: Path | None = None) -> dict[str, Any]:
    create_user_pool()
    create_all()
    create_bucket()
    email.verify_sender()
    deadletter.create_queue()
    sealing.create_key()
    restored = load_data(data_dir) if data_dir else 0
    counts = {"agencies": 0, "routing_rules": 0}
    if not restored or AgencyModel.count(seed.NATIONAL_AGENCY_ID) == 0:
        counts = seed.seed(clock.now().isoformat())
    return {"tables": len(TABLES), "restored_items": restored, **counts}


def demo_staff() -> list[dict[str, str]]:
    """SPEC §9: national admin, the coordinators of Sulawesi Selatan, Kota Makassar, Jawa Barat and
    Kota Bandung, and an officer of every seeded OPD unit."""
    from chalicelib.domain.agencies import province_coordinator_id, regency_coordinator_id
    from chalicelib.domain.names import Role

    staff = [{"role": Role.NATIONAL_ADMIN.value, "agency_id": seed.NATIONAL_AGENCY_ID}]
    staff += [{"role": Role.COORDINATOR.value, "agency_id": province_coordinator_id(code)} for code in ("73", "32")]
    staff += [{"role": Role.COORDINATOR.value, "agency_id": regency_coordinator_id(code)}
              for code in seed.DEMO_REGENCIES]
    units, _ = seed.demo_units()
    staff += [{"role": Role.OFFICER.value, "agency_id": unit.agency_id} for unit in units]
    return staff


def write_credentials(state: Path, base_url: str) -> Path:
    from chalicelib.services import keys

    staff = []
    for member in demo_staff():
        issued = keys.issue(member["role"], member["agency_id"], label="demo (local stack)")
        account = sign_up(f"{member['agency_id']}@demo.lapor.go.id", _demo_name(member), member["role"],
                          member["agency_id"])
        staff.append({**member, "key": issued["key"], "email": account["email"],
                      "password": account["password"], "totp_secret": account["totp_secret"]})
    path = state / DEMO_STAFF_FILE
    path.write_text(json.dumps({"base_url": base_url, "staff": staff}, indent=2) + "\n")
    path.chmod(0o600)
    return path


def _demo_name(member: dict[str, str]) -> str:
    from chalicelib.domain.names import Role

    role = {Role.NATIONAL_ADMIN: "Admin Nasional", Role.COORDINATOR: "Admin Instansi", Role.OFFICER: "Admin Penghubung"}
    return f"{role[Role(member['role'])]} {member['agency_id']}"


def _client():
    return boto3.client("dynamodb", region_name=get_settings().region)


def save_data(data_dir: Path) -> int:
    """Dump every table to JSON (a development convenience: a Scan is fine here)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    client, total = _client(), 0
    for name in TABLES:
        table = get_settings().table(name)
        items = [item for page in client.get_paginator("scan").paginate(TableName=table)
                 for item in page["Items"]]
        (data_dir / f"{name}.json").write_text(json.dumps(items))
        total += len(items)
    return total


def load_data(data_dir: Path) -> int:
    client, total = _client(), 0
    for name in TABLES:
        path = data_dir / f"{name}.json"
        if not path.exists():
            continue
        items = json.loads(path.read_text())
        table = get_settings().table(name)
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
            client.batch_write_item(RequestItems={table: batch})
        total += len(items)
    return total
