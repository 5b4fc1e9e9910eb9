"""Open a directory of SSD CSV files as DuckDB tables typed from the snapshot schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lineofsight.casework import schema


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach_csv_tables(con: duckdb.DuckDBPyConnection, directory: Path) -> list[str]:
    """Create one view per `<table>.csv` found in `directory`, with the schema's column types;
    empty fields read as NULL. Returns the names of the tables attached."""
    con.execute("SET enable_progress_bar = false")
    attached = []
    for name, table in schema.tables().items():
        path = directory / f"{name}.csv"
        if not path.exists():
            continue
        columns = ", ".join(f"{_quote(f.name)}: {_quote(f.sql_type)}" for f in table.fields)
        con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_csv({_quote(str(path))}, "
            f"header = true, auto_detect = false, nullstr = '', quote = '\"', escape = '\"', "
            f"columns = {{{columns}}})"
        )
        attached.append(name)
    return attached
