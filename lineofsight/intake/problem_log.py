"""Every problem an import finds, kept in a DuckDB table rather than in Python.

Set-based checks can find a problem on each of a million rows; inserting them with one SQL
statement and writing the report with COPY keeps that cheap. Python code adds the few problems it
finds itself (a missing file, a bad header) with `add`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from lineofsight.casework import schema

from .problems import REPORT_COLUMNS, Problem, Severity

TABLE = "_problems"
VALUE_LIMIT = 200  # characters of an offending value kept in the report

# Columns of the problem table, in the order an INSERT ... SELECT must give them.
COLUMNS = ("severity", "source", "table_name", "row", "field", "value", "message")


class ProblemLog:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(
            f"CREATE TABLE {TABLE} (severity VARCHAR, source VARCHAR, table_name VARCHAR, "
            "row BIGINT, field VARCHAR, value VARCHAR, message VARCHAR)"
        )

    def add(self, problem: Problem) -> None:
        self.add_all([problem])

    def add_all(self, problems: Iterable[Problem]) -> None:
        rows = [
            (
                p.severity.value,
                p.source,
                p.table,
                p.row,
                p.field,
                _clip(str(p.value)) if p.value not in (None, "") else "",
                p.message,
            )
            for p in problems
        ]
        if rows:
            self.con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def add_select(self, select_sql: str, params: list | None = None) -> None:
        """Add the rows of a SELECT giving (severity, source, table_name, row, field, value,
        message); values are clipped to VALUE_LIMIT characters."""
        self.con.execute(
            f"INSERT INTO {TABLE} SELECT severity, source, table_name, row, field, "
            f"left(coalesce(value, ''), {VALUE_LIMIT}), message FROM ({select_sql})",
            params or [],
        )

    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        errors, warnings = self.con.execute(
            f"SELECT count(*) FILTER (severity = 'error'), count(*) FILTER (severity = 'warning') "
            f"FROM {TABLE}"
        ).fetchone()
        return int(errors), int(warnings)

    def problems(self, limit: int | None = None) -> list[Problem]:
        """Problems in report order: errors first, then by table, row and field."""
        sql = f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY {_ORDER}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            Problem(
                severity=Severity(sev),
                source=src or "",
                table=tbl or "",
                row=None if row is None else int(row),
                field=fld or "",
                value=val or "",
                message=msg,
            )
            for sev, src, tbl, row, fld, val, msg in self.con.execute(sql).fetchall()
        ]

    def write_report(self, path: Path) -> Path:
        """The full report as CSV, with the columns of problems.write_report."""
        path.parent.mkdir(parents=True, exist_ok=True)
        expressions = {
            "severity": "severity",
            "source": _guard("source"),
            "table": "table_name",
            "row": "row",
            "field": _guard("field"),
            "value": _guard("value"),
            "message": _guard("message"),
        }
        select = ", ".join(f'{expressions[c]} AS "{c}"' for c in REPORT_COLUMNS)
        self.con.execute(
            f"COPY (SELECT {select} FROM {TABLE} ORDER BY {_ORDER}) "
            f"TO '{_escape(str(path))}' (HEADER, DELIMITER ',', QUOTE '\"')"
        )
        return path


def _table_order_sql() -> str:
    names = list(schema.tables())
    cases = " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(names))
    return f"CASE table_name {cases} ELSE {len(names)} END"


_ORDER = (
    f"CASE severity WHEN 'error' THEN 0 ELSE 1 END, {_table_order_sql()}, table_name, "
    "row NULLS FIRST, field, message"
)


def _guard(column: str) -> str:
    # A report is opened in Excel: a value starting =, +, - or @ would run as a formula there.
    return (
        f"CASE WHEN left({column}, 1) IN ('=', '+', '-', '@') "
        f"THEN '''' || {column} ELSE {column} END"
    )


def _clip(text: str) -> str:
    return text[:VALUE_LIMIT]


def _escape(text: str) -> str:
    return text.replace("'", "''")
