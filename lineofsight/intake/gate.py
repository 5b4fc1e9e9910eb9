"""The quality gate: what an import would change, compared with the current snapshot.

Every import is compared with the current snapshot before it may become current:

- rows per table: a table the current snapshot has and the new one lacks stops the import, and
  so does a table whose rows fall by more than INTAKE_MAX_ROW_FALL_PCT percent (default 20);
- every snapshot indicator's latest value (the 12 months to, or the day of, each snapshot's
  as-at date): a figure that moves by more than INTAKE_MAX_FIGURE_CHANGE_PCT percent of its
  current value (default 25) and by at least INTAKE_MIN_FIGURE_CHANGE in its own unit (default
  5: referrals, percentage points, cases per worker...) stops the import, and so does a figure
  that had a value and now has none. A rate or average resting on fewer than
  MIN_DENOMINATOR rows on either side is shown but never stops an import: it moves by chance.

The first import (nothing current) has nothing to compare with and passes. Figures come from
the apps above intake (the indicators register `FIGURE_SOURCES` in their AppConfig.ready()), so
this module knows no indicator.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from lineofsight.web.figures import number_text

MIN_DENOMINATOR = 10


@dataclass(frozen=True)
class Figure:
    """One figure of a snapshot, as a figure source gives it."""

    label: str  # "Referrals"
    value: float | None  # None: nothing to count (the reason does not matter here)
    unit: str  # "count", "percent", "per_10k", "mean"
    denominator: float | None = None  # for rates and averages: how many rows it rests on


# (DuckDB connection to a snapshot file, its as-at date, the tables its source provided) ->
# {figure key: Figure}. A figure the snapshot cannot give at all (a table it lacks) is left out.
FigureSource = Callable[[duckdb.DuckDBPyConnection, datetime.date, frozenset[str]], dict]
FIGURE_SOURCES: list[FigureSource] = []


@dataclass(frozen=True)
class Change:
    kind: str  # "table" (missing), "rows" or "figure"
    subject: str  # table name or figure label
    before: float | None
    after: float | None
    stops: bool
    unit: str = "rows"

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def percent(self) -> float | None:
        if self.difference is None or not self.before:
            return None
        return 100.0 * self.difference / abs(self.before)

    def describe(self) -> str:
        """One line, in plain words, naming the change and its size."""
        if self.kind == "table":
            return (
                f"{self.subject}: the current snapshot has {_number(self.before)} rows; "
                "the new import does not have this table"
            )
        if self.after is None:
            return f"{self.subject}: was {_shown(self.before, self.unit)}, now has no value"
        if self.before is None:
            return f"{self.subject}: had no value, now {_shown(self.after, self.unit)}"
        difference = self.difference or 0.0
        sign = "+" if difference > 0 else "-" if difference < 0 else ""
        if not difference:
            size = "no change"
        elif self.unit == "percent":
            size = f"{sign}{abs(difference):.1f} percentage points"
        elif self.unit == "rows":
            size = f"{sign}{_number(abs(difference))} rows"
        else:
            size = f"{sign}{_number(abs(difference))}"
        if self.percent is not None and difference:
            size += f" ({self.percent:+.0f}%)"
        return (
            f"{self.subject}: {_shown(self.before, self.unit)} to "
            f"{_shown(self.after, self.unit)}, {size}"
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping) -> Change:
        return cls(**{k: raw[k] for k in ("kind", "subject", "before", "after", "stops", "unit")})


def max_row_fall_pct() -> float:
    return float(getattr(settings, "INTAKE_MAX_ROW_FALL_PCT", 20))


def max_figure_change_pct() -> float:
    return float(getattr(settings, "INTAKE_MAX_FIGURE_CHANGE_PCT", 25))


def min_figure_change() -> float:
    return float(getattr(settings, "INTAKE_MIN_FIGURE_CHANGE", 5))


def compare_rows(
    *,
    before_counts: Mapping[str, int],
    before_provided: list[str] | frozenset[str],
    after_counts: Mapping[str, int],
    after_provided: list[str] | frozenset[str],
) -> list[Change]:
    """Rows per table the current snapshot's source provided, in its order."""
    limit = max_row_fall_pct()
    changes = []
    for name in sorted(before_provided):
        before = int(before_counts.get(name, 0))
        if name not in after_provided:
            changes.append(Change("table", name, before, None, stops=True))
            continue
        after = int(after_counts.get(name, 0))
        fall = 100.0 * (before - after) / before if before else 0.0
        changes.append(Change("rows", name, before, after, stops=fall > limit))
    return changes


def compare_figures(before: Mapping[str, Figure], after: Mapping[str, Figure]) -> list[Change]:
    """Every figure both snapshots can give, in the order of the current one's."""
    limit, floor = max_figure_change_pct(), min_figure_change()
    changes = []
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue  # the new snapshot cannot give it at all: its table is compared above
        stops = False
        if old.value is not None and new.value is None:
            stops = True
        elif old.value is not None and new.value is not None:
            moved = abs(new.value - old.value)
            relative = moved > limit / 100.0 * abs(old.value)
            few = any(
                f.denominator is not None and f.denominator < MIN_DENOMINATOR for f in (old, new)
            )
            stops = relative and moved >= floor and not few
        changes.append(Change("figure", old.label, old.value, new.value, stops, unit=old.unit))
    return changes


def figures_of(path: Path, as_at: datetime.date, provided: frozenset[str]) -> dict[str, Figure]:
    """Every registered figure of the snapshot file at `path`."""
    out: dict[str, Figure] = {}
    if not FIGURE_SOURCES:
        return out
    with duckdb.connect(str(path), read_only=True) as con:
        for source in FIGURE_SOURCES:
            out.update(source(con, as_at, provided))
    return out


def _number(value: float | None) -> str:
    return "no value" if value is None else number_text(value)


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "no value"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rows":
        return f"{_number(value)} rows"
    return _number(value)
