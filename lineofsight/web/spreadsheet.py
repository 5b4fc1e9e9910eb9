"""Cells for files people open in Excel: text that a spreadsheet would run as a formula is
given a leading apostrophe, so a value from a case record or a form cannot become a formula."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with a leading apostrophe if it is text that would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_text(value: object) -> str:
    """As safe_cell, always as text ('' for None)."""
    return str(safe_cell("" if value is None else str(value)))
