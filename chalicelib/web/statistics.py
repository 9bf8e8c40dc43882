"""The public statistics page (SPEC §12 ``GET /statistik``): the map beside a sortable table of
the same figures (``services/places.map_figures``, the counters ``/stats`` reads)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalicelib.web.templating import render

SORTS = ("name", "total", "resolved_pct", "on_time_pct", "duplicates")


def sort_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """By one column; areas without a figure always last, then by name."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    present = [r for r in rows if r[key] is not None]
    missing = sorted((r for r in rows if r[key] is None), key=lambda r: r["name"])
    present.sort(key=lambda r: (r[key].lower() if isinstance(r[key], str) else r[key], r["name"]), reverse=descending)
    return present + missing


def parse_sort(value: str | None, metric: str) -> str:
    sort = (value or f"-{metric}").strip()
    return sort if sort.lstrip("-") in SORTS else f"-{metric}"


def page(lang: str, found: dict[str, Any], svg: str, sort: str, errors: str | None = None) -> str:
    base = {"lang": lang, "level": found["level"], "metric": found["metric"], "from": found["from"],
            "to": found["to"]}

    def query(**changes: str) -> str:
        return urlencode({**base, **changes})

    return render("citizen/statistics.html", lang, level=found["level"], metric=found["metric"],
                  first=found["from"], last=found["to"], rows=sort_rows(found["areas"], sort), sort=sort,
                  svg=svg, query=query, errors=errors,
                  switch_url="statistik?" + urlencode({**base, "lang": "id" if lang == "en" else "en", "sort": sort}))
