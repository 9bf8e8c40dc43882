"""The reminder sweep against the moto server: exactly once under concurrency, cost by what is due."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import escalation
from chalicelib.domain.complaint import Complaint, Status, Target, forward
from chalicelib.domain.deadlines import Limits
from tests.factories import complaint

UNIT = Target("dinas-pupr-kota-bandung",
              ("kemenpanrb", "pemprov-jawa-barat", "pemkot-bandung", "dinas-pupr-kota-bandung"), "Dinas PUPR")
LIMITS = Limits()
# A fixed "now" far in the future of every other test's reports is not possible (their deadlines
# would be due too), so each test first sweeps everything due at its "now", then adds its own.
NOW = datetime(2031, 6, 2, 3, 0, tzinfo=UTC)


def _seq() -> str:
    import secrets

    return "".join(secrets.choice("23456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(8))


def make(due: bool) -> Complaint:
    """A forwarded Bandung report whose first-response deadline is past (due) or far ahead."""
    filed = NOW - timedelta(days=20) if due else NOW - timedelta(hours=1)
    tid = f"LPR-{(s := _seq())[:4]}-{s[4:]}"
    c = complaint(tracking_id=tid, now=filed, province_code="32", regency_code="32.73",
                  agency_id="pemkot-bandung", agency_path=UNIT.path[:3])
    c, _ = forward(c, UNIT, filed, LIMITS)
    return c


def insert(reports: list[Complaint]) -> None:
    """Set-up only: straight into the in-process moto backend (no HTTP), so 20,000 rows take
    seconds. What is measured afterwards goes through the API as usual."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings
    from chalicelib.models.mapping import to_model

    settings = get_settings()
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
    table = backend.get_table(settings.table("complaints"))
    # These rows stand for reports filed long ago: keep them off the stream, or every later test's
    # forwarder would first have to read 20,000 old INSERTs.
    shard, table.stream_shard = table.stream_shard, None
    try:
        for c in reports:
            item = to_model(c, escalation.next_due_at(c, c.updated_at, LIMITS)).serialize()
            backend.put_item(settings.table("complaints"), item)
    finally:
        table.stream_shard = shard


@pytest.fixture
def quiet(tables):
    """Nothing else is due at NOW."""
    from chalicelib.services import sweep

    sweep.run(now=NOW, max_reports=10**6)
    assert sweep.run(now=NOW)["examined"] == 0


def test_two_sweeps_at_once_send_each_step_exactly_once(quiet):
    from chalicelib.models import NotificationModel
    from chalicelib.services import store, sweep

    due = [make(due=True) for _ in range(20)]
    insert(due)
    barrier = threading.Barrier(2)
    results = []

    def one_sweep() -> None:
        barrier.wait()
        results.append(sweep.run(now=NOW))

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # and a retried sweep afterwards finds nothing left to do
    assert sweep.run(now=NOW)["steps"] == {}
    for c in due:
        types = [e.type for e in store.timeline(c.tracking_id)]
        assert types.count("overdue") == 1 and types.count("escalated") == 3, types
        kinds = [n.kind for n in NotificationModel.query(c.tracking_id)]
        assert kinds.count("overdue") == 1 and kinds.count("escalation") == 6  # target + holder, 3 levels
        final = store.get(c.tracking_id, consistent=True)
        assert final.escalation_level == 3 and final.overdue and final.status == Status.FORWARDED
    total = sum(r["steps"].get("escalation", 0) for r in results)
    assert total == 60


def _sweep_cost(calls) -> tuple[dict, int]:
    from chalicelib.services import sweep

    calls.reset()
    summary = sweep.run(now=NOW)
    return dict(calls.counts), summary["examined"]


@pytest.mark.slow
def test_cost_grows_with_what_is_due_not_with_the_table(quiet, dynamodb_calls):
    # Given 500 reports of which 50 are due
    insert([make(due=False) for _ in range(450)] + [make(due=True) for _ in range(50)])
    small, examined_small = _sweep_cost(dynamodb_calls)
    # And then a table of 20,000 reports with (another) 50 due
    insert([make(due=False) for _ in range(19_450)] + [make(due=True) for _ in range(50)])
    large, examined_large = _sweep_cost(dynamodb_calls)
    # Then both sweeps examined the 50 due and cost the same calls: 1 Query a page, 1 write each
    assert examined_small == examined_large == 50
    assert small == large, (small, large)
    assert small.get("Scan", 0) == 0
    assert small["Query"] <= 50 // 100 + 1 + 1 and small["TransactWriteItems"] == 50
