"""`make bench` part: locating a point (SPEC §12, ``GET /regions/locate``).

    python -m bench.places OUT.json

In a fresh process: the cost of the first locate (reading the compact boundaries), then warm
locates of a point inside every one of the 514 regencies (each regency's own first point is
skipped: it builds that ring's index once; each point's median of 5 runs), through the domain
function and through the whole
HTTP route (Chalice's test client, in process; no AWS is touched); and the size of the statistics
map (``/stats/map.svg``) of the 38 provinces and of the 514 regencies.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50": statistics.median(ordered), "p99": ordered[int(0.99 * (len(ordered) - 1))],
            "max": ordered[-1]}


def _inside_points() -> list[tuple[float, float]]:
    """One point per regency that the locator puts in it: the first point along a few rows of its
    bounding box (the middle row first) that lies inside it."""
    from chalicelib.domain import places

    b = places.boundaries()
    points = []
    for regency in b.regencies:
        x0, y0, x1, y1 = regency.bbox
        candidates = ((y0 + (y1 - y0) * row / 16, x0 + (x1 - x0) * step / 200)
                      for row in (8, 4, 12, 2, 6, 10, 14, 1, 3, 5, 7, 9, 11, 13, 15) for step in range(1, 200))
        for y, x in candidates:
            if any(r.code == regency.code for r in b.regencies_at(y / b.scale, x / b.scale)):
                points.append((y / b.scale, x / b.scale))
                break
    return points


def measure() -> dict:
    started = time.perf_counter()
    from chalicelib.domain import places

    places.locate(-5.1436, 119.4075)
    first_ms = (time.perf_counter() - started) * 1000
    points = _inside_points()
    for lat, lon in points:  # build each ring's bands once: the warm path is what is measured
        places.locate(lat, lon)
    warm = []
    for lat, lon in points:  # each point's median of 5: the code's cost, less the shared machine's noise
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            places.locate(lat, lon)
            runs.append((time.perf_counter() - t) * 1000)
        warm.append(statistics.median(runs))

    from chalice.test import Client

    from app import app

    route = []
    with Client(app) as client:
        for lat, lon in points:
            runs = []
            for _ in range(5):
                t = time.perf_counter()
                answer = client.http.get(f"/regions/locate?lat={lat:.5f}&long={lon:.5f}")
                runs.append((time.perf_counter() - t) * 1000)
                assert answer.status_code == 200, answer.body
            route.append(statistics.median(runs))
    from chalicelib.domain.reference import regions
    from chalicelib.web import statmap

    sizes = {}
    for level, areas in (("province", regions().provinces), ("regency", regions().regencies)):
        values = {code: float(n % 101) for n, code in enumerate(areas)}
        svg = statmap.render(level, "resolved_pct", values, {c: a.name for c, a in areas.items()}, "bench")
        sizes[level] = len(svg.encode("utf-8"))
    return {"first_locate_ms": first_ms, "points": len(points), "warm_locate_ms": _percentiles(warm),
            "warm_route_ms": _percentiles(route), "map_bytes": sizes}


def main(argv: list[str]) -> int:
    result = measure()
    Path(argv[0]).write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
