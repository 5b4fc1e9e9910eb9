"""How an indicator's figure is shown: number formats, small-number suppression and red/amber/green
against the council's target. Pure functions over plain values; the pages and charts use them so
that every place shows a figure the same way.

Suppression (the rule on every page except the list of children behind a figure, which is the
user's own scope):
- a count of 1 to 4 is shown as "fewer than 5" (0 is shown);
- a percentage, rate or mean is withheld when its numerator or its denominator is 1 to 4.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lineofsight.web.figures import (  # noqa: F401  (re-exported: the one suppression path)
    FEWER_THAN_5,
    SMALL_MAX,
    SMALL_MIN,
    SUPPRESSED,
    SUPPRESSION_NOTE,
    count_cell,
    count_text,
    is_small,
    number_text,
    share_text,
)

from .types import IndicatorValue, Polarity, Unit


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag modifier (govuk-tag--...)."""
        return {"green": "green", "amber": "yellow", "red": "red"}[self.value]


def format_number(value: float | None, unit: Unit | str) -> str:
    """A value in its unit: counts as whole numbers with thousands separators, percentages,
    rates per 10,000 and means to one decimal place. "" for None."""
    if value is None:
        return ""
    unit = Unit(unit)
    if unit is Unit.COUNT:
        return number_text(round(value))
    text = f"{value:,.1f}"
    if text in ("-0.0",):
        text = "0.0"
    return text + "%" if unit is Unit.PERCENT else text


def is_suppressed(
    unit: Unit | str, value: float | None, numerator: float | None, denominator: float | None
) -> bool:
    """Whether the figure is withheld (counts are not withheld: they read "fewer than 5")."""
    if value is None:
        return False
    if Unit(unit) is Unit.COUNT:
        return False
    return is_small(numerator) or is_small(denominator)


@dataclass(frozen=True)
class Figure:
    """One indicator value as a page shows it."""

    text: str  # the value to show: "42.0%", "1,234", "fewer than 5", "suppressed: ...", "No data"
    value: float | None  # the number, or None when suppressed or there is no data
    numerator: str  # "" when hidden or not relevant
    denominator: str
    suppressed: bool
    no_data: bool
    no_data_reason: str = ""

    @property
    def shown(self) -> bool:
        """True when the number itself can be shown (and charted)."""
        return self.value is not None


def figure(
    *,
    unit: Unit | str,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    no_data_reason: str = "",
) -> Figure:
    """The figure to show, with suppression applied. No value is "No data" (never 0%)."""
    unit = Unit(unit)
    if value is None:
        return Figure(
            text="No data",
            value=None,
            numerator="",
            denominator="",
            suppressed=False,
            no_data=True,
            no_data_reason=no_data_reason or "There is nothing to count for this period.",
        )
    if unit is Unit.COUNT:
        if is_small(value):
            return Figure(FEWER_THAN_5, None, "", "", suppressed=True, no_data=False)
        return Figure(format_number(value, unit), value, "", "", suppressed=False, no_data=False)
    if is_suppressed(unit, value, numerator, denominator):
        return Figure(SUPPRESSED, None, "", "", suppressed=True, no_data=False)
    return Figure(
        text=format_number(value, unit),
        value=value,
        numerator=number_text(numerator),
        denominator=number_text(denominator),
        suppressed=False,
        no_data=False,
    )


def figure_of(iv: IndicatorValue) -> Figure:
    return figure(
        unit=iv.indicator.unit,
        value=iv.value,
        numerator=iv.numerator,
        denominator=iv.denominator,
        no_data_reason=iv.no_data_reason,
    )


def rag(
    *,
    value: float | None,
    target: float | None,
    amber_margin: float,
    polarity: Polarity | str,
) -> Rag | None:
    """Red, amber or green against the target, in the indicator's direction.

    Higher is better: green at or above the target, amber within `amber_margin` below it, red
    beyond. Lower is better: the mirror image. No rating when there is no value or target, or
    for an indicator with no direction (a volume to watch).
    """
    if value is None or target is None:
        return None
    polarity = Polarity(polarity)
    margin = max(0.0, amber_margin or 0.0)
    if polarity is Polarity.HIGHER_IS_BETTER:
        if value >= target:
            return Rag.GREEN
        return Rag.AMBER if value >= target - margin else Rag.RED
    if polarity is Polarity.LOWER_IS_BETTER:
        if value <= target:
            return Rag.GREEN
        return Rag.AMBER if value <= target + margin else Rag.RED
    return None


def polarity_text(polarity: Polarity | str) -> str:
    return {
        Polarity.HIGHER_IS_BETTER: "Higher is better",
        Polarity.LOWER_IS_BETTER: "Lower is better",
        Polarity.NEITHER: "Neither: a volume to watch, not a target to beat",
    }[Polarity(polarity)]


def unit_text(unit: Unit | str) -> str:
    return {
        Unit.COUNT: "Number of children",
        Unit.PERCENT: "Percentage",
        Unit.PER_10K: "Rate per 10,000 children",
        Unit.MEAN: "Average",
        Unit.PER_100: "Rate per 100 case notes",
    }[Unit(unit)]


MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """1 April 2025 (as pages show dates; quicker than the date filter for long tables)."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def short_month(day: date) -> str:
    """Apr 2025."""
    return f"{MONTH_NAMES[day.month][:3]} {day.year}"


@dataclass(frozen=True)
class ChartPoint:
    """One month of a run chart. `value` is None for a gap (suppressed or no data)."""

    period_end: date
    value: float | None
    text: str  # what the table beside the chart says for the month

    @property
    def label(self) -> str:
        return long_date(self.period_end)


def chart_points(values: list[IndicatorValue]) -> list[ChartPoint]:
    """Monthly values (oldest first) as chart points, suppression applied: gaps for withheld or
    missing months."""
    points = []
    for iv in values:
        shown = figure_of(iv)
        if shown.no_data:
            text = "No data"
        elif shown.suppressed:
            text = FEWER_THAN_5 if iv.indicator.unit is Unit.COUNT else "Suppressed"
        else:
            text = shown.text
        if iv.figure_from and not shown.no_data:
            text = f"{text} (from {iv.figure_from})"
        points.append(ChartPoint(iv.period_end, shown.value, text))
    return points


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
