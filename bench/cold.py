"""Cold invocations as users feel them (run by bench/run.py): a fresh process imports the app and
serves its first request, the way a new Lambda execution environment does.

    python -m bench.cold OUT REPEATS

Five invocations — filing, the public status view, an inbox page, a staff action and one sweep
run — each timed from the first line of a new Python process (before ``import app``) to the
answer of its first request, handed to the Chalice app as Lambda hands it an API Gateway event.
Each is compared with the baseline: a fresh process importing ``bench/baseline_app.py`` (a
one-route Chalice app with PynamoDB and Powertools) and serving its first request, which reads one
item from DynamoDB, as any such app's first request creates its client and makes a call. The two
alternate; the median of each is reported. DynamoDB is moto's server in the parent process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

SCENARIOS = ("file a report", "public status view", "inbox page", "staff action", "sweep run")


class _Context:
    """What Lambda passes as ``context``: the attributes Chalice and Powertools read."""

    function_name = "cold"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:000000000000:function:cold"
    memory_limit_in_mb = 512
    aws_request_id = "cold-invocation"
    log_group_name = "/aws/lambda/cold"
    log_stream_name = "cold"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _event(method: str, resource: str, path: str, *, params: dict[str, str] | None = None,
           headers: dict[str, str] | None = None, body: str | None = None) -> dict:
    headers = {"Host": "api.lapor.example", **(headers or {})}
    return {"resource": resource, "path": path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": params, "stageVariables": None,
            "requestContext": {"resourcePath": resource, "httpMethod": method, "path": "/api" + path,
                               "stage": "api", "requestId": "cold", "identity": {"sourceIp": "203.0.113.7"}},
            "body": body, "isBase64Encoded": False}


def child(scenario: str, given: dict) -> None:
    """In a fresh process: import, first request, print the times (seconds) as one JSON line."""
    started, cpu_started = time.perf_counter(), time.process_time()
    if scenario == "baseline":
        from bench.baseline_app import app as handler

        imported = time.perf_counter()
        answer = handler(_event("GET", "/items/{key}", "/items/cold", params={"key": "cold"}), _Context())
    else:
        from app import app as handler

        imported = time.perf_counter()
        staff = {"Authorization": f"Bearer {given['key']}", "Content-Type": "application/json"}
        tid = given.get("tracking_id", "")
        if scenario == "file a report":
            answer = handler(_event("POST", "/complaints", "/complaints", body=json.dumps(given["report"]),
                                    headers={"Content-Type": "application/json",
                                             "Idempotency-Key": given["idempotency_key"]}), _Context())
        elif scenario == "public status view":
            answer = handler(_event("GET", "/complaints/{tracking_id}", f"/complaints/{tid}",
                                    params={"tracking_id": tid}), _Context())
        elif scenario == "inbox page":
            answer = handler(_event("GET", "/agency/complaints", "/agency/complaints", headers=staff), _Context())
        elif scenario == "staff action":
            answer = handler(_event("POST", "/agency/complaints/{tracking_id}/actions",
                                    f"/agency/complaints/{tid}/actions", params={"tracking_id": tid},
                                    headers=staff, body=json.dumps({"action": "request_info",
                                                                    "note": "Di mana tepatnya?"})), _Context())
        else:
            from chalicelib.handlers import scheduled

            scheduled.run_sweep({"version": "0", "id": "cold", "detail-type": "Scheduled Event",
                                 "source": "aws.events", "account": "000000000000",
                                 "time": "2026-01-01T00:00:00Z", "region": "ap-southeast-3",
                                 "resources": [], "detail": {}}, _Context())
            answer = {"statusCode": 200}
    done = time.perf_counter()
    print(json.dumps({"import_s": imported - started, "first_request_s": done - imported,
                      "total_s": done - started, "cpu_s": time.process_time() - cpu_started,
                      "status": answer.get("statusCode")}))


def _fresh(scenario: str, given: dict, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.cold", "--child", scenario, json.dumps(given)],
                         env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["status"] not in (200, 201):
        raise RuntimeError(f"{scenario}: the first request answered {result['status']}: {out.stdout[-500:]}")
    return result


def measure(repeats: int) -> dict:
    """The moto server and data here; every measured invocation in a fresh child process."""
    from bench.common import ROOT, create_everything, report, start_moto

    # The abuse limits stay on (a filing pays for its check) but high enough for every run here.
    os.environ.update({name: "100000" for name in ("FILINGS_PER_HOUR_PER_ADDRESS", "FILINGS_PER_DAY_PER_ADDRESS",
                                                   "FILINGS_PER_DAY_PER_REPORTER")})
    server = start_moto()
    try:
        create_everything()
        from chalice.test import Client

        from app import app
        from bench.baseline_app import Item
        from chalicelib.services import keys

        Item.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
        Item(key="cold").save()
        key = keys.issue("coordinator", "pemkot-makassar")["key"]
        with Client(app, project_dir=str(ROOT), stage_name="local") as client:
            # One report per staff action (each run moves its report on); none is routed, so each
            # waits in Kota Makassar's queue, in the coordinator's scope.
            queued = [json.loads(client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                                  body=json.dumps(report(category="other"))).body)["tracking_id"]
                      for _ in range(repeats + 1)]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
        runs: dict[str, list[dict]] = {name: [] for name in (*SCENARIOS, "baseline")}
        for name in (*SCENARIOS, "baseline"):  # once each to compile the .pyc files
            _fresh(name, _given(name, key, queued[-1], 0), env)
        for n in range(repeats):
            for name in SCENARIOS:
                runs[name].append(_fresh(name, _given(name, key, queued[n], n + 1), env))
                runs["baseline"].append(_fresh("baseline", {}, env))
    finally:
        server.stop()
    base = statistics.median(r["total_s"] for r in runs["baseline"])
    base_cpu = statistics.median(r["cpu_s"] for r in runs["baseline"])
    results = {"repeats": repeats, "baseline_s": base, "baseline_cpu_s": base_cpu,
               "baseline_import_s": statistics.median(r["import_s"] for r in runs["baseline"])}
    for name in SCENARIOS:
        total = statistics.median(r["total_s"] for r in runs[name])
        results[name] = {"total_s": total, "import_s": statistics.median(r["import_s"] for r in runs[name]),
                         "first_request_s": statistics.median(r["first_request_s"] for r in runs[name]),
                         "ratio": total / base, "all_s": [r["total_s"] for r in runs[name]],
                         # The child's own CPU time: what it did, whatever else the machine was doing.
                         "cpu_ratio": statistics.median(r["cpu_s"] for r in runs[name]) / base_cpu}
    return results


def _given(scenario: str, key: str, tracking_id: str, n: int) -> dict:
    from bench.common import report

    return {"key": key, "tracking_id": tracking_id, "report": report(),
            "idempotency_key": f"cold-{n:04d}-{time.time_ns()}"}


def main() -> int:
    if sys.argv[1] == "--child":
        child(sys.argv[2], json.loads(sys.argv[3]))
        return 0
    out, repeats = sys.argv[1], int(sys.argv[2])
    with open(out, "w") as f:
        json.dump(measure(repeats), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
