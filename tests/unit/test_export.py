"""The CSV export's writing, with fake pages: header, BOM, formulas defused, the size limit."""

from __future__ import annotations

import csv
import io

from chalicelib.services import export
from tests.factories import complaint


def pages_of(count: int, per_page: int, pulled: list[int]):
    """A fake inbox: ``count`` pages, remembering how many were asked for."""
    for n in range(count):
        pulled.append(n)
        yield [complaint(tracking_id=f"LPR-TEST-{n:02d}{i:02d}") for i in range(per_page)]


def test_the_file_starts_with_a_bom_and_the_header_even_when_empty():
    result = export.build(iter([]))
    assert result.text == export.BOM + ",".join(export.COLUMNS) + "\r\n"
    assert (result.rows, result.truncated) == (0, False)


def test_rows_are_written_page_by_page():
    pulled: list[int] = []
    result = export.build(pages_of(3, 2, pulled))
    rows = list(csv.DictReader(io.StringIO(result.text.removeprefix(export.BOM))))
    assert [r["tracking_id"] for r in rows] == ["LPR-TEST-0000", "LPR-TEST-0001", "LPR-TEST-0100",
                                                "LPR-TEST-0101", "LPR-TEST-0200", "LPR-TEST-0201"]
    assert result.rows == 6 and pulled == [0, 1, 2]
    assert rows[0]["reporter_name"] == "Siti" and rows[0]["submitted_at"] == "2026-11-23T10:00:00+08:00"


def test_past_the_size_limit_the_export_stops_at_a_page_and_says_so():
    pulled: list[int] = []
    one_page = len(export.build(pages_of(1, 5, [])).text.encode("utf-8"))
    result = export.build(pages_of(100, 5, pulled), max_bytes=one_page * 2)
    assert result.truncated and result.rows % 5 == 0 and 5 <= result.rows < 500
    assert len(pulled) == result.rows // 5 + 1  # no page is read past the one that did not fit


def test_an_anonymous_reporter_is_never_written():
    c = complaint(anonymous=True, reporter_name="Siti", reporter_email="siti@example.com", reporter_phone="0812")
    row = dict(zip(export.COLUMNS, export.row(c), strict=True))
    assert (row["reporter_name"], row["reporter_email"], row["reporter_phone"]) == ("", "", "")


def test_cells_that_a_spreadsheet_would_run_are_defused():
    assert export.safe_text("=1+1") == "'=1+1"
    assert export.safe_text("+62 812") == "'+62 812"
    assert export.safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert export.safe_text("-") == "'-"
    assert export.safe_text("Jalan rusak") == "Jalan rusak" and export.safe_text(None) == ""
