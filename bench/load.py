"""Latency, throughput and peak memory of the API function in one warm process (run by bench/run.py).

    python -m bench.load serve               # moto's server with tables and seed data; prints a JSON line
    python -m bench.load run URL KEY OUT N   # N requests (file / status view / inbox page in turn)

The API runs in-process through Chalice's test client (middleware and authorizer included), as one
warm Lambda would; DynamoDB is moto's server in *another* process, so the peak RSS measured is the
API's own.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
from typing import Any

from bench.common import ROOT, create_everything, report, start_moto


def serve() -> int:
    server = start_moto()
    create_everything()
    from chalicelib.services import keys

    key = keys.issue("coordinator", "pemkot-makassar")["key"]
    print(json.dumps({"endpoint": os.environ["AWS_ENDPOINT_URL"], "key": key}), flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.stop()
    return 0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(endpoint: str, key: str, out: str, requests: int) -> int:
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    from chalice.test import Client

    from app import app

    staff = {"Authorization": f"Bearer {key}"}
    filed: list[str] = []
    latencies: dict[str, list[float]] = {"file": [], "status view": [], "inbox page": []}
    with Client(app, project_dir=str(ROOT), stage_name="local") as client:

        def one(kind: str) -> float:
            started = time.perf_counter()
            if kind == "file":
                response = client.http.post("/complaints", body=json.dumps(report()), headers={
                    "Content-Type": "application/json", "Idempotency-Key": f"load-{time.time_ns()}"})
                assert response.status_code == 201, response.body
                filed.append(json.loads(response.body)["tracking_id"])
            elif kind == "status view":
                response = client.http.get(f"/complaints/{random.choice(filed)}")
                assert response.status_code == 200, response.body
            else:
                response = client.http.get("/agency/complaints?limit=20", headers=staff)
                assert response.status_code == 200, response.body
            return time.perf_counter() - started

        for kind in ("file", "status view", "inbox page") * 10:  # warm up
            one(kind)
        kinds = list(latencies)
        started = time.perf_counter()
        for i in range(requests):
            kind = kinds[i % len(kinds)]
            latencies[kind].append(one(kind))
        elapsed = time.perf_counter() - started
    result: dict[str, Any] = {
        "requests": requests, "seconds": elapsed, "throughput_rps": requests / elapsed,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "latency_ms": {kind: {"p50": 1000 * _percentile(v, 0.50), "p99": 1000 * _percentile(v, 0.99), "n": len(v)}
                       for kind, v in latencies.items()},
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "serve":
        return serve()
    return run(argv[1], argv[2], argv[3], int(argv[4]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
