"""DynamoDB round trips per operation, and how the sweep scales with the table (run by bench/run.py).

    python -m bench.calls OUT.json [--large 50000]

The API is driven in-process through Chalice's test client (its middleware and the credential
check included) against moto's server; every botocore call is counted.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import ROOT, Recorder, create_everything, report, start_moto

RECORDER = Recorder()
NOW = datetime(2031, 6, 2, 3, 0, tzinfo=UTC)  # the sweep's "now": every bench report's step is due by then
DUE = 50


def _http(client: Any, method: str, path: str, headers: dict | None = None, payload: Any = None) -> Any:
    RECORDER.reset()
    kwargs: dict[str, Any] = {"headers": {"Content-Type": "application/json", **(headers or {})}}
    if payload is not None:
        kwargs["body"] = json.dumps(payload)
    response = getattr(client.http, method)(path, **kwargs)
    assert response.status_code < 300, (path, response.status_code, response.body)
    return response


def round_trips() -> dict[str, Any]:
    from chalice.test import Client

    from app import app
    from chalicelib.services import keys
    from devtools.workers import Pump

    create_everything()
    pump = Pump()
    officer = {"Authorization": "Bearer " + keys.issue("officer", "dinas-pupr-kota-makassar")["key"]}
    coordinator = {"Authorization": "Bearer " + keys.issue("coordinator", "pemkot-makassar")["key"]}
    national = {"Authorization": "Bearer " + keys.issue("national_admin", "kemenpanrb")["key"]}
    signed_in = _signed_in_officer()
    out: dict[str, Any] = {}
    with Client(app, project_dir=str(ROOT), stage_name="local") as client:
        # a few reports in every inbox first
        for _ in range(5):
            _http(client, "post", "/complaints", payload=report())
        pump.drain()

        def measure(name: str, method: str, path: str, headers: dict | None = None, payload: Any = None) -> Any:
            response = _http(client, method, path, headers, payload)
            out[name] = RECORDER.snapshot()
            return json.loads(response.body)

        filed = measure("file a report", "post", "/complaints", payload=report())
        measure("file a report (Idempotency-Key)", "post", "/complaints",
                {"Idempotency-Key": f"bench-{time.time_ns()}"}, report())
        tid, token = filed["tracking_id"], filed["reporter_token"]
        measure("public status view", "get", f"/complaints/{tid}")
        measure("reporter's view", "get", f"/complaints/{tid}", {"X-Reporter-Token": token})
        measure("timeline", "get", f"/complaints/{tid}/timeline")
        pump.drain()
        measure("inbox page (officer)", "get", "/agency/complaints?limit=20", officer)
        measure("inbox page (officer, signed in by cookie)", "get", "/agency/complaints?limit=20", signed_in)
        measure("inbox page (coordinator)", "get", "/agency/complaints?limit=20", coordinator)
        measure("inbox page (national, filtered)", "get", "/agency/complaints?limit=20&status=forwarded", national)
        measure("staff view", "get", f"/agency/complaints/{tid}", officer)
        actions = "/agency/complaints/{}/actions"
        measure("action: request_info", "post", actions.format(tid), officer,
                {"action": "request_info", "note": "Mohon foto lokasi"})
        measure("reporter reply", "post", f"/complaints/{tid}/replies", {"X-Reporter-Token": token},
                {"message": "Lokasi di depan kampus UNM."})
        measure("action: respond", "post", actions.format(tid), officer, {"action": "respond", "note": "Ditinjau"})
        measure("action: resolve", "post", actions.format(tid), officer, {"action": "resolve", "note": "Diperbaiki"})
        other = _http(client, "post", "/complaints", payload=report(category="health"))
        other_id = json.loads(other.body)["tracking_id"]
        measure("action: forward (coordinator)", "post", actions.format(other_id), coordinator,
                {"action": "forward", "agency_id": "dinas-pupr-kota-makassar", "note": "Cek"})
        measure("action: return", "post", actions.format(other_id), officer,
                {"action": "return", "note": "Bukan wewenang"})
        measure("action: reject (coordinator)", "post", actions.format(other_id), coordinator,
                {"action": "reject", "note": "Duplikat"})
    return out


def _signed_in_officer() -> dict[str, str]:
    """A demo officer's account, signed in with password and TOTP: the browser's headers."""
    from chalicelib.adapters import clock
    from chalicelib.services import sessions
    from devtools import totp
    from devtools.bootstrap import sign_up

    account = sign_up("bench.officer@dinas-pupr.makassar.go.id", "Petugas Bench", "officer",
                      "dinas-pupr-kota-makassar")
    step = sessions.start(account["email"], account["password"], now=clock.now())
    session = sessions.answer(step.challenge_session, step.challenge, code=totp.code(account["totp_secret"]),
                              now=clock.now())
    return {"Cookie": f"__Host-lapor-staff={session.cookie}", "X-CSRF-Token": session.csrf_token}


_SEQ = [0]


def insert(n_due: int, n_quiet: int) -> None:
    """Straight into the in-process moto backend (set-up only; the sweep goes through the API)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings
    from chalicelib.domain import escalation
    from chalicelib.domain.complaint import Target, forward
    from chalicelib.domain.deadlines import Limits
    from chalicelib.models.mapping import to_model
    from tests.factories import complaint

    settings = get_settings()
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
    unit = Target("dinas-pupr-kota-bandung",
                  ("kemenpanrb", "pemprov-jawa-barat", "pemkot-bandung", "dinas-pupr-kota-bandung"), "Dinas PUPR")
    limits = Limits()
    for i in range(n_due + n_quiet):
        _SEQ[0] += 1
        due = i < n_due
        filed = NOW - timedelta(days=20) if due else NOW - timedelta(hours=1)
        c = complaint(tracking_id=f"LPR-{_SEQ[0]:08d}", now=filed, province_code="32", regency_code="32.73",
                      agency_id="pemkot-bandung", agency_path=unit.path[:3])
        c, _ = forward(c, unit, filed, limits)
        item = to_model(c, escalation.next_due_at(c, c.updated_at, limits)).serialize()
        backend.put_item(settings.table("complaints"), item)


