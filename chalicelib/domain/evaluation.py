"""The coordinator's monthly evaluation (SPEC §14), as pure functions.

For one scope and month: the seed's two numbers (reports received, % resolved) against the month
before and the same month a year before, the on-time rate, the median first response, participation,
the agencies with the most overdue reports and the categories that grew; each with one line in plain
words, in Bahasa Indonesia and English. The figures are ``domain.stats.summarize`` of the counters of
the month's local days (the counters are kept by the day in the report's region), so they are the
numbers ``/stats`` gives for the same scope and month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.domain.reference import CATEGORIES
from chalicelib.errors import ValidationFailed

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
TOP_AGENCIES = 10
TOP_CATEGORIES = 5


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def before(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def year_before(self) -> Month:
        return Month(self.year - 1, self.month)

    def label(self, lang: str) -> str:
        return f"{(MONTHS_EN if lang == 'en' else MONTHS_ID)[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(text: str | None, today: date) -> Month:
    """``YYYY-MM``, not after the current month; default: last month."""
    if not text:
        return Month(today.year, today.month).before()
    found = MONTH.match(text.strip())
    month = Month(int(found.group(1)), int(found.group(2))) if found else None
    if month is None or not 1 <= month.month <= 12 or month.year < 2000:
        raise ValidationFailed("bad month", fields={"month": "a month as YYYY-MM, e.g. 2026-10"})
    if month.first > today:
        raise ValidationFailed("month in the future", fields={"month": "must not be after the current month"})
    return month


def _change(now: float | None, then: float | None) -> float | None:
    if now is None or then is None or then == 0:
        return None
    return round(100 * (now - then) / then, 1)


def _fmt(value: float | None, lang: str, suffix: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if lang == "id":
        text = text.replace(",", "\u2009").replace(".", ",")
    return text + suffix


def _trend(change: float | None, lang: str) -> str:
    if change is None:
        return {"id": "belum dapat dibandingkan", "en": "no comparison possible"}[lang]
    if change == 0:
        return {"id": "sama", "en": "unchanged"}[lang]
    word = ({"id": "naik", "en": "up"} if change > 0 else {"id": "turun", "en": "down"})[lang]
    return f"{word} {_fmt(abs(change), lang, '%')}"


def _points(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else round(now - then, 1)


def _points_trend(diff: float | None, lang: str) -> str:
    if diff is None:
        return {"id": "belum dapat dibandingkan", "en": "no comparison possible"}[lang]
    if diff == 0:
        return {"id": "sama", "en": "unchanged"}[lang]
    word = ({"id": "naik", "en": "up"} if diff > 0 else {"id": "turun", "en": "down"})[lang]
    unit = {"id": "poin", "en": "points"}[lang]
    return f"{word} {_fmt(abs(diff), lang)} {unit}"


def metric(name: str, month: Month, values: dict[str, Any], *, kind: str = "count") -> dict[str, Any]:
    """One figure against the month before and a year before, with its line in both languages."""
    now, before, year = values["month"], values["month_before"], values["year_before"]
    compare = _change if kind == "count" else _points
    trend = _trend if kind == "count" else _points_trend
    suffix = "%" if kind == "pct" else (" jam" if kind == "hours" else "")
    suffix_en = "%" if kind == "pct" else (" hours" if kind == "hours" else "")
    names = LABELS[name]
    lines = {}
    for lang, unit in (("id", suffix), ("en", suffix_en)):
        m, b, y = month.label(lang), month.before().label(lang), month.year_before().label(lang)
        against = "Dibanding" if lang == "id" else "Against"
        lines[lang] = (f"{names[lang]} {m}: {_fmt(now, lang, unit)}. "
                       f"{against} {b} ({_fmt(before, lang, unit)}): {trend(compare(now, before), lang)}. "
                       f"{against} {y} ({_fmt(year, lang, unit)}): {trend(compare(now, year), lang)}.")
    return {"metric": name, "month": now, "month_before": before, "year_before": year,
            "change_from_month_before": compare(now, before), "change_from_year_before": compare(now, year),
            "explanation_id": lines["id"], "explanation_en": lines["en"]}


LABELS = {
    "received": {"id": "Laporan masuk", "en": "Reports received in"},
    "resolved_pct": {"id": "Persentase laporan selesai", "en": "Share of reports resolved, filed in"},
    "on_time_pct": {"id": "Tanggapan pertama tepat waktu", "en": "First responses on time, filed in"},
    "median_first_response_hours": {"id": "Median waktu tanggapan pertama",
                                    "en": "Median time to first response, filed in"},
}


def figures(month: Month, summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``summaries``: ``summarize`` output for "month", "month_before" and "year_before"."""
    def pick(field: str) -> dict[str, Any]:
        return {k: summaries[k][field] for k in ("month", "month_before", "year_before")}

    return [
        metric("received", month, pick("total")),
        metric("resolved_pct", month, pick("resolved_pct"), kind="pct"),
        metric("on_time_pct", month, pick("on_time_pct"), kind="pct"),
        metric("median_first_response_hours", month, pick("median_first_response_hours"), kind="hours"),
    ]


