"""Building a new snapshot file and publishing it all at once.

An importer attaches a file at `incoming_path(token)` to its DuckDB connection, creates the
typed tables with `create_tables`, fills them, calls `close` (checkpoint, detach, fsync) and then
`publish`, which renames the file to its final name. Until that rename the file is invisible to
readers; a failed or killed import leaves only an `.incoming-*` file, which `discard` (or the next
import's sweep) removes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from . import rules, schema
from .store import snapshot_dir

INCOMING_PREFIX = ".incoming-"
INFO_TABLE = "_snapshot_info"
TABLES_TABLE = "_snapshot_tables"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def incoming_path(token: str) -> Path:
    return snapshot_dir() / f"{INCOMING_PREFIX}{token}.duckdb"


def published_name(*, source_kind: str, created_at: datetime.datetime, token: str) -> str:
    return f"{created_at:%Y%m%d-%H%M%S}-{source_kind}-{token}.duckdb"


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def discard(path: Path) -> None:
    """Remove a snapshot file and its write-ahead log, if they exist."""
    for p in (path, wal_path(path)):
        p.unlink(missing_ok=True)


def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> None:
    discard(path)
    con.execute(f"ATTACH {_literal(str(path))} AS {quote(alias)}")


def create_tables(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Every snapshot table, empty, with SSD names and SQL types (DATE for dates, etc.)."""
    for table in schema.tables().values():
        columns = ", ".join(f"{quote(f.name)} {f.sql_type}" for f in table.fields)
        con.execute(f"CREATE TABLE {quote(alias)}.{quote(table.name)} ({columns})")


def row_counts(con: duckdb.DuckDBPyConnection, alias: str) -> dict[str, int]:
    parts = " UNION ALL ".join(
        f"SELECT {_literal(name)}, count(*) FROM {quote(alias)}.{quote(name)}"
        for name in schema.tables()
    )
    return {name: int(n) for name, n in con.execute(parts).fetchall()}


def latest_event_date(
    con: duckdb.DuckDBPyConnection, alias: str, *, not_after: datetime.date
) -> datetime.date | None:
    """The latest date on which something happened in the snapshot, ignoring future dates."""
    parts = " UNION ALL ".join(
        f"SELECT max({quote(field)}) AS d FROM {quote(alias)}.{quote(table)} "
        f"WHERE {quote(field)} <= ?"
        for table, field in rules.EVENT_DATE_FIELDS
    )
    params = [not_after] * len(rules.EVENT_DATE_FIELDS)
    (latest,) = con.execute(f"SELECT max(d) FROM ({parts})", params).fetchone()
    return latest


def content_hash(con: duckdb.DuckDBPyConnection, alias: str) -> str:
    """A digest of every snapshot table's name, columns and rows, independent of row order.

    Rows are combined by summing DuckDB's row hash, which is fast but specific to the DuckDB
    version; Snapshot.duckdb_version records which one made the digest.
    """
    digest = hashlib.sha256()
    for table in schema.tables().values():
        count, total = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {quote(alias)}.{quote(table.name)} t"
        ).fetchone()
        columns = [(f.name, f.sql_type) for f in table.fields]
        digest.update(json.dumps([table.name, columns, int(count), str(total)]).encode())
    return digest.hexdigest()


def write_manifest(
    con: duckdb.DuckDBPyConnection,
    alias: str,
    *,
    info: Mapping[str, str],
    provided: Mapping[str, str],
    counts: Mapping[str, int],
) -> None:
    """Describe the snapshot inside the file itself, so it can be understood on its own.

    `provided` maps each table the source provided to the file (or sheet) it came from.
    """
    a = quote(alias)
    con.execute(f"CREATE TABLE {a}.{INFO_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO {a}.{INFO_TABLE} VALUES (?, ?)", sorted(info.items()))
    con.execute(
        f"CREATE TABLE {a}.{TABLES_TABLE} (table_name VARCHAR PRIMARY KEY, provided BOOLEAN, "
        "source VARCHAR, row_count BIGINT)"
    )
    con.executemany(
        f"INSERT INTO {a}.{TABLES_TABLE} VALUES (?, ?, ?, ?)",
        [
            (name, name in provided, provided.get(name), counts.get(name, 0))
            for name in schema.tables()
        ],
    )


def close(con: duckdb.DuckDBPyConnection, alias: str, incoming: Path) -> None:
    """Checkpoint and detach the attached file, and make it durable on disk."""
    con.execute(f"CHECKPOINT {quote(alias)}")
    con.execute(f"DETACH {quote(alias)}")
    if wal_path(incoming).exists():
        # A WAL left behind would not follow the rename, and the data in it would be lost.
        raise RuntimeError(f"DuckDB left a write-ahead log for {incoming}; not publishing it")
    _fsync_file(incoming)


def publish(incoming: Path, final: Path) -> None:
    """Give a closed incoming file its final name, in one atomic rename."""
    os.replace(incoming, final)
    _fsync_dir(final.parent)


def stale_incoming_files(active_tokens: Iterable[str]) -> list[Path]:
    """Incoming files (and their logs) that belong to no running import."""
    active = {f"{INCOMING_PREFIX}{t}.duckdb" for t in active_tokens}
    stale = []
    for path in snapshot_dir().glob(f"{INCOMING_PREFIX}*"):
        base = path.name.removesuffix(".wal")
        if base not in active:
            stale.append(path)
    return stale


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    # Read-write, because Windows will not flush a file opened only for reading.
    _fsync(path, os.O_RDWR)


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable. Windows cannot open a directory; NTFS journals renames.
    if os.name == "posix":
        _fsync(path, os.O_RDONLY)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