def table_size() -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings

    settings = get_settings()
    return len(dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region].get_table(settings.table("complaints"))
               .all_items())


def sweep_once() -> dict[str, Any]:
    from chalicelib.services import sweep

    RECORDER.reset()
    started = time.perf_counter()
    summary = sweep.run(now=NOW)
    wall = time.perf_counter() - started
    snap = RECORDER.snapshot()
    writes = sum(n for op, n in snap["by_operation"].items()
                 if op in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"))
    reads = snap["total"] - writes
    return {"examined": summary["examined"], "wall_s": wall, "calls": snap["total"], "reads": reads,
            "writes": writes, "scans": snap["scans"], "by_operation": snap["by_operation"]}


def sweep_scaling(small: int, large: int) -> dict[str, Any]:
    from chalicelib.config import get_settings
    from chalicelib.services import sweep

    # Nothing else is due at NOW (the reports of the round trips are swept first).
    sweep.run(now=NOW, max_reports=10**6)
    insert(DUE, small - table_size() - DUE)
    at_small = {"table": table_size(), **sweep_once()}
    insert(DUE, large - table_size() - DUE)
    at_large = {"table": table_size(), **sweep_once()}
    return {"due": DUE, "page_size": get_settings().sweep_page_size, "small": at_small, "large": at_large,
            "wall_ratio": at_large["wall_s"] / at_small["wall_s"],
            "calls_ratio": at_large["calls"] / max(at_small["calls"], 1)}


def main(argv: list[str]) -> int:
    out_path = argv[0]
    large = int(argv[argv.index("--large") + 1]) if "--large" in argv else 50_000
    server = start_moto()
    try:
        result = {"round_trips": round_trips(), "sweep": sweep_scaling(1_000, large)}
    finally:
        server.stop()
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
