"""The checks every import runs on its staged tables, each one a set-based SQL query.

A check inserts one problem per offending row into the problem log, with the row's number in
the source file, the field and the value as written. Nothing here stops at the first problem.

Checks (severity in brackets):
- tables: the person table must be provided [error]; any other missing table [warning];
- required fields filled, primary keys unique [error];
- dates parse as YYYY-MM-DD (time allowed) or DD/MM/YYYY; numbers parse [error];
- end dates not before their start dates (casework.rules.DATE_RANGES) [error];
- coded fields hold a known code (casework.rules.CODE_SETS) [error, or warning for codes that
  are only displayed];
- references resolve: every foreign key in casework.schema names an existing row [error];
  a reference into a table the source did not provide cannot be checked [warning].
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from lineofsight.casework import rules, schema
from lineofsight.casework.writer import quote

from .problem_log import ProblemLog
from .problems import Problem, Severity
from .staging import StagedTable

# Progress callback: (tables done, tables in all, table name).
Progress = Callable[[int, int, str], None]

# The one place that says how text becomes a date or a number, used by checks and by the write.
MACROS = (
    "CREATE OR REPLACE MACRO los_date(v) AS coalesce(TRY_CAST(v AS DATE), "
    "CAST(try_strptime(v, ['%d/%m/%Y', '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S']) AS DATE))",
    "CREATE OR REPLACE MACRO los_number(v) AS TRY_CAST(v AS DOUBLE)",
    "CREATE OR REPLACE MACRO los_is_integer(v) AS coalesce("
    "TRY_CAST(v AS DOUBLE) = floor(TRY_CAST(v AS DOUBLE)) "
    "AND abs(TRY_CAST(v AS DOUBLE)) < 2147483648, false)",
)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for sql in MACROS:
        con.execute(sql)


def typed_expression(table: str, field: schema.Field, column: str) -> str:
    """How a staged text column becomes its snapshot type; only valid after the checks pass."""
    if field.is_date:
        return f"los_date({column})"
    if field.sql_type == "INTEGER":
        return f"CAST(los_number({column}) AS INTEGER)"
    if field.sql_type == "DOUBLE":
        return f"los_number({column})"
    if (table, field.name) in rules.UPPER_CASED_FIELDS:
        return f"upper({column})"
    return column


def check_tables(provided: set[str], source: str, log: ProblemLog) -> None:
    for name in schema.tables():
        if name in provided:
            continue
        if name in rules.REQUIRED_TABLES:
            log.add(
                Problem(
                    Severity.ERROR,
                    f"The extract has no {name} table ({name}.csv). Every extract must have it.",
                    table=name,
                    source=source,
                )
            )
        else:
            log.add(
                Problem(
                    Severity.WARNING,
                    "Not provided: pages that use this table will say there is no data.",
                    table=name,
                    source=source,
                )
            )


def check_all(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, StagedTable],
    log: ProblemLog,
    progress: Progress | None = None,
) -> None:
    install_macros(con)
    total = len(staged)
    for done, (name, table) in enumerate(staged.items(), start=1):
        _check_table(con, table, staged, log)
        if progress:
            progress(done, total, name)


def _check_table(
    con: duckdb.DuckDBPyConnection,
    staged: StagedTable,
    everything: dict[str, StagedTable],
    log: ProblemLog,
) -> None:
    table = schema.tables()[staged.table]
    view = staged.view
    where = [staged.source, staged.table]
    # All of a table's checks go to DuckDB as one statement: fewer round trips, same result.
    selects: list[str] = []
    params: list[object] = []

    def add(
        severity: Severity,
        field: str,
        value_sql: str,
        message_sql: str,
        condition: str,
        values: list | None = None,
        source_sql: str | None = None,
    ) -> None:
        selects.append(
            f"SELECT '{severity.value}' AS severity, ? AS source, ? AS table_name, _row AS row, "
            f"{_literal(field)} AS field, {value_sql}::VARCHAR AS value, "
            f"{message_sql} AS message FROM {source_sql or view} WHERE {condition}"
        )
        params.extend([*where, *(values or [])])

    for field in table.fields:
        if field.name not in staged.present:
            continue
        col = quote(field.name)
        if field.required:
            add(
                Severity.ERROR,
                field.name,
                "NULL",
                "?",
                f"{col} IS NULL",
                ["A value is required here but the cell is empty."],
            )
        if field.is_date:
            add(
                Severity.ERROR,
                field.name,
                col,
                "?",
                f"{col} IS NOT NULL AND los_date({col}) IS NULL",
                ["This is not a date. Write dates as YYYY-MM-DD or DD/MM/YYYY."],
            )
        elif field.sql_type == "INTEGER":
            add(
                Severity.ERROR,
                field.name,
                col,
                "?",
                f"{col} IS NOT NULL AND NOT los_is_integer({col})",
                ["This is not a whole number."],
            )
        elif field.sql_type == "DOUBLE":
            add(
                Severity.ERROR,
                field.name,
                col,
                "?",
                f"{col} IS NOT NULL AND los_number({col}) IS NULL",
                ["This is not a number."],
            )
        codes = rules.CODE_SETS.get((table.name, field.name))
        if codes is not None:
            allowed = ", ".join(_literal(v) for v in sorted(codes.values))
            condition = f"{col} IS NOT NULL AND upper({col}) NOT IN ({allowed})"
            for prefix in codes.prefixes:
                condition += f" AND NOT starts_with(upper({col}), {_literal(prefix)})"
            add(
                Severity.ERROR if codes.blocking else Severity.WARNING,
                field.name,
                col,
                "?",
                condition,
                [f"This is not a known {codes.name}: expected {codes.description}."],
            )

    _check_unique(staged, table, add)
    for pair in rules.DATE_RANGES:
        if pair.table == table.name and {pair.start, pair.end} <= staged.present:
            start, end = quote(pair.start), quote(pair.end)
            add(
                Severity.ERROR,
                pair.end,
                end,
                f"? || {start} || ').'",
                f"los_date({end}) < los_date({start})",
                [f"This end date is before the start date in {pair.start} ("],
            )
    _check_references(con, staged, table, everything, log, add)
    if selects:
        log.add_select(" UNION ALL ".join(selects), params)


def _check_unique(staged: StagedTable, table: schema.Table, add) -> None:
    pk = table.primary_key
    if pk not in staged.present:
        return
    col = quote(pk)
    duplicates = (
        f"(SELECT s._row, s.{col}, d.first_row FROM {staged.view} s JOIN "
        f"(SELECT {col}, min(_row) AS first_row FROM {staged.view} WHERE {col} IS NOT NULL "
        f"GROUP BY {col} HAVING count(*) > 1) d USING ({col}) WHERE s._row > d.first_row)"
    )
    add(
        Severity.ERROR,
        pk,
        col,
        "? || first_row || '.'",
        "true",
        ["This identifier is used more than once: it is also on row "],
        source_sql=duplicates,
    )


def _check_references(con, staged: StagedTable, table: schema.Table, everything, log, add) -> None:
    for field in table.fields:
        if not field.foreign_key or field.name not in staged.present:
            continue
        parent_table, parent_field = field.foreign_key.split(".")
        parent = everything.get(parent_table)
        col = quote(field.name)
        if parent is None or parent_field not in parent.present:
            (filled,) = con.execute(f"SELECT count({col}) FROM {staged.raw}").fetchone()
            if filled:
                log.add(
                    Problem(
                        Severity.WARNING,
                        f"Refers to {parent_table}, which the extract does not include, so "
                        "these references were not checked.",
                        table=table.name,
                        field=field.name,
                        source=staged.source,
                    )
                )
            continue
        pcol = quote(parent_field)
        add(
            Severity.ERROR,
            field.name,
            col,
            "?",
            f"{col} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent.raw} p WHERE p.{pcol} = {staged.view}.{col})",
            [f"No {parent_table} row has this {parent_field}."],
        )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
