"""`make bench` part: the citizen's pages on a slow phone network (issue 15).

    python -m bench.pages OUT.json [--runs N]

Starts the local stack (gzip as API Gateway compresses), then opens ``/`` and ``/track`` in Debian's
Chromium through Playwright with the network throttled by the DevTools protocol
(``Network.emulateNetworkConditions``: "Slow 3G", 2 s round trip, 400 kb/s down and up) and the
cache off, as a first visit. For each page: the bytes transferred (every response, headers
included: ``Network.loadingFinished.encodedDataLength``) and the time to first contentful paint
(the Paint Timing API), median of ``--runs`` fresh browser contexts; also the same with
``Accept-Encoding: identity`` (what the page weighed uncompressed).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}
PAGES = ("/", "/track")
GOALS = {"/": {"kb": 25.0, "fcp_s": 3.0}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_stack(state: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "DEV_", "TABLE_PREFIX"))}
    log = open(state / "stack.log", "w")  # noqa: SIM115 - the stack writes to it until it stops
    process = subprocess.Popen([sys.executable, "-m", "devtools.stack", "--port", str(port), "--state-dir",
                                str(state), "--no-workers"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the local stack exited:\n" + (state / "stack.log").read_text())
        try:
            with urllib.request.urlopen(base + "/categories", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the local stack did not start")


def measure(browser: Any, url: str, compressed: bool) -> dict[str, float]:
    context = browser.new_context(locale="id-ID", viewport={"width": 360, "height": 740},
                                  extra_http_headers={} if compressed else {"Accept-Encoding": "identity"})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    transferred: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    start = time.perf_counter()
    page.goto(url, wait_until="load", timeout=120_000)
    load_s = time.perf_counter() - start
    page.wait_for_timeout(500)  # late responses (the script's first JSON) still count
    fcp = page.evaluate("""() => { const e = performance.getEntriesByName('first-contentful-paint')[0];
                                    return e ? e.startTime : null; }""")
    context.close()
    return {"bytes": sum(transferred), "requests": len(transferred), "fcp_s": (fcp or 0) / 1000, "load_s": load_s}


def run(runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        return {"skipped": "Chromium is not installed (apt-get install chromium)"}
    state = Path(tempfile.mkdtemp(prefix="lapor-bench-pages-"))
    process, base = start_stack(state)
    results: dict[str, Any] = {"network": "Slow 3G: 2 s round trip, 400 kb/s", "runs": runs, "pages": {}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            for page_path in PAGES:
                entry: dict[str, Any] = {}
                for label, compressed in (("gzip", True), ("identity", False)):
                    samples = [measure(browser, base + page_path, compressed) for _ in range(runs)]
                    entry[label] = {key: statistics.median(s[key] for s in samples)
                                    for key in ("bytes", "requests", "fcp_s", "load_s")}
                entry["kb"] = entry["gzip"]["bytes"] / 1024
                entry["fcp_s"] = entry["gzip"]["fcp_s"]
                entry["goal"] = GOALS.get(page_path)
                results["pages"][page_path] = entry
            browser.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return results


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0]) if args else None
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
    results = run(runs)
    text = json.dumps(results, indent=2)
    if out:
        out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
