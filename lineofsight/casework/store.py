"""Where casework snapshots are, and how to open one for reading.

    with store.connect() as con:          # the current snapshot, read-only
        con.sql("SELECT count(*) FROM ssd_person").fetchone()

A snapshot file is immutable once published; `connect(read_only=False)` exists for maintenance
and tests, never for pages.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.conf import settings

from .models import Snapshot


class NoCurrentSnapshot(LookupError):
    """Nothing has been imported yet (or no snapshot has been made current)."""


class SnapshotFileMissing(FileNotFoundError):
    """The registry lists a snapshot whose file is gone (removed by retention, or by hand)."""


def snapshot_dir() -> Path:
    path = Path(settings.SNAPSHOT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_snapshot() -> Snapshot | None:
    return Snapshot.objects.filter(is_current=True).first()


def snapshot_or_current(pk: int | None) -> Snapshot:
    """The snapshot with id `pk`, or the current one when `pk` is None (for commands that take
    --snapshot). Raises LookupError with a message for the person at the command line."""
    if pk is None:
        snapshot = current_snapshot()
        if snapshot is None:
            raise NoCurrentSnapshot("No casework data has been imported yet.")
        return snapshot
    try:
        return Snapshot.objects.get(pk=pk)
    except Snapshot.DoesNotExist:
        raise LookupError(f"No snapshot has id {pk}.") from None


def current_snapshot_path() -> Path | None:
    snapshot = current_snapshot()
    return snapshot.path if snapshot is not None else None


def connect(snapshot: Snapshot | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `snapshot` (default: the current one). Use it as a context manager
    so the file is closed when done."""
    if snapshot is None:
        snapshot = current_snapshot()
        if snapshot is None:
            raise NoCurrentSnapshot("No casework data has been imported yet.")
    path = snapshot.path
    if snapshot.is_removed or not path.exists():
        raise SnapshotFileMissing(f"The file for {snapshot} is no longer available: {path}")
    return duckdb.connect(str(path), read_only=read_only)
