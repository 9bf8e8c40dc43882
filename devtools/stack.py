"""The local stack (SPEC §9): ``make run``.

Starts an embedded moto server on loopback as the AWS, creates the tables from the models, seeds
the directory and demo staff, writes ``.local/demo-credentials.json``, serves the API with
``chalice local`` and runs the background functions (forwarder, notifier, sweep) as Lambda would.
Ctrl-C stops everything.

    python -m devtools.stack [--host 127.0.0.1] [--port 8000] [--data-dir DIR] [--endpoint URL]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="SP4N-LAPOR! local stack")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--state-dir", default=os.environ.get("LAPOR_STATE_DIR", str(ROOT / ".local")),
                        help="where credentials, the test clock and the outbox live")
    parser.add_argument("--data-dir", default=os.environ.get("LAPOR_DATA_DIR"),
                        help="keep the tables' data here across restarts")
    parser.add_argument("--endpoint", default=os.environ.get("LAPOR_DYNAMODB_ENDPOINT"),
                        help="use this DynamoDB (DynamoDB Local, LocalStack, AWS) instead of moto's")
    parser.add_argument("--sweep-every", type=float, default=60.0, help="seconds between sweeps")
    parser.add_argument("--no-workers", action="store_true", help="do not run the background functions")
    return parser.parse_args(argv)


def start_moto() -> tuple[object, str]:
    import logging

    from moto.server import ThreadedMotoServer

    from devtools.moto_patches import make_dynamodb_writes_atomic

    make_dynamodb_writes_atomic()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


LOCAL_LIMITS = ("FILINGS_PER_HOUR_PER_ADDRESS", "FILINGS_PER_DAY_PER_ADDRESS", "FILINGS_PER_DAY_PER_REPORTER",
                "UPLOADS_PER_HOUR_PER_ADDRESS", "REPLIES_PER_HOUR_PER_ADDRESS", "OPEN311_POSTS_PER_HOUR_PER_KEY",
                "SIGN_INS_PER_HOUR_PER_ADDRESS")


def configure_environment(args: argparse.Namespace, aws_url: str, state: Path) -> dict[str, str]:
    env = {
        # Links in messages: where this stack serves the pages, unless the environment says otherwise.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or f"http://{args.host}:{args.port}",
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3"),
        "AWS_ENDPOINT_URL": aws_url,
        "STAGE": "local",
        "DEV_ROUTES": "true",
        "DEV_CLOCK_FILE": str(state / "clock.json"),
        "DEV_OUTBOX_FILE": str(state / "outbox.jsonl"),
        "TABLE_PREFIX": os.environ.get("TABLE_PREFIX", "sp4n-lapor-local-"),
        "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",  # moto checks the staff's TOTP codes
        "PYTHONUNBUFFERED": "1",
        # Generous abuse limits (SPEC §11) unless the environment sets them, plus webhooks to the
        # demo receivers on this machine.
        **{name: os.environ.get(name, "1000") for name in LOCAL_LIMITS},
        "WEBHOOK_ALLOW_PRIVATE": os.environ.get("WEBHOOK_ALLOW_PRIVATE", "true"),
    }
    if args.endpoint:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = args.endpoint
        env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"] = args.endpoint
    os.environ.update(env)
    return env


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"chalice local exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/categories", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"chalice local did not answer at {url} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    state = Path(args.state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    server, aws_url = start_moto()
    configure_environment(args, aws_url, state)

    # Only now, with the environment pointing at the local AWS, import the application code.
    from devtools import bootstrap, workers

    data_dir = Path(args.data_dir).resolve() if args.data_dir else None
    summary = bootstrap.prepare(state, data_dir=data_dir)
    base_url = f"http://{args.host}:{args.port}"
    credentials = bootstrap.write_credentials(state, base_url)

    chalice = subprocess.Popen(
        # chalice local, compressing text answers as API Gateway does (devtools/local_server.py)
        [sys.executable, "-m", "devtools.local_server", "--host", args.host, "--port", str(args.port),
         "--stage", "local"],
        cwd=ROOT, env=os.environ.copy(),
    )
    stop = threading.Event()

    def shutdown(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        wait_until_up(base_url, chalice)
        threads = [] if args.no_workers else workers.start(stop, sweep_every=args.sweep_every)
        print(
            "\nSP4N-LAPOR! local stack is up\n"
            f"  API and web pages   {base_url}/  (chalice local, stage 'local', gzip like API Gateway)\n"
            f"  local AWS (moto)    {aws_url}  (DynamoDB{', streams' if not args.endpoint else ''}, "
            "S3, SES, SQS)\n"
            + (f"  DynamoDB            {args.endpoint}\n" if args.endpoint else "")
            + f"  tables              {summary['tables']} created, {summary['agencies']} agencies, "
            f"{summary['routing_rules']} routing rules\n"
            f"  staff credentials   {credentials}\n"
            "                      (API keys, and accounts: e-mail, password, TOTP secret; docs/staff-accounts.md)\n"
            f"  outbox              {base_url}/dev/outbox  (also printed here)\n"
            f"  test clock          {base_url}/dev/clock, sweep now: POST {base_url}/dev/sweep\n"
            f"  background          {', '.join(t.name for t in threads) or 'off'}\n"
            + (f"  data kept in        {data_dir}\n" if data_dir else "")
            + "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stop.is_set():
            if chalice.poll() is not None:
                print(f"chalice local exited with {chalice.returncode}", file=sys.stderr)
                return 1
            stop.wait(0.5)
        return 0
    finally:
        stop.set()
        if chalice.poll() is None:
            chalice.terminate()
            try:
                chalice.wait(timeout=10)
            except subprocess.TimeoutExpired:
                chalice.kill()
        if data_dir:
            bootstrap.save_data(data_dir)
        server.stop()
        print("local stack stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())


