"""Rebuild the statistics counters from the reports (migrations, or to repair drift).

    python -m devtools.rebuild_stats [--dry-run] [--scope SCOPE ...] [--endpoint URL] [--table-prefix P]

An offline maintenance job, and the one place allowed to **Scan**: it Scans the complaints table
(every report's contribution, summed) and the stats table (what the counters say now), then adds
the difference to each day's shard 0, so that reads equal the rebuilt sums afterwards. Changes
committed while it runs are not overwritten (the correction is an ``ADD``), but one landing between
the Scan and the correction can be miscounted: run it when writes are quiet, then run ``--dry-run``
again and check that ``drift_items`` is 0. Use it after adding a counter or a scope to
``chalicelib/domain/stats.py`` (the latest: ``duplicates`` and ``duplicates_forwarded``, SPEC §12,
which a stage that marked duplicates before they were counted needs once), or whenever
``--dry-run`` reports drift.

It talks to the DynamoDB the environment points at (``AWS_*`` variables, ``TABLE_PREFIX``), or to
``--endpoint`` (e.g. the local stack's moto server, DynamoDB Local). Prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import sys

from devtools import maintenance


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Rebuild the statistics counters from the reports")
    parser.add_argument("--dry-run", action="store_true", help="report the drift, change nothing")
    parser.add_argument("--scope", action="append", default=None,
                        help="only this scope (national, province:73, regency:73.71, agency:<id>, within:<id>); "
                             "repeatable; default: every scope")
    maintenance.add_target_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    maintenance.point_at(args)
    from chalicelib.services import stats

    report = stats.rebuild(scopes=set(args.scope) if args.scope else None, dry_run=args.dry_run)
    print(json.dumps({"dry_run": args.dry_run, **report}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
