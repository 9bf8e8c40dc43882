"""Tables, seed data, demo staff and saved data for the local stack and the end-to-end tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from chalicelib.adapters import clock, deadletter, email
from chalicelib.adapters.attachments import create_bucket
from chalicelib.config import TABLES, get_settings
from chalicelib.models import AgencyModel
from chalicelib.models.tables import create_all
from chalicelib.services import seed

DEMO_STAFF_FILE = "demo-credentials.json"


def prepare(state: Path, data_dir: Path | None = None) -> dict[str, Any]:
    create_all()
    create_bucket()
    email.verify_sender()
    deadletter.create_queue()
    restored = load_data(data_dir) if data_dir else 0
    counts = {"agencies": 0, "routing_rules": 0}
    if not restored or AgencyModel.count(seed.NATIONAL_AGENCY_ID) == 0:
        counts = seed.seed(clock.now().isoformat())
    return {"tables": len(TABLES), "restored_items": restored, **counts}


def demo_staff() -> list[dict[str, str]]:
    """SPEC §9: national admin, the coordinators of Sulawesi Selatan, Kota Makassar, Jawa Barat and
    Kota Bandung, and an officer of every seeded OPD unit."""
    from chalicelib.domain.agencies import province_coordinator_id, regency_coordinator_id

    staff = [{"role": "national_admin", "agency_id": seed.NATIONAL_AGENCY_ID}]
    staff += [{"role": "coordinator", "agency_id": province_coordinator_id(code)} for code in ("73", "32")]
    staff += [{"role": "coordinator", "agency_id": regency_coordinator_id(code)} for code in seed.DEMO_REGENCIES]
    units, _ = seed.demo_units()
    staff += [{"role": "officer", "agency_id": unit.agency_id} for unit in units]
    return staff


def write_credentials(state: Path, base_url: str) -> Path:
    from chalicelib.services import keys

    staff = []
    for member in demo_staff():
        issued = keys.issue(member["role"], member["agency_id"], label="demo (local stack)")
        staff.append({**member, "key": issued["key"]})
    path = state / DEMO_STAFF_FILE
    path.write_text(json.dumps({"base_url": base_url, "staff": staff}, indent=2) + "\n")
    path.chmod(0o600)
    return path


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
