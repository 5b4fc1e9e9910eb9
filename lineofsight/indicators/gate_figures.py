"""The indicators' part in the import quality gate (intake.gate): every snapshot indicator's
latest value, the 12 months to (or the day of) the snapshot's as-at date, for the whole council.

Registered with intake.gate.FIGURE_SOURCES in IndicatorsConfig.ready(); it runs on the snapshot
files themselves (the incoming one is not registered yet), with the engine's own SQL.
"""

from __future__ import annotations

import datetime

import duckdb

from lineofsight.intake.gate import Figure

from . import catalogue as cat
from . import engine
from .types import Source, Unit


def latest_figures(
    con: duckdb.DuckDBPyConnection, as_at: datetime.date, provided: frozenset[str]
) -> dict[str, Figure]:
    specs = [s for s in cat.specs() if s.indicator.source is Source.SNAPSHOT]
    sums = engine.run_snapshot_indicators(
        con, as_at=as_at, provided=provided, ends=[as_at], team_keys=None, specs=specs
    )
    out: dict[str, Figure] = {}
    for spec in specs:
        got = sums[spec.indicator.id][as_at]
        if isinstance(got, str):
            continue  # a table this snapshot lacks: the gate compares tables itself
        indicator = spec.indicator
        denominator: float | None = got.denominator
        if indicator.unit is Unit.PER_10K:
            denominator = engine.child_population(as_at)
            if denominator is None:
                continue
        value = engine.value_from(
            indicator,
            period_end=as_at,
            numerator=got.numerator,
            denominator=denominator,
            empty=spec.empty,
        )
        out[indicator.id] = Figure(
            label=indicator.title,
            value=value.value,
            unit=indicator.unit.value,
            denominator=got.denominator if indicator.unit in (Unit.PERCENT, Unit.MEAN) else None,
        )
    return out
