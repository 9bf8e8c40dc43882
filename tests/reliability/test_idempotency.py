"""One Idempotency-Key, many submissions racing each other: exactly one report (SPEC §7).

A citizen's phone retries, a form is posted twice, a proxy replays: every copy carries the same key.
Each answer is the first answer again (201, same tracking id and token) or "still being filed"
(409 ``request_in_progress`` with Retry-After); never a 5xx, never a second report.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.factories import valid_report

REGENCY = ("94", "94.01")  # a quiet corner of the seed data (Papua), so the queue is easy to read


def unique_report() -> dict:
    marker = uuid.uuid4().hex[:8]
    return valid_report(title=f"Lampu jalan padam {marker}", category="other", province_code=REGENCY[0],
                        regency_code=REGENCY[1])


def submit_in_process(report: dict, key: str, lambda_context=None):
    """One filing through the same code path as the API: middleware, service, DynamoDB (moto server)."""
    from chalicelib.handlers import http
    from chalicelib.handlers.middleware import endpoint
    from chalicelib.services import submit

    @endpoint
    def post():
        return http.respond(submit.submit(json.loads(json.dumps(report)), idempotency_key=key,
                                          lambda_context=lambda_context), 201)

    return post()


def race(total: int, at_once: int, send) -> list:
    """``total`` calls of ``send``, in waves of ``at_once`` released together."""
    answers: list = []
    for _ in range(total // at_once):
        gate = threading.Barrier(at_once)

        def one(gate: threading.Barrier = gate):
            gate.wait()
            return send()

        with ThreadPoolExecutor(max_workers=at_once) as pool:
            answers += list(pool.map(lambda _: one(), range(at_once)))
    return answers


def reports_titled(title: str) -> list:
    from chalicelib.domain.agencies import region_queue
    from chalicelib.models import ComplaintModel

    queue = region_queue(REGENCY[1]).agency_id
    return [m for m in ComplaintModel.agency_index.query(queue) if m.title == title]


def assert_one_answer(answers: list[tuple[int, dict, dict]]) -> dict:
    statuses = sorted({status for status, _, _ in answers})
    assert all(status < 500 for status, _, _ in answers), statuses
    assert set(statuses) <= {201, 409}, statuses
    filed = [body for status, body, _ in answers if status == 201]
    assert filed, "no copy was answered 201"
    assert len({(b["tracking_id"], b["reporter_token"]) for b in filed}) == 1, "two different receipts"
    for status, body, headers in answers:
        if status == 409:
            assert body["error"]["code"] == "request_in_progress", body
            assert int(headers["Retry-After"]) >= 1
    return filed[0]


def test_one_key_many_concurrent_submissions_file_one_report(tables, sizes):
    # Given one report and one Idempotency-Key
    report, key = unique_report(), f"rel-{uuid.uuid4()}"

    # When it is submitted many times, many copies at once
    def send():
        response = submit_in_process(report, key)
        return response.status_code, response.body, response.headers

    answers = race(sizes.idempotent_submissions, sizes.at_once, send)

    # Then every answer is the one receipt or "still being filed", and one report exists
    receipt = assert_one_answer(answers)
    stored = reports_titled(report["title"])
    assert [m.tracking_id for m in stored] == [receipt["tracking_id"]]
    from chalicelib.services import store

    assert [e.type for e in store.timeline(receipt["tracking_id"])] == ["submitted"]
    # And a late copy, after the dust settled, is answered the same receipt
    late = submit_in_process(report, key)
    assert late.status_code == 201 and late.body == receipt
    print(f"\n{len(answers)} copies: {sum(1 for a in answers if a[0] == 201)} × 201, "
          f"{sum(1 for a in answers if a[0] == 409)} × 409 request_in_progress; one report")


def test_an_earlier_requests_lambda_context_does_not_let_copies_through(tables, sizes):
    # Given an earlier filing made under a Lambda context whose time has since run out
    from chalice.local import LambdaContext

    earlier = LambdaContext("api_handler", 256, max_runtime_ms=1)
    time.sleep(0.01)
    assert submit_in_process(unique_report(), f"rel-{uuid.uuid4()}", lambda_context=earlier).status_code == 201
    # When copies of another report race each other, without a context of their own
    report, key = unique_report(), f"rel-{uuid.uuid4()}"
    answers = race(sizes.at_once, sizes.at_once, lambda: (lambda r: (r.status_code, r.body, r.headers))(
        submit_in_process(report, key)))
    # Then the first copy's record is not taken for expired: one report
    receipt = assert_one_answer(answers)
    assert [m.tracking_id for m in reports_titled(report["title"])] == [receipt["tracking_id"]]


def test_the_same_key_with_another_body_is_refused_and_files_nothing(tables):
    report, key = unique_report(), f"rel-{uuid.uuid4()}"
    first = submit_in_process(report, key)
    other = submit_in_process({**report, "description": report["description"] + " Tambahan."}, key)
    assert first.status_code == 201
    assert other.status_code == 409 and other.body["error"]["code"] == "idempotency_key_reused"
    assert len(reports_titled(report["title"])) == 1


@pytest.mark.e2e
def test_one_key_many_concurrent_http_posts_to_the_local_stack_file_one_report(stack, sizes):
    # Given the real stack over HTTP, and one report posted by many clients at once with one key
    report, key = unique_report(), f"rel-http-{uuid.uuid4()}"

    def send():
        # chalice local listens with a backlog of 5: a burst may have its connection reset, and a
        # client sends again, which the key makes safe.
        for _ in range(10):
            try:
                response = requests.post(stack.url("/complaints"), json=report, timeout=30,
                                         headers={"Idempotency-Key": key})
            except requests.ConnectionError:
                time.sleep(0.1)
                continue
            return response.status_code, response.json(), response.headers
        raise AssertionError("the stack refused every connection")

    answers = race(sizes.at_once, sizes.at_once, send)
    receipt = assert_one_answer(answers)
    # Then the national inbox, filtered to today's reports of this category, lists it once
    national = stack.staff("national_admin")
    today = (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()
    found, cursor = [], None
    for _ in range(20):
        params = {"category": "other", "from": today, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = stack.get("/agency/complaints", headers=national, params=params).json()
        found += [item for item in page["complaints"] if item["title"] == report["title"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [item["tracking_id"] for item in found] == [receipt["tracking_id"]]
