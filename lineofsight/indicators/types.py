"""The shapes the indicator catalogue, the board and the committee report share.

The catalogue (`catalogue.py` + `definitions/*.yml`) says what each indicator is; the engine
(`engine.py`) computes `IndicatorValue`s from a snapshot; `comparators.py` adds the published
figures for England, the region and statistical neighbours. Pages and reports only read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEITHER = "neither"  # a volume to watch, not a target to beat (e.g. referrals)


class Unit(StrEnum):
    COUNT = "count"  # value = numerator; denominator unused
    PERCENT = "percent"  # value = 100 * numerator / denominator
    PER_10K = "per_10k"  # value = 10000 * numerator / denominator (children in the population)
    MEAN = "mean"  # value = numerator / denominator (e.g. cases per worker)
    PER_100 = "per_100"  # value = 100 * numerator / denominator (e.g. terms per 100 case notes)


class PeriodKind(StrEnum):
    TWELVE_MONTHS = "12 months to period end"  # events in the year to the period end
    AT_PERIOD_END = "at period end"  # a count or share on the period-end date


class Source(StrEnum):
    SNAPSHOT = "snapshot"  # SQL over the casework snapshot
    RECORDS = "records"  # the product's own records (audits, moderation, actions)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    description: str  # what it measures, in plain words
    numerator: str  # in words
    denominator: str  # in words ("" for a count)
    unit: Unit
    polarity: Polarity
    period: PeriodKind
    definition_source: str  # where the definition comes from (DfE publication, local)
    source: Source = Source.SNAPSHOT
    dfe_measure: str | None = None  # key of the matching published measure, if any
    tables: tuple[str, ...] = ()  # snapshot tables the SQL needs
    themes: tuple[str, ...] = ()  # practice theme keys (the themes app)
    sql: str = ""  # see engine.py for the contract
    children_sql: str = ""  # the children (person ids) behind the figure


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    period_start: date
    period_end: date
    value: float | None
    numerator: float | None
    denominator: float | None
    # Why there is no value ("no data"), in words a user understands. "" when value is set.
    no_data_reason: str = ""
    team_id: int | None = None  # None: the whole council (or the filtered service)
    # Where the figure comes from when not from the definition's own counting, in words that
    # follow "From" (e.g. "the workforce census of 30 September 2024"); "" otherwise.
    figure_from: str = ""

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class ComparatorFigure:
    area: str  # "England", region name, or a council's name
    code: str  # "ENGLAND", region code, or old_la_code
    value: float | None  # in the indicator's own unit, None where suppressed/unpublished
    year: int


@dataclass(frozen=True)
class Comparison:
    """Published figures for one indicator: the council's own, England, its region and its ten
    statistical neighbours, for the latest year, and each one's trend over earlier years."""

    indicator_id: str
    measure_label: str  # what the published figure is, e.g. "Rate per 10,000 children"
    latest_year: int
    council: ComparatorFigure | None
    england: ComparatorFigure | None
    region: ComparatorFigure | None
    neighbours: tuple[ComparatorFigure, ...] = ()
    neighbour_average: float | None = None
    # year -> value, oldest first, for the council, England, region and neighbour average
    trend: dict[str, tuple[tuple[int, float | None], ...]] = field(default_factory=dict)
