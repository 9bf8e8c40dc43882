"""Build the compact place files the functions ship, from the regency boundaries GeoJSON (MIT).

    python -m devtools.build_places [--check]

The GeoJSON (``chalicelib/data/wilayah/regency-boundaries.geojson``, 3.4 MB) is the source and is
not packaged (``deploy/slim.py`` drops it). From it this writes:

- ``regency-boundaries.bin``: every ring at full precision (5 decimals) as 32-bit integers, with a
  table of regencies, polygons (each with its bounding box) and rings. ``domain/places.py`` locates
  a point in it; reading it is one ``array.frombytes`` per table, so the first locate of a cold
  function costs milliseconds, not the ~100 ms of parsing the GeoJSON.
- ``map-shapes.json``: the outlines for the statistics map (``GET /stats/map.svg``, SPEC §12),
  projected once (equirectangular: at Indonesia's latitudes the equator's scale is within 2 %) onto
  a 1000-unit-wide drawing, simplified (Douglas-Peucker) and written as SVG path data in integer
  tenths of a unit with relative moves: a province is its regencies' outer rings drawn together
  (fill rule nonzero), simplified more coarsely; a regency keeps its holes (fill rule evenodd);
  islands smaller than about half a unit square are left out.

``--check`` rebuilds in memory and fails when a committed file differs (tests/unit/test_places.py
runs it), so the shipped files always come from the shipped source.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from array import array
from itertools import pairwise
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "chalicelib" / "data" / "wilayah"
SOURCE = DATA / "regency-boundaries.geojson"
LOCATOR = DATA / "regency-boundaries.bin"
MAGIC = b"RGB1"
SCALE = 100_000  # 5 decimals: the source's own precision


def _fixed(value: float) -> int:
    return round(value * SCALE)


def load_source(path: Path = SOURCE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def locator_bytes(features: list[dict]) -> bytes:
    """Header (JSON: regencies with bounding box and polygon range), then int32 tables:
    polygons (x0, y0, x1, y1, first ring, ring count), rings (first point, point count), points
    (x, y interleaved, in 1e-5 degrees)."""
    regencies, polygons, rings, points = [], array("i"), array("i"), array("i")
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        first_polygon = len(polygons) // 6
        box = [None, None, None, None]
        for polygon in feature["geometry"]["coordinates"]:
            first_ring = len(rings) // 2
            xs = [_fixed(x) for x, _ in polygon[0]]
            ys = [_fixed(y) for _, y in polygon[0]]
            for ring in polygon:
                rings.extend((len(points) // 2, len(ring)))
                for x, y in ring:
                    points.extend((_fixed(x), _fixed(y)))
            pbox = (min(xs), min(ys), max(xs), max(ys))
            polygons.extend((*pbox, first_ring, len(polygon)))
            box = [pbox[i] if box[i] is None else (min if i < 2 else max)(box[i], pbox[i]) for i in range(4)]
        regencies.append({"code": feature["properties"]["code"], "name": feature["properties"]["name"],
                          "bbox": box, "polygons": [first_polygon, len(polygons) // 6]})
    header = json.dumps({"scale": SCALE, "regencies": regencies, "polygons": len(polygons) // 6,
                         "rings": len(rings) // 2, "points": len(points) // 2},
                        ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header += b" " * (-len(header) % 4)
    for table in (polygons, rings, points):
        if sys.byteorder != "little":
            table.byteswap()
    return MAGIC + struct.pack("<I", len(header)) + header + polygons.tobytes() + rings.tobytes() + points.tobytes()


# --- the map ------------------------------------------------------------------------------------------

MAP = DATA / "map-shapes.json"
LON_WEST, LON_EAST, LAT_NORTH, LAT_SOUTH = 94.8, 141.2, 6.3, -11.2
WIDTH = 1000  # drawing units; path data is in tenths of a unit
GRID = 10
PROVINCE_TOLERANCE = 6  # tenths of a unit: 0.6 of 1000 across the country (about 3 km)
REGENCY_TOLERANCE = 3
MIN_EXTENT = 6  # a ring whose box is smaller than this (tenths) both ways is left out


def _project(lon: float, lat: float) -> tuple[int, int]:
    scale = WIDTH * GRID / (LON_EAST - LON_WEST)
    return round((lon - LON_WEST) * scale), round((LAT_NORTH - lat) * scale)


def map_size() -> tuple[int, int]:
    scale = WIDTH / (LON_EAST - LON_WEST)
    return WIDTH, round((LAT_NORTH - LAT_SOUTH) * scale)


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas-Peucker, iterative (long coastlines would recurse deeply)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * (px - x1) - dx * (py - y1)) / length
            else:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if distance > worst:
                worst, index = distance, i
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _ring_path(ring: list[list[float]], tolerance: float) -> str:
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        point = _project(lon, lat)
        if not points or point != points[-1]:
            points.append(point)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if max(xs) - min(xs) < MIN_EXTENT and max(ys) - min(ys) < MIN_EXTENT:
        return ""
    # A closed ring: split at its far point so both halves keep their ends.
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
    simple = _simplify(points[:far + 1], tolerance)[:-1] + _simplify(points[far:], tolerance)
    simple = [p for i, p in enumerate(simple) if i == 0 or p != simple[i - 1]]
    if simple[-1] == simple[0]:
        simple.pop()
    if len(simple) < 3:
        return ""
    parts = [f"M{simple[0][0]} {simple[0][1]}l"]
    moves = []
    for (x1, y1), (x2, y2) in pairwise(simple):
        moves.append(f"{x2 - x1} {y2 - y1}")
    return parts[0] + " ".join(moves).replace(" -", "-") + "z"


def _area_path(feature: dict, tolerance: float, *, holes: bool = True) -> str:
    """The area's rings; an area made only of islands too small to draw (Kepulauan Seribu) is a
    small square at its centroid, so that every area can still be found and read on the map.
    Without ``holes``, outer rings only (a province: its holes are its own enclave cities)."""
    path = "".join(_ring_path(ring, tolerance) for polygon in feature["geometry"]["coordinates"]
                   for ring in (polygon if holes else polygon[:1]))
    if path:
        return path
    x, y = _project(*feature["properties"]["centroid"])
    half = MIN_EXTENT // 2
    return f"M{x - half} {y - half}h{2 * half}v{2 * half}h-{2 * half}z"


def map_shapes(features: list[dict]) -> bytes:
    width, height = map_size()
    ordered = sorted(features, key=lambda f: f["properties"]["code"])
    regencies = {f["properties"]["code"]: _area_path(f, REGENCY_TOLERANCE) for f in ordered}
    provinces: dict[str, str] = {}
    for f in ordered:
        code = f["properties"]["code"].split(".")[0]
        provinces[code] = provinces.get(code, "") + _area_path(f, PROVINCE_TOLERANCE, holes=False)
    document = {"width": width, "height": height, "grid": GRID, "provinces": provinces, "regencies": regencies}
    return (json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def build() -> dict[Path, bytes]:
    features = load_source()
    return {LOCATOR: locator_bytes(features), MAP: map_shapes(features)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed file is not what the source gives")
    args = parser.parse_args(argv)
    stale = []
    for path, content in build().items():
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(path.name)
            continue
        path.write_bytes(content)
        print(f"{path.relative_to(DATA.parent.parent.parent)}: {len(content) / 1e3:.0f} KB")
    if stale:
        print(f"out of date: {', '.join(stale)} (run python -m devtools.build_places)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
