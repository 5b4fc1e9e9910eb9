"""The indicator catalogue: every indicator Line of Sight computes, in display order.

Each indicator is one entry in `definitions/*.yml` (files read in name order, entries in file
order): its metadata and, for a snapshot indicator, one SQL definition (the contract is written
at the top of `definitions/1_front_door.yml` and in docs/indicators.md). The records indicators
(`source: records`) are counted by the app that owns the records (audits, actions), which
registers how with `register_records` in its AppConfig.ready(); `records.py` runs them.

    catalogue()          every Indicator, in display order
    get("referrals")     one Indicator (KeyError if unknown)
    spec("referrals")    the Indicator plus what the engine needs to run it
    records_counter("actions_overdue")   how a records indicator is counted (KeyError if unknown)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from .types import Indicator, PeriodKind, Polarity, Source, Unit

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

PERIODS = {"twelve_months": PeriodKind.TWELVE_MONTHS, "at_period_end": PeriodKind.AT_PERIOD_END}
# Placeholders in the SQL, replaced by settings when the catalogue is read.
THRESHOLD_PLACEHOLDER = "{{caseload_threshold}}"
# Every definition returns these columns (and team_key when its attribution is "row").
COLUMNS = ("period_end", "person_id", "numerator", "denominator", "detail")
_KEYS = {
    "id",
    "title",
    "description",
    "numerator",
    "denominator",
    "unit",
    "polarity",
    "period",
    "definition_source",
    "source",
    "dfe_measure",
    "themes",
    "tables",
    "sql",
    "attribution",
    "counts",
    "empty",
    "census_figure",
    "census_figure_by_team",
}


@dataclass(frozen=True)
class Spec:
    """An indicator and how the engine runs it."""

    indicator: Indicator
    # "child": the engine attributes each row to the team of the child (person_id) on the
    # period-end date; "row": the SQL gives each row's team_key itself (workers' own team).
    attribution: str = "child"
    # What a row is: "children" (person_id is a child), "workers", or "actions".
    counts: str = "children"
    # Why there is no value when there is nothing to count, in plain words.
    empty: str = ""
    # The id of a workforce census indicator whose figure is reported instead of this one's on
    # a census date (see engine.census_dates), and whether that holds team by team too (False
    # when the census gives the figure for the whole council only).
    census_figure: str = ""
    census_figure_by_team: bool = True

    @property
    def about_children(self) -> bool:
        return self.counts == "children"


def caseload_threshold() -> int:
    return int(getattr(settings, "CASELOAD_THRESHOLD", 20))


def _children_sql(sql: str) -> str:
    return (
        "-- The rows behind one period's figure (the engine adds the team of each row).\n"
        "SELECT person_id, numerator, denominator, detail FROM (\n"
        f"{sql.rstrip()}\n"
        ") AS behind WHERE period_end = :period_end ORDER BY person_id"
    )


def _spec(raw: dict, threshold: int, origin: str) -> Spec:
    unknown = set(raw) - _KEYS
    if unknown:
        raise ValueError(f"{origin}: {raw.get('id')} has unknown keys {sorted(unknown)}")
    source = Source(raw.get("source", "snapshot"))
    sql = str(raw.get("sql") or "").replace(THRESHOLD_PLACEHOLDER, str(threshold))
    indicator = Indicator(
        id=raw["id"],
        title=raw["title"],
        description=" ".join(str(raw["description"]).split()),
        numerator=" ".join(str(raw["numerator"]).split()),
        denominator=" ".join(str(raw.get("denominator") or "").split()),
        unit=Unit(raw["unit"]),
        polarity=Polarity(raw["polarity"]),
        period=PERIODS[raw["period"]],
        definition_source=" ".join(str(raw["definition_source"]).split()),
        source=source,
        dfe_measure=raw.get("dfe_measure"),
        tables=tuple(raw.get("tables") or ()),
        themes=tuple(raw.get("themes") or ()),
        sql=sql,
        children_sql=_children_sql(sql) if sql else "",
    )
    if source is Source.SNAPSHOT and not sql:
        raise ValueError(f"{origin}: {indicator.id} has no SQL")
    return Spec(
        indicator=indicator,
        attribution=raw.get("attribution", "child"),
        counts=raw.get("counts", "children"),
        empty=" ".join(str(raw.get("empty") or "").split()),
        census_figure=str(raw.get("census_figure") or ""),
        census_figure_by_team=bool(raw.get("census_figure_by_team", True)),
    )


@cache
def _load(threshold: int) -> tuple[Spec, ...]:
    specs: list[Spec] = []
    for path in sorted(DEFINITIONS_DIR.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            specs.append(_spec(raw, threshold, path.name))
    ids = [s.indicator.id for s in specs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"Indicator ids defined twice: {duplicates}")
    by_id = {s.indicator.id: s for s in specs}
    for s in specs:
        if not s.census_figure:
            continue
        other = by_id.get(s.census_figure)
        if other is None or other.indicator.unit is not s.indicator.unit or other.census_figure:
            raise ValueError(
                f"{s.indicator.id}: census_figure {s.census_figure!r} must name another "
                "indicator with the same unit"
            )
    return tuple(specs)


def specs() -> tuple[Spec, ...]:
    return _load(caseload_threshold())


def catalogue() -> tuple[Indicator, ...]:
    """Every indicator, in display order."""
    return tuple(s.indicator for s in specs())


def spec(indicator_id: str) -> Spec:
    for s in specs():
        if s.indicator.id == indicator_id:
            return s
    raise KeyError(indicator_id)


def get(indicator_id: str) -> Indicator:
    """The indicator with this id; KeyError if there is none."""
    return spec(indicator_id).indicator


# -- records indicators, registered by the apps that own the records ---------------------------

# (numerator, denominator) for each period end; the denominator is None for a count.
Counts = dict[datetime.date, tuple[int, int | None]]


@dataclass(frozen=True)
class RecordsCounter:
    """How one records indicator is counted, given by the app that owns the records, so the
    indicators never import a practice-records app (docs/architecture.md)."""

    # (indicator, period ends, team ids or None for every team) -> Counts, in one query.
    counts: Callable[[Indicator, Sequence[datetime.date], Sequence[int] | None], Counts]
    # (indicator, period end, team ids) -> the engine's ChildRow for each child behind the
    # figure; None when the figure is not about children (the board links elsewhere).
    children: Callable[[Indicator, datetime.date, Sequence[int] | None], list] | None = None
    # (user) -> the children whose rows this user may not see yet (an audit they moderate
    # blind names the auditor's grade); None when every row may be seen.
    hidden_from: Callable[[object], Collection[str]] | None = None


_RECORDS: dict[str, RecordsCounter] = {}


def register_records(
    indicator_id: str,
    *,
    counts: Callable[[Indicator, Sequence[datetime.date], Sequence[int] | None], Counts],
    children: Callable[[Indicator, datetime.date, Sequence[int] | None], list] | None = None,
    hidden_from: Callable[[object], Collection[str]] | None = None,
) -> None:
    """Called from the owning app's AppConfig.ready(); registering again replaces (ready() may
    run more than once in tests)."""
    _RECORDS[indicator_id] = RecordsCounter(counts, children, hidden_from)


def records_counter(indicator_id: str) -> RecordsCounter:
    """How the records indicator is counted; KeyError when no installed app counts it."""
    return _RECORDS[indicator_id]
