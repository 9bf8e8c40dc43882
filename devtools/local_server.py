"""``chalice local`` that compresses, as API Gateway does when deployed (SPEC §13, issue 15).

The deployed REST API compresses answers of ``minimum_compression_size`` bytes or more
(``.chalice/config.json``) for a client that sends ``Accept-Encoding: gzip``; ``chalice local`` does
not, so the local stack would show a citizen on a slow phone network a heavier page than production
sends. This runs the very same local server (Chalice's ``LocalDevServer`` and its request handler,
chalice 1.34 pinned in requirements-dev.txt; ``tests/e2e/test_compression.py`` is the canary) with one
change: text answers (HTML, CSS, JavaScript, JSON, SVG, CSV, XML) of at least that size go out gzip'd
when the client accepts it.

    python -m devtools.local_server [--host 127.0.0.1] [--port 8000] [--stage local]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import logging
import sys
from pathlib import Path
from typing import Any

from chalice.local import ChaliceRequestHandler

ROOT = Path(__file__).resolve().parent.parent
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml",
                "application/problem+json")
DEFAULT_MINIMUM = 1024


def accepts_gzip(header: str | None) -> bool:
    """``gzip`` (or ``*``) listed with a weight above zero (RFC 9110 §12.5.3)."""
    for item in (header or "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        weight = params.strip().lower()
        if weight.startswith("q="):
            try:
                return float(weight[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def compressible(content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind.startswith(COMPRESSIBLE)


class CompressingRequestHandler(ChaliceRequestHandler):
    minimum_size = DEFAULT_MINIMUM

    def _send_http_response_with_body(self, code: int, headers: dict[str, Any], body: str | bytes) -> None:
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        already = any(name.lower() == "content-encoding" for name in headers)
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
        if (not already and len(data) >= self.minimum_size and compressible(content_type)
                and accepts_gzip(self.headers.get("accept-encoding")) and self.command != "HEAD"):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers = {**headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        super()._send_http_response_with_body(code, headers, data)


def create_server(host: str, port: int, stage: str) -> Any:
    """What ``chalice local`` builds (``chalice.cli.create_local_server``), with our handler."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    validate_routes(app.routes)
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    minimum = config.minimum_compression_size
    handler = type("Handler", (CompressingRequestHandler,), {
        "minimum_size": DEFAULT_MINIMUM if minimum is None else int(minimum)})
    return LocalDevServer(app, config, host, port, handler_cls=handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="chalice local, compressing like API Gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")  # as chalice local does
    server = create_server(args.host, args.port, args.stage)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the stack stops us
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
