"""Cells for files people open in Excel: text that a spreadsheet would run as a formula is
given a leading apostrophe, so a value from a case record or a form cannot become a formula.

Numbers stay numbers: `safe_cell` passes an int, float or Decimal through untouched, so an XLSX
writer that is given the number (a count through `lineofsight.web.figures.count_cell`, a share
as a fraction) stores a numeric cell, never text. Give it the number, not a formatted string.
CSV is text throughout (`safe_text`), formula-guarded the same way."""

from __future__ import annotations

from lineofsight.web.fields import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with a leading apostrophe if it is text that would start a formula, and
    without control characters (Excel files cannot hold them: one would stop the download)."""
    if isinstance(value, str):
        value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_text(value: object) -> str:
    """As safe_cell, always as text ('' for None)."""
    return str(safe_cell("" if value is None else str(value)))
