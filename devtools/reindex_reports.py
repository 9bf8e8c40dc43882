"""Re-save the index attributes every report derives from its own state (a one-off after an index
is added).

    python -m devtools.reindex_reports [--dry-run] [--endpoint URL] [--table-prefix P]

Each write of a report stores, beside the report, the keys of the sparse indexes it belongs on
(``models/mapping.to_model``): ``open_agency`` (the ``open-index``: what an agency holds now, read
by participation, SPEC §14, and by the daily digests, SPEC §13), ``near_pk`` (the ``nearby-index``,
SPEC §12) and ``scope0``…``scope3`` (a coordinator's inbox). A report last written before one of
those indexes existed is missing from it until its next change: an agency's "held now" and its
digest would not see it. This tool finds such reports and writes the missing or stale attributes.

An offline maintenance job, allowed to **Scan** (never a request or a scheduled path): it Scans the
complaints table and, for each report whose stored index attributes differ from what its current
state gives, sets them with one ``UpdateItem`` on the condition that the report's ``version`` is
still the one read. A report changed meanwhile is skipped: that change wrote every attribute anew.
Running it twice changes nothing the second time. ``--dry-run`` reports what it would change.

It talks to the DynamoDB the environment points at (``AWS_*`` variables, ``TABLE_PREFIX``), or to
``--endpoint`` (e.g. the local stack's moto server). Prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from devtools import maintenance

# Attributes that are a function of the report alone (not of the time or the limits).
DERIVED = ("open_agency", "near_pk", "scope0", "scope1", "scope2", "scope3")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Re-save the index attributes reports derive from their state")
    parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    maintenance.add_target_arguments(parser)
    return parser.parse_args(argv)


def stale_attributes(model: Any) -> dict[str, str | None]:
    """The derived attributes whose stored value differs from what the report's state gives."""
    from chalicelib.models.mapping import from_model, to_model

    wanted = to_model(from_model(model), None)
    return {name: getattr(wanted, name) for name in DERIVED if getattr(model, name) != getattr(wanted, name)}


def fix(model: Any, changes: dict[str, str | None]) -> bool:
    """Write ``changes`` if the report is still at the version read; False when it changed meanwhile."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.models import ComplaintModel

    attribute = {name: getattr(ComplaintModel, name) for name in DERIVED}
    actions = [attribute[name].set(value) if value is not None else attribute[name].remove()
               for name, value in sorted(changes.items())]
    try:
        model.update(actions=actions, condition=ComplaintModel.version == model.version)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def reindex(*, dry_run: bool = False) -> dict[str, Any]:
    from chalicelib.models import ComplaintModel

    summary: dict[str, Any] = {"scanned": 0, "stale": 0, "fixed": 0, "changed_meanwhile": 0}
    attributes: Counter[str] = Counter()
    for model in ComplaintModel.scan():
        summary["scanned"] += 1
        changes = stale_attributes(model)
        if not changes:
            continue
        summary["stale"] += 1
        attributes.update(changes.keys())
        if dry_run:
            continue
        summary["fixed" if fix(model, changes) else "changed_meanwhile"] += 1
    summary["attributes"] = dict(sorted(attributes.items()))
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    maintenance.point_at(args)
    print(json.dumps({"dry_run": args.dry_run, **reindex(dry_run=args.dry_run)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
