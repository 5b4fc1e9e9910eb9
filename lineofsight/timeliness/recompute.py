"""Recomputing a snapshot's derived tables under the configuration now in force.

A published snapshot never changes, so recomputing writes a new snapshot file: the SSD tables are
copied from the old one, every post-load step runs on the copy (this app's and any other's), and
the new file is published and registered as current with the old one's as-at date and source
kind, exactly as an import publishes: an incoming file renamed into place inside the transaction
that registers it. The run is recorded as an ImportRun ("Recomputed from snapshot N"), which
also keeps the incoming file safe from the sweep of abandoned imports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.casework import attribution, schema, writer
from lineofsight.casework import services as casework_services
from lineofsight.casework.models import Snapshot
from lineofsight.casework.services import SnapshotUnavailable
from lineofsight.casework.store import (
    NoCurrentSnapshot,
    SnapshotFileMissing,
    current_snapshot,
    snapshot_dir,
)
from lineofsight.casework.writer import quote
from lineofsight.intake import pipeline
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import ImportRun, Phase, RunStatus

SOURCE = "src"  # the alias the snapshot being recomputed is attached under


RUN_NAME = "Recomputed from snapshot"  # how a recompute's ImportRun is named: "... N"


def source_checked(snapshot: Snapshot | None = None) -> Snapshot:
    """The snapshot to recompute (default: the current one), or the reason it cannot be:
    NoCurrentSnapshot, SnapshotFileMissing, or SnapshotUnavailable for one awaiting review."""
    source = snapshot if snapshot is not None else current_snapshot()
    if source is None:
        raise NoCurrentSnapshot("No casework data has been imported yet: nothing to recompute.")
    if source.is_removed or not source.path.exists():
        raise SnapshotFileMissing(f"The file for {source} is no longer available: {source.path}")
    if source.published_at is None:
        # A staged import has not passed review: recomputing must not publish it by the back door.
        raise SnapshotUnavailable(f"{source} is waiting for review: publish it before recomputing.")
    return source


def run_create(
    *, source: Snapshot, actor: object | None, os_user: str = "", queued: bool = False
) -> ImportRun:
    """The run that records a recompute; `queued` when the worker is to do it."""
    return intake_services.import_run_create(
        source_kind=source.source_kind,
        source_name=f"{RUN_NAME} {source.pk}",
        actor=actor,
        os_user=os_user,
        as_at=source.as_at,
        queued=queued,
    )


def recompute(
    *,
    actor: object | None,
    snapshot: Snapshot | None = None,
    os_user: str = "",
    run: ImportRun | None = None,
) -> Snapshot:
    """Recompute `snapshot` (default: the current one) into a new current snapshot, recorded
    as `run` (made here when not given: the Timescales page makes it first, to show it)."""
    source = source_checked(snapshot)
    if run is None:
        run = run_create(source=source, actor=actor, os_user=os_user)
    incoming = writer.incoming_path(run.token)
    work = Path(settings.VAR_DIR) / "tmp" / f"recompute-{run.pk}"
    try:
        intake_services.import_run_set_progress(run=run, phase=Phase.WRITE, progress=10)
        provided, counts, digest, created_at = _write(source, incoming, work, run=run)
        run.row_counts = counts
        final = snapshot_dir() / writer.published_name(
            source_kind=source.source_kind, created_at=created_at, token=run.token
        )
        try:
            with transaction.atomic():
                writer.publish(incoming, final)
                new = casework_services.snapshot_register(
                    actor=actor,
                    file_name=final.name,
                    source_kind=source.source_kind,
                    as_at=source.as_at,
                    row_counts=counts,
                    provided_tables=list(provided),
                    content_hash=digest,
                    duckdb_version=duckdb.__version__,
                    created_at=created_at,
                    source_fields=source.source_fields,
                )
                intake_services.import_run_finish(run=run, status=RunStatus.SUCCEEDED, snapshot=new)
        except BaseException:
            writer.discard(final)
            raise
    except BaseException as exc:
        writer.discard(incoming)
        run.refresh_from_db(fields=["snapshot"])
        intake_services.import_run_finish(
            run=run,
            status=RunStatus.FAILED,
            failure_message=f"Recomputing failed: {type(exc).__name__}: {exc}"[:2000],
        )
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    casework_services.snapshot_prune(actor=actor)
    return new


def _write(
    source: Snapshot, incoming: Path, work: Path, *, run: ImportRun
) -> tuple[dict[str, str], dict[str, int], str, object]:
    """Copy the SSD tables into the incoming file, run every post-load step, write the manifest
    and close the file. Returns (provided, row counts, content hash, created at)."""
    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": getattr(settings, "INTAKE_DUCKDB_MEMORY_LIMIT", "1GB"),
            "temp_directory": str(work / "spill"),
            "preserve_insertion_order": True,
        },
    )
    alias = pipeline.SNAPSHOT
    try:
        con.execute(f"ATTACH {_literal(str(source.path))} AS {SOURCE} (READ_ONLY)")
        writer.attach(con, incoming, alias)
        writer.create_tables(con, alias)
        held = _columns(con, SOURCE)
        for name, table in schema.tables().items():
            columns = [f for f in table.field_names if f in held.get(name, ())]
            if columns:
                listed = ", ".join(quote(c) for c in columns)
                con.execute(
                    f"INSERT INTO {quote(alias)}.{quote(name)} ({listed}) "
                    f"SELECT {listed} FROM {SOURCE}.{quote(name)}"
                )
        provided = _provided(con, source, held)
        context = pipeline.LoadContext(
            con=con,
            alias=alias,
            as_at=source.as_at,
            source_kind=source.source_kind,
            provided_tables=frozenset(provided),
            source_fields=source.source_fields or {},
        )
        intake_services.import_run_set_progress(run=run, phase=Phase.WRITE, progress=30)
        # Written afresh, as an import writes it: an older source file may not hold it.
        attribution.build(con, alias)
        steps = list(pipeline.POST_LOAD_STEPS)
        for done, step in enumerate(steps, start=1):
            step(context)
            # 30% once the tables are copied, 90% once every derived table is computed.
            progress = 30 + 60 * done // len(steps)
            intake_services.import_run_set_progress(run=run, phase=Phase.WRITE, progress=progress)
        counts = writer.row_counts(con, alias)
        digest = writer.content_hash(con, alias)
        created_at = timezone.now()
        info = _info(con, held)
        info.update(
            {
                "source_kind": source.source_kind,
                "as_at": source.as_at.isoformat(),
                "created_at": created_at.isoformat(),
                "content_hash": digest,
                "duckdb_version": duckdb.__version__,
                "import_run": str(run.pk),
                "recomputed_from_snapshot": str(source.pk),
                "recomputed_from_file": source.file_name,
            }
        )
        writer.write_manifest(con, alias, info=info, provided=provided, counts=counts)
        con.execute(f"DETACH {SOURCE}")
        writer.close(con, alias, incoming)
    finally:
        con.close()
    return provided, counts, digest, created_at


def _columns(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, set[str]]:
    held: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ?",
        [database],
    ).fetchall():
        held.setdefault(table, set()).add(column)
    return held


def _provided(
    con: duckdb.DuckDBPyConnection, source: Snapshot, held: dict[str, set[str]]
) -> dict[str, str]:
    """Which tables the original source provided, and the file each came from."""
    if writer.TABLES_TABLE in held:
        rows = con.execute(
            f"SELECT table_name, coalesce(source, '') FROM {SOURCE}.{writer.TABLES_TABLE} "
            "WHERE provided"
        ).fetchall()
        return dict(rows)
    return dict.fromkeys(source.provided_tables, "")


def _info(con: duckdb.DuckDBPyConnection, held: dict[str, set[str]]) -> dict[str, str]:
    """The original manifest, kept so the new file still says where its data came from."""
    if writer.INFO_TABLE not in held:
        return {}
    return {
        f"original_{key}" if key in {"import_run", "created_at"} else key: value
        for key, value in con.execute(
            f"SELECT key, value FROM {SOURCE}.{writer.INFO_TABLE}"
        ).fetchall()
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
