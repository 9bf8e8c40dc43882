"""Build the compact place files the functions ship, from the regency boundaries GeoJSON (MIT).

    python -m devtools.build_places [--check]

The GeoJSON (``chalicelib/data/wilayah/regency-boundaries.geojson``, 3.4 MB) is the source and is
not packaged (``deploy/slim.py`` drops it). From it this writes:

- ``regency-boundaries.bin``: every ring at full precision (5 decimals) as 32-bit integers, with a
  table of regencies, polygons (each with its bounding box) and rings. ``domain/places.py`` locates
  a point in it; reading it is one ``array.frombytes`` per table, so the first locate of a cold
  function costs milliseconds, not the ~100 ms of parsing the GeoJSON.

``--check`` rebuilds in memory and fails when a committed file differs (tests/unit/test_places.py
runs it), so the shipped files always come from the shipped source.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from array import array
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


def build() -> dict[Path, bytes]:
    features = load_source()
    return {LOCATOR: locator_bytes(features)}


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