def grown_categories(month: Month, now: dict[str, int], before: dict[str, int]) -> list[dict[str, Any]]:
    """The categories with more reports than the month before, the largest growth first."""
    grown = []
    for category in CATEGORIES:
        a, b = now.get(category.code, 0), before.get(category.code, 0)
        if a > b:
            grown.append((a - b, category, a, b))
    grown.sort(key=lambda g: (-g[0], g[1].code))
    out = []
    for diff, category, a, b in grown[:TOP_CATEGORIES]:
        pct = _change(a, b)
        id_pct = f" ({_fmt(pct, 'id', '%')})" if pct is not None else ""
        en_pct = f" ({_fmt(pct, 'en', '%')})" if pct is not None else ""
        out.append({
            "category": category.code, "label_id": category.label_id, "label_en": category.label_en,
            "month": a, "month_before": b, "growth": diff, "growth_pct": pct,
            "explanation_id": f"{category.label_id}: {a} laporan pada {month.label('id')}, bertambah {diff}{id_pct} "
                              f"dari {month.before().label('id')}.",
            "explanation_en": f"{category.label_en}: {a} reports in {month.label('en')}, {diff} more{en_pct} "
                              f"than in {month.before().label('en')}.",
        })
    return out


def most_overdue(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agencies holding the most overdue reports now."""
    chosen = sorted((r for r in rows if r["overdue"] > 0), key=lambda r: (-r["overdue"], r["name"].lower()))
    return [{"agency_id": r["agency_id"], "name": r["name"], "level": r["level"], "overdue": r["overdue"],
             "held": r["held"], "silent": r["silent"],
             "explanation_id": f"{r['name']} memegang {r['overdue']} laporan yang melewati batas waktu "
                               f"(dari {r['held']} laporan yang menunggu tindak lanjutnya)."
                               + (" Tidak ada tindakan petugas dalam 5 hari kerja." if r["silent"] else ""),
             "explanation_en": f"{r['name']} holds {r['overdue']} overdue reports "
                               f"(of {r['held']} waiting for it to act)."
                               + (" No staff action in 5 working days." if r["silent"] else "")}
            for r in chosen[:TOP_AGENCIES]]


def participation_summary(totals: dict[str, Any], acted: int) -> dict[str, Any]:
    n, connected, silent = totals["agencies"], totals["connected"], totals["silent"]
    pct = totals["connected_pct"]
    return {
        **totals, "acted_in_month": acted,
        "explanation_id": f"{connected} dari {n} instansi terhubung ({_fmt(pct, 'id', '%')}); {silent} instansi diam "
                          f"(memegang laporan tanpa tindakan 5 hari kerja); {acted} instansi bertindak bulan ini.",
        "explanation_en": f"{connected} of {n} agencies connected ({_fmt(pct, 'en', '%')}); {silent} silent "
                          f"(holding reports with no action in 5 working days); {acted} acted during the month.",
    }
