"""Small inline SVG charts for the scorecards page, drawn on the server (no script library, no CDN).

Every text that came from data is escaped; the SVG has a title and an aria label for screen readers.
"""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH = 640
BAR_COLOUR = "#1f6feb"
RESOLVED_COLOUR = "#2da44e"
MAX_AGENCY_BARS = 40


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    text = escape(label)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{text}" font-family="sans-serif" font-size="11">'
            f"<title>{text}</title>{''.join(body)}</svg>")


def monthly_reports(months: list[dict[str, Any]], label: str = "Laporan per bulan / reports per month",
                    bar: str = "%(month)s: %(total)s laporan, %(resolved)s selesai",
                    empty: str = "Belum ada data / no data yet") -> str:
    """Bars: reports filed per month; the green part is how many of them are resolved or closed.
    ``bar`` says one bar (its tooltip), ``empty`` an empty chart: in the page's language."""
    height, top, bottom, left = 240, 20, 30, 40
    plot_h = height - top - bottom
    if not months:
        return _svg(WIDTH, 60, label, [f'<text x="10" y="35">{escape(empty)}</text>'])
    peak = max(m["total"] for m in months) or 1
    step = (WIDTH - left - 10) / len(months)
    bar_w = max(2.0, step * 0.7)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 5}" y2="{top + plot_h}" stroke="#888"/>',
            f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, month in enumerate(months):
        x = left + i * step + (step - bar_w) / 2
        total_h = plot_h * month["total"] / peak
        resolved_h = plot_h * month["resolved"] / peak
        body.append(f'<rect x="{x:.1f}" y="{top + plot_h - total_h:.1f}" width="{bar_w:.1f}" '
                    f'height="{total_h:.1f}" fill="{BAR_COLOUR}"><title>'
                    f'{escape(bar % {"month": month["month"], "total": month["total"], "resolved": month["resolved"]})}'
                    f'</title></rect>')
        body.append(f'<rect x="{x:.1f}" y="{top + plot_h - resolved_h:.1f}" width="{bar_w:.1f}" '
                    f'height="{resolved_h:.1f}" fill="{RESOLVED_COLOUR}"/>')
        if len(months) <= 24 or i % 3 == 0:
            label = month.get("label") or month["month"][2:]
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 12}" text-anchor="middle">'
                        f'{escape(label)}</text>')
        if len(months) <= 12:  # the value itself, above its bar, where there is room for it
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - total_h - 3:.1f}" '
                        f'text-anchor="middle">{month["total"]}</text>')
    return _svg(WIDTH, height, label, body)


def resolution_by_agency(rows: list[dict[str, Any]],
                         label: str = "Persentase selesai per instansi / resolution rate by agency",
                         missing: str = "–", empty: str = "Tidak ada instansi di bawah / no agencies below") -> str:
    """Horizontal bars: the share of forwarded reports resolved, one bar per agency (in row order)."""
    shown = rows[:MAX_AGENCY_BARS]
    if not shown:
        return _svg(WIDTH, 60, label, [f'<text x="10" y="35">{escape(empty)}</text>'])
    line, left, right = 18, 230, 60
    height = 10 + line * len(shown)
    span = WIDTH - left - right
    body = []
    for i, row in enumerate(shown):
        y = 5 + i * line
        name = row["name"] if len(row["name"]) <= 38 else row["name"][:37] + "…"
        pct = row.get("resolved_pct")
        body.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(name)}</text>')
        body.append(f'<rect x="{left}" y="{y + 2}" width="{span}" height="{line - 6}" fill="#eee"/>')
        if pct is not None:
            body.append(f'<rect x="{left}" y="{y + 2}" width="{span * pct / 100:.1f}" height="{line - 6}" '
                        f'fill="{RESOLVED_COLOUR}"><title>{escape(row["name"])}: {pct}%</title></rect>')
        shown_value = (missing if row.get("reports") else "–") if pct is None else f"{pct}%"
        body.append(f'<text x="{left + span + 4}" y="{y + 12}">{escape(shown_value)}</text>')
    return _svg(WIDTH, height, label, body)


def scorecard_charts(answer: dict[str, Any]) -> dict[str, str]:
    return {"monthly": monthly_reports(answer.get("by_month", [])),
            "resolution": resolution_by_agency(answer.get("agencies", []))}
