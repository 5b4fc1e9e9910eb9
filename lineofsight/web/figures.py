"""The one small-number rule, for every figure anywhere (pages, reports, CSV and XLSX exports).

It lives in the base layer so that every app (audits, practice weeks, themes, indicators, the
committee report) can use the same rule without importing a higher layer:
- a count of 1 to 4 is shown as "fewer than 5" (0 is shown);
- a percentage, rate or mean is withheld when its numerator or its denominator is 1 to 4.

`count_text` and `share_text` give the text a page shows; `count_cell` gives a spreadsheet cell
(a number where the count can be shown, so it is a number in Excel, and the text otherwise).
"""

from __future__ import annotations

from operator import attrgetter

SMALL_MIN, SMALL_MAX = 1, 4
FEWER_THAN_5 = "fewer than 5"
SUPPRESSED = "suppressed: fewer than 5"
NO_DATA = "No data"
# A count of 5 or more hidden only so that a small count in the same row cannot be worked out
# from the row's total: saying "fewer than 5" of it would be untrue.
WITHHELD = "withheld"
SUPPRESSION_NOTE = (
    "To protect children's privacy, a count of 1 to 4 is shown as \u201cfewer than 5\u201d, "
    "and a percentage, rate or average is not shown when the number of children it is "
    "worked out from (above or below the line) is 1 to 4. Where a table gives a total, one "
    "more count may be withheld so that a small one cannot be worked out from the total."
)


def is_small(number: float | None) -> bool:
    """A count of 1 to 4 (the numbers that are suppressed)."""
    return number is not None and SMALL_MIN <= number <= SMALL_MAX


def number_text(n: float | None) -> str:
    """Any number a page, chart or document shows: a whole number with thousands separators,
    one decimal place when it is not whole (e.g. full-time equivalents). "" for None. Counts of
    children go through `count_text`, which adds the small-number rule."""
    if n is None:
        return ""
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.1f}"


def count_text(n: float | None) -> str:
    """A count as a page shows it: "fewer than 5" for 1 to 4, otherwise `number_text`."""
    if is_small(n):
        return FEWER_THAN_5
    return number_text(n)


def hidden_text(n: float) -> str:
    """The text of a cell hidden by the small-number rule: "fewer than 5" when that is true (a
    count of 0 to 4), otherwise "withheld" (hidden so a small count beside it stays hidden)."""
    return FEWER_THAN_5 if n < SMALL_MAX + 1 else WITHHELD


def count_text_of(attribute: str) -> property:
    """A property that shows another attribute (dotted: "result.n") as `count_text` does, for
    a figure's text beside its number: `yes_text = count_text_of("yes")`."""
    value = attrgetter(attribute)
    return property(lambda self: count_text(value(self)), doc=f"`{attribute}` as a page shows it.")


def share_withheld(numerator: float | None, denominator: float | None) -> bool:
    """Whether a share worked out from these counts is withheld."""
    return is_small(numerator) or is_small(denominator)


def share_text(numerator: float, denominator: float, *, decimals: int = 1) -> str:
    """A percentage as a page shows it: "No data" when there is nothing to divide, withheld
    ("suppressed: fewer than 5") when either count is 1 to 4, otherwise e.g. "42.0%"."""
    if not denominator:
        return NO_DATA
    if share_withheld(numerator, denominator):
        return SUPPRESSED
    return f"{100 * numerator / denominator:,.{decimals}f}%"


def count_cell(n: int | float | None) -> int | float | str | None:
    """A count for a spreadsheet cell: the number itself (so Excel stores a number, not text),
    or the text "fewer than 5" for 1 to 4. None stays None (an empty cell)."""
    if n is None:
        return None
    if is_small(n):
        return FEWER_THAN_5
    return int(n) if float(n).is_integer() else n
