"""Write ``chalicelib/data/holidays-ID.json``: Indonesia's public holidays and cuti bersama per year,
as the pinned ``holidays`` package computes them (``domain/workdays.py`` reads this table instead of
loading the package, ~0.15 s, on a cold start; years outside it still ask the package).

    python -m devtools.holidays_table

``tests/unit/test_workdays.py`` fails when the table and the installed package disagree (after an
upgrade of ``holidays``, e.g. a new cuti bersama decree): run this, review the diff, commit.
"""

from __future__ import annotations

import json
import sys

from chalicelib.domain import workdays


def main() -> int:
    table = {str(year): sorted(day.isoformat() for day in workdays.holidays_from_package(year))
             for year in range(workdays.TABLE_YEARS[0], workdays.TABLE_YEARS[1] + 1)}
    workdays.TABLE.write_text(json.dumps(table, indent=1) + "\n")
    print(f"wrote {workdays.TABLE} ({len(table)} years)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
