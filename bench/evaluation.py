"""The national monthly evaluation and participation page with 563 agencies and a year of counters
(run by bench/run.py; SPEC §14: well within the API's 29 s).

    python -m bench.evaluation OUT.json [--days 365]

Set-up goes straight into the in-process moto backend: for every agency a counters item per day of
the year (``agency:<id>``), the national scope's items (4 shards a day), the open reports those
counters say each agency holds (``status_forwarded`` of each day: that many ``forwarded`` reports,
one of them overdue where the day counts one; what the ``open-index`` answers "held now" from), and
participation markers (every agency's ``latest``; a day marker on a third of the days for half of
them). Then the evaluation and the participation page are run as the national admin through the
services, every DynamoDB call counted.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import Recorder, create_everything, start_moto

RECORDER = Recorder()
NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
MONTH = "2026-10"
GOAL_S = 29.0  # API Gateway's limit (SPEC §14: the national evaluation answers within it)


def fill(days: int) -> dict[str, int]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import get_settings
    from chalicelib.domain.agencies import LEVELS
    from chalicelib.models import AgencyModel, ParticipationModel, StatModel
    from chalicelib.models.mapping import to_model
    from tests.factories import complaint

    settings = get_settings()
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
    stats_table, marks_table = settings.table("stats"), settings.table("participation")
    complaints_table = settings.table("complaints")
    rng = random.Random(563)
    models = [m for level in LEVELS for m in AgencyModel.level_index.query(level)]
    agencies = [m.agency_id for m in models]
    where = {m.agency_id: (m.regency_code or "31.71", tuple(m.path)) for m in models}
    first = NOW.date() - timedelta(days=days - 1)
    items = reports = 0
    for offset in range(days):
        day = (first + timedelta(days=offset)).isoformat()
        for shard in range(4):
            total = rng.randint(200, 400)
            closed = rng.randint(0, total)
            item = StatModel("national", f"{day}#{shard}", total=total, forwarded=total, status_closed=closed,
                             status_in_progress=total - closed, first_response=total,
                             first_response_on_time=rng.randint(0, total), frh_24=total // 2,
                             frh_72=total - total // 2, category_health=total // 3,
                             category_infrastructure=total - total // 3)
            backend.put_item(stats_table, item.serialize())
            items += 1
        for agency_id in agencies:
            total = rng.randint(0, 3)
            waiting = rng.randint(0, total) if offset > days - 60 else 0
            overdue = 1 if waiting and offset < days - 10 else 0
            item = StatModel(f"agency:{agency_id}", f"{day}#{rng.randrange(4)}", total=total,
                             status_forwarded=waiting, status_closed=total - waiting,
                             overdue=overdue or None, first_response=total, frh_48=total)
            backend.put_item(stats_table, item.serialize())
            items += 1
            regency_code, path = where[agency_id]
            filed = datetime.combine(first + timedelta(days=offset), datetime.min.time(), tzinfo=UTC) \
                + timedelta(hours=3)  # 10:00–12:00 local: the same day in every zone
            for n in range(waiting):  # the reports those counters say the agency holds now
                reports += 1
                held = complaint(tracking_id=f"LPR-BENCH-{reports:06d}", regency_code=regency_code, now=filed,
                                 status="forwarded", agency_id=agency_id, agency_path=path,
                                 first_forwarded_at=filed, overdue=n < overdue)
                backend.put_item(complaints_table, to_model(held, None).serialize())
    marks = 0
    for i, agency_id in enumerate(agencies):
        acted: list[date] = []
        if i % 2 == 0:
            acted = [first + timedelta(days=d) for d in range(0, days, 3)]
            for day in acted:
                moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
                backend.put_item(marks_table, ParticipationModel(agency_id, f"day#{day.isoformat()}", actions=2,
                                                                 last_action_at=moment.isoformat()).serialize())
                marks += 1
        latest = ParticipationModel(agency_id, "latest",
                                    last_action_day=acted[-1].isoformat() if acted else None,
                                    last_key_use_at=(NOW - timedelta(days=i % 60)).isoformat() if i % 3 else None)
        backend.put_item(marks_table, latest.serialize())
        marks += 1
    return {"agencies": len(agencies), "stats_items": items, "open_reports": reports,
            "participation_items": marks, "days": days}


def measure(name: str, work: Any) -> dict[str, Any]:
    """Wall time, and the CPU time of this process (the services *and* moto's server, which runs in
    it): on a shared machine the wall time grows with everyone else's load, the CPU time much less."""
    RECORDER.reset()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"name": name, "wall_s": wall, "cpu_s": cpu, "goal_s": GOAL_S, "wall_ratio_to_goal": wall / GOAL_S,
            "load_average": os.getloadavg()[0], **RECORDER.snapshot(), "result": result}


def main(argv: list[str]) -> int:
    out_path = argv[0]
    days = int(argv[argv.index("--days") + 1]) if "--days" in argv else 365
    server = start_moto()
    try:
        from chalicelib.domain.complaint import Actor
        from chalicelib.services import evaluation, participation

        create_everything()
        filled = fill(days)
        national = Actor("national_admin", "kemenpanrb", ("kemenpanrb",))
        runs = [
            measure("national evaluation", lambda: len(evaluation.evaluate(national, MONTH, NOW)["figures"])),
            measure("national participation page", lambda: participation.page(national, {"limit": "100"},
                                                                               NOW)["totals"]),
            measure("public connected_pct (national)", lambda: participation.connected_pct("national", NOW)),
        ]
    finally:
        server.stop()
    with open(out_path, "w") as f:
        json.dump({"set_up": filled, "runs": runs}, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
