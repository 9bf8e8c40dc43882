"""Compressed answers (issue 15): the local stack gzips text answers as API Gateway does when
deployed (``minimum_compression_size``), for clients that accept it. Also the canary for
``devtools/local_server.py``, which builds on chalice 1.34's local server."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def raw(stack, path: str, encoding: str | None):
    headers = {"Accept-Encoding": encoding} if encoding is not None else {"Accept-Encoding": "identity"}
    response = stack.http.get(stack.url(path), headers=headers, stream=True, timeout=30)
    return response, response.raw.read(decode_content=False)


def test_text_answers_are_gzipped_for_a_client_that_accepts_it(stack):
    for path in ("/", "/track", "/regions", "/static/app.css", "/static/form.js"):
        # When a browser that accepts gzip asks
        response, body = raw(stack, path, "gzip, deflate, br")
        # Then the answer is gzip'd, says so, and unpacks to what an identity client gets
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") == "gzip", path
        assert "Accept-Encoding" in response.headers.get("Vary", ""), path
        plain_response, plain = raw(stack, path, None)
        assert "Content-Encoding" not in plain_response.headers, path
        unpacked = gzip.decompress(body)
        if path in ("/", "/track"):  # each form page carries its own fresh key: compare the shape
            assert unpacked.startswith(b"<!doctype html>") and abs(len(unpacked) - len(plain)) < 200, path
        else:
            assert unpacked == plain, path
        assert len(body) < len(plain) / 2, (path, len(body), len(plain))


def test_small_answers_and_refusing_clients_are_sent_as_they_are(stack):
    response, body = raw(stack, "/dev/clock", "gzip")  # well under the minimum size
    assert "Content-Encoding" not in response.headers and json.loads(body)["now"]
    response, _ = raw(stack, "/", "gzip;q=0, identity")
    assert "Content-Encoding" not in response.headers


def test_api_gateway_compresses_from_the_same_size():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert config["minimum_compression_size"] == 1024
