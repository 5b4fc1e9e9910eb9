"""Build a snapshot in memory from hand-written SSD rows and compute the derived tables."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

import duckdb

from lineofsight.casework import schema, writer
from lineofsight.casework.writer import quote
from lineofsight.timeliness import derive, rules
from lineofsight.timeliness.calendar import Closure, WorkingCalendar
from lineofsight.timeliness.rules import Rule

Rows = list[dict[str, object]]


def make(
    tables: Mapping[str, Rows],
    *,
    as_at: datetime.date,
    provided: Iterable[str] | None = None,
    source_kind: str = "ssd",
    rule_set: Mapping[str, Rule] | None = None,
    closures: Iterable[Closure] = (),
) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the computed snapshot."""
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS snap")
    writer.create_tables(con, "snap")
    for name, rows in tables.items():
        known = schema.tables()[name].field_names
        for row in rows:
            unknown = set(row) - set(known)
            assert not unknown, f"{name} has no fields {unknown}"
            columns = ", ".join(quote(c) for c in row)
            marks = ", ".join("?" for _ in row)
            con.execute(f"INSERT INTO snap.{name} ({columns}) VALUES ({marks})", list(row.values()))
    derive.compute(
        con=con,
        alias="snap",
        as_at=as_at,
        provided=frozenset(tables if provided is None else provided),
        source_kind=source_kind,
        rules=rule_set if rule_set is not None else rules.in_force(),
        calendar=WorkingCalendar(closures),
    )
    con.execute("USE snap")
    return con


def timeliness(con: duckdb.DuckDBPyConnection, *rule_ids: str) -> list[tuple]:
    """(person_id, rule_id, event_id, start_date, due_date, completed_date, working_days_late,
    status) of the given rules, in a stable order."""
    marks = ", ".join("?" for _ in rule_ids)
    return con.execute(
        "SELECT person_id, rule_id, event_id, start_date, due_date, completed_date, "
        f"working_days_late, status FROM event_timeliness WHERE rule_id IN ({marks}) "
        "ORDER BY person_id, start_date, rule_id, event_id NULLS LAST",
        list(rule_ids),
    ).fetchall()


def flags(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("SELECT person_id, flag FROM drift_flags ORDER BY 1, 2").fetchall()
