"""The agency scorecards page (``GET /dashboard``): staff enter their API key, the page's script
(``dashboard.js``, served by the app, no CDN) asks ``/agency/stats`` with it and draws the table;
the charts are SVG drawn by the server (``chalicelib/web/charts.py``).

The key stays in the tab (``sessionStorage``) and is only ever sent in the ``Authorization``
header to this same site; the page itself holds no data until the key is given.
"""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {"dashboard.js": "text/javascript; charset=utf-8", "dashboard.css": "text/css; charset=utf-8"}

SORTS = (
    ("-reports", "Laporan terbanyak / most reports"),
    ("-resolved_pct", "% selesai tertinggi / best resolution rate"),
    ("resolved_pct", "% selesai terendah / worst resolution rate"),
    ("-on_time_pct", "% tepat waktu tertinggi / most on time"),
    ("median_first_response_hours", "Tanggapan tercepat / fastest first response"),
    ("-overdue", "Terlambat terbanyak / most overdue"),
    ("-escalated", "Eskalasi terbanyak / most escalations"),
    ("-satisfaction_avg", "Kepuasan tertinggi / most satisfied"),
    ("name", "Nama / name"),
)


@cache
def asset(name: str) -> str | None:
    if name not in ASSETS:
        return None
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@cache
def _version(name: str) -> str:
    return hashlib.sha256((asset(name) or "").encode("utf-8")).hexdigest()[:10]


def page() -> str:
    """Relative asset and API URLs, so the page also works below an API Gateway stage path."""
    options = "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in SORTS)
    return f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Kartu Kinerja Instansi — SP4N-LAPOR!</title>
<link rel="stylesheet" href="dashboard.css?v={_version('dashboard.css')}">
</head>
<body>
<header>
  <h1>Kartu Kinerja Instansi <span class="en">Agency scorecards</span></h1>
  <p>Jumlah laporan, persentase selesai, ketepatan waktu tanggapan pertama, keterlambatan, eskalasi dan
     kepuasan pelapor, untuk instansi Anda dan setiap instansi di bawahnya.
     <span class="en">Reports, resolution rate, first responses on time, overdue reports, escalations and
     reporter satisfaction for your agency and each agency below it.</span></p>
</header>
<main>
  <noscript><p class="error">Halaman ini memerlukan JavaScript: kunci API dikirim sebagai header.
    <span class="en">This page needs JavaScript: the API key is sent as a header.</span></p></noscript>
  <form id="query" autocomplete="off">
    <label for="key">Kunci API <span class="en">API key</span></label>
    <input id="key" name="key" type="password" required spellcheck="false" placeholder="lpr_…">
    <label for="from">Dari <span class="en">from</span></label>
    <input id="from" name="from" type="date">
    <label for="to">Sampai <span class="en">to</span></label>
    <input id="to" name="to" type="date">
    <label for="sort">Urutan <span class="en">sort</span></label>
    <select id="sort" name="sort">{options}</select>
    <input id="agency" name="agency_id" type="hidden">
    <button type="submit">Tampilkan <span class="en">Show</span></button>
    <button type="button" id="forget">Lupakan kunci <span class="en">Forget key</span></button>
  </form>
  <p id="status" role="status" aria-live="polite"></p>
  <section id="result" hidden>
    <h2 id="agency-name"></h2>
    <p id="range"></p>
    <dl id="summary" class="summary"></dl>
    <p id="direct" class="note"></p>
    <p><button type="button" id="up" hidden>&larr; Naik satu tingkat <span class="en">Up one level</span></button>
       <button type="button" id="csv">Unduh CSV <span class="en">Download CSV</span></button></p>
    <h3>Instansi di bawah <span class="en">Agencies below</span></h3>
    <table id="agencies">
      <thead><tr>
        <th data-sort="name">Instansi</th><th data-sort="reports">Laporan</th>
        <th data-sort="resolved_pct">% selesai</th><th data-sort="on_time_pct">% tepat waktu</th>
        <th data-sort="median_first_response_hours">Median tanggapan (jam)</th>
        <th data-sort="overdue">Terlambat</th><th data-sort="escalated">Eskalasi</th>
        <th data-sort="satisfaction_avg">Kepuasan (1–5)</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <div class="charts">
      <figure><figcaption>Laporan per bulan (hijau: selesai) <span class="en">Reports per month (green: resolved)
        </span></figcaption><div id="chart-monthly"></div></figure>
      <figure><figcaption>Persentase selesai per instansi <span class="en">Resolution rate by agency</span>
        </figcaption><div id="chart-resolution"></div></figure>
    </div>
  </section>
</main>
<script src="dashboard.js?v={_version('dashboard.js')}"></script>
</body>
</html>
"""
