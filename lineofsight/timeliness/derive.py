"""Compute the timeliness and drift tables inside a snapshot being written.

    compute(con=..., alias="snap", as_at=..., provided=..., source_kind="ssd",
            rules=rules.in_force(...), calendar=WorkingCalendar(closures))

creates, in the snapshot:
  _calendar              every day of the range the rules need: is_working_day,
                         working_day_index, non_working_reason (calendar.py)
  open_cases             one row per child with an open case (cases.py)
  event_timeliness       one row per expected event (measure.py)
  drift_flags            one row per open flag per child (flags.py)
  _timescale_rules       the rules and values in force, and whether each could be measured
  _drift_flag_coverage   each flag, and whether the data let it be checked

Everything is set-based SQL: the only Python loops are over the rules and flags themselves.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from lineofsight.casework import attribution

from . import cases, expectations, flags, measure, sources
from .calendar import CALENDAR_TABLE, WorkingCalendar
from .context import TEMP_PREFIX, Derivation
from .expectations import Evaluation
from .flags import Coverage
from .rules import Rule

RULES_TABLE = "_timescale_rules"
COVERAGE_TABLE = "_drift_flag_coverage"
DERIVED_TABLES = (
    CALENDAR_TABLE,
    "open_cases",
    "event_timeliness",
    "drift_flags",
    RULES_TABLE,
    COVERAGE_TABLE,
)
# The calendar reaches back no further than this before the as-at date: a date older than any
# child's case is a typing error, and would only make the calendar long.
CALENDAR_YEARS_BACK = 30
# ...and far enough forward for the longest interval after the as-at date.
CALENDAR_YEARS_AHEAD = 3


@dataclass(frozen=True)
class Result:
    evaluations: dict[str, Evaluation]
    coverage: dict[str, Coverage]


def compute(
    *,
    con: duckdb.DuckDBPyConnection,
    alias: str,
    as_at: datetime.date,
    provided: frozenset[str] | set[str],
    source_kind: str,
    rules: Mapping[str, Rule],
    calendar: WorkingCalendar,
    source_fields: Mapping[str, Sequence[str]] | None = None,
) -> Result:
    d = Derivation(
        con=con,
        alias=alias,
        as_at=as_at,
        provided=frozenset(provided),
        source_kind=source_kind,
        rules=rules,
        calendar=calendar,
        source_fields=dict(source_fields or {}),
    )
    (keep_order,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    # Every table whose order matters is written with ORDER BY; without the promise to keep
    # insertion order DuckDB can write the large ones in parallel.
    con.execute("SET preserve_insertion_order = false")
    try:
        # open_cases reads who is responsible for each child; an import has written that table
        # already, a snapshot built by hand (tests, benchmarks) gets it here.
        attribution.ensure_built(con, alias)
        sources.prepare(d)
        first, last = calendar_range(d)
        calendar.install(con, first, last, table=d.cal)
        cases.build(d)
        evaluations, expected = expectations.build(d)
        measure.build(d, expected)
        coverage = flags.build(d, evaluations)
        measure.drop_working_columns(d)
        _write_rules(d, evaluations)
        _write_coverage(d, coverage)
    finally:
        _drop_temporary(con)
        con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
    return Result(evaluations=evaluations, coverage=coverage)


def calendar_range(d: Derivation) -> tuple[datetime.date, datetime.date]:
    floor = datetime.date(d.as_at.year - CALENDAR_YEARS_BACK, 1, 1)
    earliest = sources.earliest_date(d)
    first = d.as_at if earliest is None else min(earliest, d.as_at)
    first = max(first, floor)
    last = datetime.date(d.as_at.year + CALENDAR_YEARS_AHEAD, 12, 31)
    return first, last


def _drop_temporary(con: duckdb.DuckDBPyConnection) -> None:
    for kind, listing, column in (
        ("VIEW", "duckdb_views()", "view_name"),
        ("TABLE", "duckdb_tables()", "table_name"),
    ):
        names = con.execute(
            f"SELECT {column} FROM {listing} WHERE temporary AND starts_with({column}, ?)",
            [TEMP_PREFIX],
        ).fetchall()
        for (name,) in names:
            con.execute(f'DROP {kind} IF EXISTS temp."{name}"')


def _write_rules(d: Derivation, evaluations: Mapping[str, Evaluation]) -> None:
    d.run(f"""
        CREATE OR REPLACE TABLE {d.t(RULES_TABLE)} (
            rule_id VARCHAR PRIMARY KEY, title VARCHAR, kind VARCHAR, event_type VARCHAR,
            measures VARCHAR, clock_starts VARCHAR, amount INTEGER, unit VARCHAR,
            interval_words VARCHAR, default_amount INTEGER, default_unit VARCHAR,
            changed_from_default BOOLEAN, changed_by VARCHAR, changed_at VARCHAR,
            repeats BOOLEAN, description VARCHAR, source VARCHAR, extra VARCHAR,
            measured BOOLEAN, not_measured_reason VARCHAR
        )
    """)
    rows = []
    for rule in d.rules.values():
        evaluation = evaluations.get(rule.id, Evaluation(rule.id, False, "No rule measures it."))
        extra: dict[str, object] = {
            k: {"amount": v.amount, "unit": v.unit.value} for k, v in rule.extra.items()
        }
        if rule.long_term is not None:
            extra["long_term"] = {
                "due": {"amount": rule.long_term.due.amount, "unit": rule.long_term.due.unit},
                "after": {
                    "amount": rule.long_term.after.amount,
                    "unit": rule.long_term.after.unit,
                },
                "placement_types": list(rule.long_term.placement_types),
            }
        rows.append(
            (
                rule.id,
                rule.title,
                rule.kind.value,
                rule.event_type,
                rule.measures,
                rule.clock_starts,
                rule.due.amount,
                rule.due.unit.value,
                rule.due.words(),
                rule.default.amount,
                rule.default.unit.value,
                rule.is_changed,
                rule.changed_by,
                rule.changed_at.isoformat() if rule.changed_at else None,
                rule.repeats,
                rule.description,
                rule.source,
                json.dumps(extra, sort_keys=True),
                evaluation.evaluated,
                evaluation.reason or None,
            )
        )
    d.con.executemany(f"INSERT INTO {d.t(RULES_TABLE)} VALUES ({', '.join(['?'] * 20)})", rows)


def _write_coverage(d: Derivation, coverage: Mapping[str, Coverage]) -> None:
    d.run(f"""
        CREATE OR REPLACE TABLE {d.t(COVERAGE_TABLE)} (
            flag VARCHAR PRIMARY KEY, title VARCHAR, definition VARCHAR, checked BOOLEAN,
            reason VARCHAR
        )
    """)
    d.con.executemany(
        f"INSERT INTO {d.t(COVERAGE_TABLE)} VALUES (?, ?, ?, ?, ?)",
        [
            (f.id, f.title, f.definition, coverage[f.id].checked, coverage[f.id].reason or None)
            for f in flags.FLAGS
        ],
    )
