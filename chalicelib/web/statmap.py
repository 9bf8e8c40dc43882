"""The statistics map (SPEC §12 ``GET /stats/map.svg``): Indonesia with each province or regency
shaded by one figure, drawn on the server from the committed outlines (``map-shapes.json``, built
by ``devtools/build_places.py`` from the MIT regency boundaries).

Each area is a ``<path>`` with its code in ``data-code``, its figure in ``data-value`` (empty when
there is nothing to measure) and its name and figure in a ``<title>`` (a tooltip, and what a screen
reader reads). The shading does not rely on colour alone: every class has its own texture (plain,
dots, diagonal lines, cross-hatching, stripes), and the legend names each class's range beside its
swatch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).resolve().parent.parent / "data" / "wilayah" / "map-shapes.json"
METRICS = {
    "resolved_pct": ("Laporan selesai", "Reports resolved", "%"),
    "on_time_pct": ("Tanggapan pertama tepat waktu", "First responses on time", "%"),
    "total": ("Jumlah laporan", "Reports filed", ""),
}
LEVELS = ("province", "regency")
# Light to dark; each with a texture of its own, so that the classes differ without colour too.
FILLS = ("#dde9f5", "#b3cde3", "#6baed6", "#2171b5", "#08306b")
INKS = ("#dde9f5", "#3f6f9f", "#ffffff", "#ffffff", "#6baed6")
NO_DATA = "#fafafa"
# The map's own words: in the statistics page's language, or both (the standalone ``/stats/map.svg``).
WORDS = {
    "id": {"legend": "Keterangan", "no_data": "tidak ada data", "or_more": "atau lebih"},
    "en": {"legend": "Legend", "no_data": "no data", "or_more": "or more"},
    None: {"legend": "Keterangan / legend", "no_data": "tidak ada data / no data", "or_more": "atau lebih"},
}


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Band:
    low: float
    high: float | None  # None: and above
    label: str


def pct_bands() -> list[Band]:
    return [Band(0, 20, "0–19,9 %"), Band(20, 40, "20–39,9 %"), Band(40, 60, "40–59,9 %"),
            Band(60, 80, "60–79,9 %"), Band(80, None, "80–100 %")]


def count_bands(values: list[float], or_more: str = "atau lebih") -> list[Band]:
    """Five classes for counts: none, then four up to the largest, with round bounds."""
    peak = int(max(values, default=0))
    if peak <= 4:
        return [Band(0, 1, "0"), *(Band(n, n + 1, str(n)) for n in range(1, 4)), Band(4, None, f"4 {or_more}")]
    step = max(1, -(-peak // 4))
    if step > 10:
        magnitude = 10 ** (len(str(step)) - 1)
        step = -(-step // magnitude) * magnitude
    bounds = [1, step, 2 * step, 3 * step]
    bands = [Band(0, 1, "0")]
    for low, high in pairwise(bounds):
        bands.append(Band(low, high, f"{low}–{high - 1}"))
    bands.append(Band(bounds[-1], None, f"{bounds[-1]} {or_more}"))
    return bands


def band_of(value: float | None, bands: list[Band]) -> int | None:
    if value is None:
        return None
    for index, band in enumerate(bands):
        if band.high is None or value < band.high:
            return index
    return len(bands) - 1


def _number(value: float | None, unit: str, lang: str | None = None) -> str:
    if value is None:
        return WORDS[lang]["no_data"]
    text = (f"{value:.1f}" if lang == "en" else f"{value:.1f}".replace(".", ",")) if unit == "%" else str(int(value))
    return f"{text} {unit}".strip()


def _patterns() -> str:
    """One pattern per class: plain, dots, diagonal lines, cross-hatching, horizontal stripes; and
    no data (grey diagonal on white)."""
    size = 48
    marks = (
        "",
        f'<circle cx="12" cy="12" r="6" fill="{INKS[1]}"/><circle cx="36" cy="36" r="6" fill="{INKS[1]}"/>',
        f'<path d="M0 {size}L{size} 0" stroke="{INKS[2]}" stroke-width="6"/>',
        f'<path d="M0 {size}L{size} 0M0 0L{size} {size}" stroke="{INKS[3]}" stroke-width="5"/>',
        f'<path d="M0 12H{size}M0 36H{size}" stroke="{INKS[4]}" stroke-width="5"/>',
    )
    out = []
    for index, (fill, mark) in enumerate(zip(FILLS, marks, strict=True)):
        out.append(f'<pattern id="band{index}" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
                   f'<rect width="{size}" height="{size}" fill="{fill}"/>{mark}</pattern>')
    out.append(f'<pattern id="nodata" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
               f'<rect width="{size}" height="{size}" fill="{NO_DATA}"/>'
               f'<path d="M0 0L{size} {size}" stroke="#808080" stroke-width="5"/></pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def _legend(bands: list[Band], x: int, y: int, lang: str | None = None) -> str:
    row, box = 150, 110
    words = WORDS[lang]
    items = [f'<text x="{x}" y="{y - 40}" font-size="110" font-weight="bold">{words["legend"]}</text>']
    entries = [(f"url(#band{i})", band.label if lang != "en" else band.label.replace(",", "."))
               for i, band in enumerate(bands)]
    entries.append(("url(#nodata)", words["no_data"]))
    for i, (fill, label) in enumerate(entries):
        top = y + i * row
        items.append(f'<rect x="{x}" y="{top}" width="{box}" height="{box}" fill="{fill}" stroke="#333" '
                     f'stroke-width="6"/><text x="{x + box + 40}" y="{top + box - 20}" font-size="100">'
                     f"{escape(label)}</text>")
    return f'<g class="legend">{"".join(items)}</g>'


def render(level: str, metric: str, values: dict[str, float | None], names: dict[str, str],
           period: str, lang: str | None = None) -> str:
    """The SVG: ``values`` by area code (the province or regency codes of ``level``), its words in
    ``lang`` (``id`` or ``en``: the statistics page's), or in both when None (the standalone map)."""
    drawing = shapes()
    label_id, label_en, unit = METRICS[metric]
    bands = pct_bands() if unit == "%" else count_bands([v for v in values.values() if v is not None],
                                                        WORDS[lang]["or_more"])
    grid = drawing["grid"]
    width, height = drawing["width"] * grid, drawing["height"] * grid
    rule = "nonzero" if level == "province" else "evenodd"
    areas = []
    for code, path in drawing["provinces" if level == "province" else "regencies"].items():
        value = values.get(code)
        band = band_of(value, bands)
        fill = "url(#nodata)" if band is None else f"url(#band{band})"
        shown = "" if value is None else (f"{value:.1f}" if unit == "%" else str(int(value)))
        title = f"{names.get(code, code)}: {_number(value, unit, lang)}"
        areas.append(f'<path d="{path}" data-code="{code}" data-value="{shown}" '
                     f'data-band="{"" if band is None else band}" fill="{fill}" stroke="{fill}" '
                     f'stroke-width="6"><title>{escape(title)}</title></path>')
    label = {"id": label_id, "en": label_en}.get(lang or "", f"{label_id} / {label_en}")
    heading = f"{label}, {period}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="map-title" font-family="sans-serif" fill-rule="{rule}">'
            f'<title id="map-title">{escape(heading)}</title>{_patterns()}'
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
            f'<g class="areas" stroke-linejoin="round">{"".join(areas)}</g>'
            f'<text x="3000" y="180" font-size="130" font-weight="bold">{escape(heading)}</text>'
            f"{_legend(bands, 120, height - 1000, lang)}</svg>")
