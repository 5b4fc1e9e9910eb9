"""One read-only DuckDB connection per snapshot file per process, shared by requests.

Opening a county-sized snapshot costs tens of milliseconds and starts with a cold cache; a
snapshot file never changes once published, so each process keeps the newest few open and gives
every request its own cursor (a cursor is safe to use in one thread; the connection is not).

A connection that falls out of the cache is not closed here, because closing it would break the
cursors of requests still using it; it closes when the last of them is released.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import duckdb

from lineofsight.casework import store
from lineofsight.casework.models import Snapshot

KEEP = 2  # the current snapshot and the one before it (pages mid-request when it changed)

_open: OrderedDict[str, duckdb.DuckDBPyConnection] = OrderedDict()
_lock = threading.Lock()


def cursor(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """A cursor on the snapshot, for one request in one thread. Close it when done."""
    if snapshot.is_removed or not snapshot.path.exists():
        raise store.SnapshotFileMissing(f"The file for {snapshot} is no longer available")
    key = str(snapshot.path)
    with _lock:
        con = _open.get(key)
        if con is None:
            con = store.connect(snapshot)
            _open[key] = con
            while len(_open) > KEEP:
                _open.popitem(last=False)
        else:
            _open.move_to_end(key)
        return con.cursor()


def forget_all() -> None:
    """Drop every cached connection (tests that delete snapshot files use this)."""
    with _lock:
        _open.clear()
