"""Where a point is (SPEC §12): the regency that holds it, distances, geohash cells.

The boundaries are the 514 regencies of ``data/wilayah/regency-boundaries.geojson`` (MIT, see
``LICENSE-boundaries.md``), shipped as ``regency-boundaries.bin`` (``devtools/build_places.py``):
the same rings at full precision as 32-bit integers. They are read on the first locate only, so
functions that never locate never pay for them.

Locating is bounding boxes first (regency, then each polygon), then an even-odd ray test over the
polygon's rings. A ring's edges are bucketed into horizontal bands the first time the ring is
tested, so a warm test looks at a few dozen edges, not the thousands of a long coastline.
"""

from __future__ import annotations

import json
import math
import struct
import sys
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

BOUNDARIES = Path(__file__).resolve().parent.parent / "data" / "wilayah" / "regency-boundaries.bin"
EARTH_RADIUS_M = 6_371_008.8
EDGES_PER_BAND = 16


@dataclass(frozen=True)
class Place:
    province_code: str
    regency_code: str
    name: str


class _Ring:
    """One ring's points and, once built, its edges grouped by the latitude bands they cross."""

    __slots__ = ("bands", "height", "xs", "ymin", "ys")

    def __init__(self, xs: array, ys: array) -> None:
        self.xs, self.ys = xs, ys
        self.bands: list[list[int]] | None = None
        self.ymin = self.height = 0

    def _build(self) -> list[list[int]]:
        ys = self.ys
        n = len(ys)
        self.ymin = min(ys)
        count = max(1, n // EDGES_PER_BAND)
        self.height = max(1, -(-(max(ys) - self.ymin + 1) // count))
        bands: list[list[int]] = [[] for _ in range(count)]
        for i in range(n - 1):
            low, high = (ys[i], ys[i + 1]) if ys[i] <= ys[i + 1] else (ys[i + 1], ys[i])
            for band in range((low - self.ymin) // self.height, (high - self.ymin) // self.height + 1):
                bands[band].append(i)
        return bands

    def crossings(self, x: int, y: int) -> int:
        """How many edges a ray from (x, y) towards +x crosses (half-open in y: no double count)."""
        bands = self.bands
        if bands is None:
            bands = self.bands = self._build()
        band = (y - self.ymin) // self.height
        if not 0 <= band < len(bands):
            return 0
        xs, ys = self.xs, self.ys
        inside = 0
        for i in bands[band]:
            y1, y2 = ys[i], ys[i + 1]
            if (y1 > y) != (y2 > y):
                x1 = xs[i]
                if x < x1 + (xs[i + 1] - x1) * (y - y1) / (y2 - y1):
                    inside += 1
        return inside


@dataclass
class _Regency:
    code: str
    name: str
    bbox: tuple[int, int, int, int]
    polygons: range


class Boundaries:
    """The regency boundaries, read from the compact file once."""

    def __init__(self, data: bytes) -> None:
        if data[:4] != b"RGB1":
            raise ValueError("not a regency boundaries file")
        (length,) = struct.unpack_from("<I", data, 4)
        header = json.loads(data[8:8 + length])
        self.scale: int = header["scale"]
        offset = 8 + length

        def table(count: int) -> array:
            nonlocal offset
            values = array("i")
            values.frombytes(data[offset:offset + 4 * count])
            if sys.byteorder != "little":
                values.byteswap()
            offset += 4 * count
            return values

        self._polygons = table(6 * header["polygons"])
        self._rings = table(2 * header["rings"])
        points = table(2 * header["points"])
        self._xs, self._ys = points[0::2], points[1::2]
        self._ring_cache: dict[int, _Ring] = {}
        self.regencies = [_Regency(r["code"], r["name"], tuple(r["bbox"]), range(*r["polygons"]))
                          for r in header["regencies"]]

    def _ring(self, index: int) -> _Ring:
        ring = self._ring_cache.get(index)
        if ring is None:
            start, count = self._rings[2 * index], self._rings[2 * index + 1]
            ring = self._ring_cache[index] = _Ring(self._xs[start:start + count], self._ys[start:start + count])
        return ring

    def _in_polygon(self, index: int, x: int, y: int) -> bool:
        p = self._polygons
        base = 6 * index
        if not (p[base] <= x <= p[base + 2] and p[base + 1] <= y <= p[base + 3]):
            return False
        first, count = p[base + 4], p[base + 5]
        crossings = sum(self._ring(first + k).crossings(x, y) for k in range(count))
        return crossings % 2 == 1

    def regencies_at(self, lat: float, lon: float) -> list[_Regency]:
        x, y = round(lon * self.scale), round(lat * self.scale)
        return [r for r in self.regencies
                if r.bbox[0] <= x <= r.bbox[2] and r.bbox[1] <= y <= r.bbox[3]
                and any(self._in_polygon(i, x, y) for i in r.polygons)]

    def locate(self, lat: float, lon: float) -> _Regency | None:
        """The regency holding the point; where two overlap (a city drawn over its regency instead
        of cut out of it), the smaller one, which is the city."""
        found = self.regencies_at(lat, lon)
        if not found:
            return None
        return min(found, key=lambda r: (r.bbox[2] - r.bbox[0]) * (r.bbox[3] - r.bbox[1]))


_lock = threading.Lock()
_boundaries: Boundaries | None = None


def boundaries() -> Boundaries:
    global _boundaries
    if _boundaries is None:
        with _lock:
            if _boundaries is None:
                _boundaries = Boundaries(BOUNDARIES.read_bytes())
    return _boundaries


def locate(lat: float, lon: float) -> Place | None:
    """The regency (and its province) that holds the point, or None in the sea or abroad."""
    regency = boundaries().locate(lat, lon)
    if regency is None:
        return None
    return Place(province_code=regency.code.split(".")[0], regency_code=regency.code, name=regency.name)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# --- geohash cells for the nearby index ---------------------------------------------------------

_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
# Precision 5: a cell is about 4.9 km x 4.9 km at the equator (narrower in longitude further from
# it, never under 4.4 km in Indonesia). A 1 km circle's bounding box (2 km x 2 km) is then covered
# by the cells of its four corners, which are the point's cell and some of its eight neighbours:
# at most four Queries, usually one.
CELL_PRECISION = 5
NEARBY_RADIUS_M = 1_000


def geohash(lat: float, lon: float, precision: int = CELL_PRECISION) -> str:
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    chars, bits, value, even = [], 0, 0, True
    while len(chars) < precision:
        rng, coord = (lon_range, lon) if even else (lat_range, lat)
        middle = (rng[0] + rng[1]) / 2
        value <<= 1
        if coord >= middle:
            value |= 1
            rng[0] = middle
        else:
            rng[1] = middle
        even = not even
        bits += 1
        if bits == 5:
            chars.append(_BASE32[value])
            bits = value = 0
    return "".join(chars)


def cells_around(lat: float, lon: float, radius_m: float = NEARBY_RADIUS_M) -> list[str]:
    """The cells that together cover every point within ``radius_m`` of (lat, lon)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    corners = [(lat + a * dlat, lon + b * dlon) for a in (-1, 1) for b in (-1, 1)]
    return sorted({geohash(la, lo) for la, lo in corners})
