"""Regional indicator rows: one per council per indicator, and the region's, with the product's
small-number rule applied (lineofsight.web.figures, through indicators.presentation).

    region_rows(extracts, engine=DuckDBEngine(), period_end=date(2025, 3, 31))

The region's figure adds the councils' numerators and denominators (a rate per 10,000 divides
by the councils' children together), as the DfE's regional figures do; it is given only when
every council has a figure, so a region never silently means fewer councils.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lineofsight.indicators import engine
from lineofsight.indicators.presentation import is_suppressed
from lineofsight.indicators.types import Indicator, Unit
from lineofsight.publishedstats import loader
from lineofsight.web.figures import FEWER_THAN_5, SUPPRESSED, hidden_text, is_small

from .engines import DuckDBEngine, SparkEngine, Sums, council_sums, snapshot_specs
from .pooled import PooledExtract

REGION = "region"
COLUMNS = ("council", "indicator_id", "period_end", "numerator", "denominator", "value")
VALUE_DECIMALS = 6


@dataclass(frozen=True)
class Row:
    council: str  # old_la_code, or "region"
    indicator_id: str
    period_end: date
    # After suppression: a number, "fewer than 5", "withheld", "suppressed: fewer than 5", or
    # None when there is nothing (no data, or a count's denominator).
    numerator: float | str | None
    denominator: float | str | None
    value: float | str | None
    no_data_reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "council": self.council,
            "indicator_id": self.indicator_id,
            "period_end": self.period_end.isoformat(),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
        }


def default_period_end(extracts: Sequence[PooledExtract]) -> date:
    """The latest 31 March on or before every extract's as-at date."""
    as_at = min(e.as_at for e in extracts)
    year = as_at.year if (as_at.month, as_at.day) >= (3, 31) else as_at.year - 1
    return date(year, 3, 31)


def _population(codes: Sequence[str], period_end: date) -> float | None:
    year = engine.population_year(period_end)
    total = 0.0
    for code in codes:
        found = loader.child_population(code, year)
        if found is None:
            return None
        total += found
    return total


def _value(ind: Indicator, numerator: float, denominator: float | None) -> float | None:
    if ind.unit is Unit.COUNT:
        return numerator
    if not denominator:
        return None
    factor = {Unit.PERCENT: 100.0, Unit.PER_10K: 10000.0, Unit.MEAN: 1.0, Unit.PER_100: 100.0}
    return round(factor[ind.unit] * numerator / denominator, VALUE_DECIMALS)


def _shown(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def figure_row(
    ind: Indicator,
    *,
    council: str,
    period_end: date,
    numerator: float | None,
    denominator: float | None,
    reason: str = "",
) -> Row:
    """One row, small numbers suppressed by the product's one rule: a count of 1 to 4 reads
    "fewer than 5"; a share, rate or mean resting on a count of 1 to 4 is withheld, and so are
    both its counts (the one that is 5 or more reads "withheld")."""
    if reason or numerator is None:
        return Row(council, ind.id, period_end, None, None, None, reason or "No data.")
    if ind.unit is Unit.COUNT:
        shown = FEWER_THAN_5 if is_small(numerator) else _shown(numerator)
        return Row(council, ind.id, period_end, shown, None, shown)
    value = _value(ind, numerator, denominator)
    if value is None:
        return Row(
            council, ind.id, period_end, _shown(numerator), _shown(denominator or 0), None,
            "There is nothing to count in this period.",
        )  # fmt: skip
    population = ind.unit is Unit.PER_10K  # the denominator is children living there: public
    if is_suppressed(ind.unit, value, numerator, None if population else denominator):
        return Row(
            council,
            ind.id,
            period_end,
            hidden_text(numerator),
            _shown(denominator) if population else hidden_text(denominator or 0),
            SUPPRESSED,
        )
    return Row(council, ind.id, period_end, _shown(numerator), _shown(denominator), value)


def _no_data(ind: Indicator, council: str, period_end: date, reason: str) -> Row:
    return figure_row(
        ind, council=council, period_end=period_end, numerator=None, denominator=None,
        reason=reason,
    )  # fmt: skip


def region_rows(
    extracts: Sequence[PooledExtract],
    *,
    eng: DuckDBEngine | SparkEngine,
    period_end: date,
) -> list[Row]:
    """Every snapshot indicator for every council, then the region, in catalogue order."""
    specs = snapshot_specs()
    per_council: dict[str, dict[str, Sums | str]] = {}
    for extract in extracts:
        if period_end > extract.as_at:
            after = (
                f"The period ends after the date this council's data describes "
                f"({extract.as_at.isoformat()})."
            )
            per_council[extract.council_code] = {s.indicator.id: after for s in specs}
            continue
        sums = council_sums(eng, extract, ends=[period_end], specs=specs)
        per_council[extract.council_code] = {k: v[period_end] for k, v in sums.items()}
    rows: list[Row] = []
    codes = [e.council_code for e in extracts]
    for spec in specs:
        ind = spec.indicator
        total_n = total_d = 0.0
        region_reason = ""
        for code in codes:
            got = per_council[code][ind.id]
            if isinstance(got, str):
                rows.append(_no_data(ind, code, period_end, got))
                region_reason = region_reason or f"Council {code} has no figure: {got}"
                continue
            denominator: float | None = got.denominator
            if ind.unit is Unit.PER_10K:
                denominator = _population([code], period_end)
                if denominator is None:
                    reason = f"There is no ONS estimate of the number of children for {code}."
                    rows.append(_no_data(ind, code, period_end, reason))
                    region_reason = region_reason or reason
                    continue
            rows.append(
                figure_row(
                    ind,
                    council=code,
                    period_end=period_end,
                    numerator=got.numerator,
                    denominator=denominator,
                )
            )
            total_n += got.numerator
            total_d += denominator or 0.0
        if region_reason or not codes:
            rows.append(_no_data(ind, REGION, period_end, region_reason or "No councils."))
        else:
            rows.append(
                figure_row(
                    ind,
                    council=REGION,
                    period_end=period_end,
                    numerator=total_n,
                    denominator=total_d if ind.unit is not Unit.COUNT else None,
                )
            )
    return rows
