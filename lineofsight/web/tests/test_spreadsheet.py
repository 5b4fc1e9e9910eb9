"""Issue 11: numbers in XLSX are numeric cells, counts of 1 to 4 read "fewer than 5", and text
that would start a formula is guarded in XLSX and CSV alike."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from lineofsight.web.figures import FEWER_THAN_5, count_cell
from lineofsight.web.spreadsheet import safe_cell, safe_text


def _round_trip(values: list[object]) -> list:
    wb = Workbook()
    wb.active.append([safe_cell(v) for v in values])
    out = io.BytesIO()
    wb.save(out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    return list(ws[1])


def test_counts_and_shares_are_numeric_cells_and_small_counts_are_words():
    cells = _round_trip([count_cell(12), count_cell(0), count_cell(3), 0.4167, Decimal("2.5"), -7])
    assert [c.data_type for c in cells] == ["n", "n", "s", "n", "n", "n"]
    assert [c.value for c in cells] == [12, 0, FEWER_THAN_5, 0.4167, 2.5, -7]


def test_formula_text_is_guarded_in_xlsx_and_csv():
    cells = _round_trip(['=HYPERLINK("x")', "+1", "-2", "@cmd", "plain"])
    assert [c.value for c in cells] == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@cmd", "plain"]
    assert all(c.data_type == "s" for c in cells)
    out = io.StringIO()
    csv.writer(out).writerow([safe_text(v) for v in ("=1+1", 5, None)])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "5", ""]
