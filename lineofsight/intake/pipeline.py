"""The machinery of one import: read, validate, write. No Django models are touched here;
intake.services runs these phases and keeps the ImportRun record.

    with closing(ImportJob(token="run42", work_dir=...)) as job:
        job.read(files)                      # stage every CSV in a private DuckDB database
        errors, warnings = job.validate()    # set-based checks, every problem logged
        written = job.write(source_kind=..., as_at=None)   # the incoming snapshot file
        job.publish(final_path)              # rename, inside the caller's transaction

Whatever happens, leaving the `with` block closes DuckDB and removes the work folder and any
incoming file that was not published.

POST_LOAD_STEPS is the hook for derived tables (timeliness, drift flags, indicator values): each
step runs on the new snapshot after its SSD tables are loaded and before it is closed, so what it
creates is part of the snapshot and is published, or discarded, with it. Casework's own derived
table, child_attribution (who is responsible for each child on each date), is written first, the
same way, so the steps can read it.
"""

from __future__ import annotations

import datetime
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
from django.conf import settings
from django.utils import timezone

from lineofsight.casework import attribution, schema, writer
from lineofsight.casework.writer import quote

from . import encodings as text_encodings
from . import staging, validate
from .problem_log import ProblemLog
from .problems import Problem
from .ssd import SourceFile

SNAPSHOT = "snap"  # the alias the incoming snapshot file is attached under

# (done, total, label) within the current phase.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class LoadContext:
    """What a post-load step may use. Tables are `snap.<name>`; the connection also holds the
    staging tables, which a step must not rely on."""

    con: duckdb.DuckDBPyConnection
    alias: str
    as_at: datetime.date
    source_kind: str
    provided_tables: frozenset[str]
    # {table: the fields the source could fill}; a table not named: every field (see
    # ParsedExtract.fields).
    source_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # {EarlyStart.name: what its begin returned}: work a step started before the steps run.
    started: Mapping[str, Closable] = field(default_factory=dict)


PostLoadStep = Callable[[LoadContext], None]

# Derived tables are added here by later features, in the order they must run.
POST_LOAD_STEPS: list[PostLoadStep] = []


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class EarlyStart:
    """Work a post-load step starts as soon as the snapshot tables it reads are written, so it
    runs beside the writing of the rest (checking every case note in worker processes does).
    `begin(con, alias, provided tables)` returns what the step finds in LoadContext.started
    under `name`; its close() is called when the write ends, however it ends."""

    name: str
    tables: frozenset[str]
    begin: Callable[[duckdb.DuckDBPyConnection, str, frozenset[str]], Closable]


EARLY_STARTS: list[EarlyStart] = []


@dataclass(frozen=True)
class FileRecord:
    name: str
    sha256: str
    size_bytes: int
    table: str | None
    row_count: int | None
    encoding: str = ""  # the text encoding a CSV file was read as; "" for other files


@dataclass(frozen=True)
class Written:
    incoming: Path
    as_at: datetime.date
    row_counts: dict[str, int]
    provided: dict[str, str]  # table -> source file name
    content_hash: str
    duckdb_version: str
    created_at: datetime.datetime
    step_seconds: dict[str, float] = field(default_factory=dict)  # each post-load step's time
    # How long the post-load steps held up the write (a step begun early took part of its
    # time beside the writing of the tables, so its own time may be longer).
    steps_wall_seconds: float = 0.0


@dataclass
class ImportJob:
    token: str
    work_dir: Path
    memory_limit: str = field(
        default_factory=lambda: getattr(settings, "INTAKE_DUCKDB_MEMORY_LIMIT", "1GB")
    )
    staged: dict[str, staging.StagedTable] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        # Staging lives in memory and spills to the work folder if it outgrows memory_limit.
        self.con = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": self.memory_limit,
                "temp_directory": str(self.work_dir / "spill"),
                "preserve_insertion_order": True,
            },
        )
        self.log = ProblemLog(self.con)
        self.incoming = writer.incoming_path(self.token)
        self._published = False

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            if not self._published:
                writer.discard(self.incoming)
            shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- read ------------------------------------------------------------------------------

    def add_problems(self, problems: list[Problem]) -> None:
        self.log.add_all(problems)

    def read(
        self,
        files: list[SourceFile],
        *,
        fingerprint: list[Path] | None = None,
        encodings: dict[str, str] | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Stage every file that holds a table, and fingerprint the source files: `files`, or
        `fingerprint` when the CSV files were converted from something else (a workbook)."""
        readable = [f for f in files if f.table is not None]
        hashed = (
            [(f.path, f.table) for f in files]
            if fingerprint is None
            else [(p, {f.path: f.table for f in readable}.get(p)) for p in fingerprint]
        )
        # One background pass per file (hash, and whether it needs the careful trim) runs a
        # file ahead of DuckDB: hashlib releases the GIL on large blocks.
        with ThreadPoolExecutor(max_workers=1) as pool:
            scans = {f.path: pool.submit(staging.fingerprint, f.path) for f in readable}
            prints = {
                path: scans.get(path) or pool.submit(staging.fingerprint, path)
                for path, _ in hashed
            }
            for done, source in enumerate(readable, start=1):
                table = staging.stage_csv(
                    self.con,
                    source,
                    self.log,
                    scratch_dir=self.work_dir / "repaired",
                    unusual_whitespace=scans[source.path].result().unusual_whitespace,
                )
                if table is not None:
                    self.staged[table.table] = table
                if progress:
                    progress(done, len(readable), source.path.name)
            for path, table in hashed:
                scanned = prints[path].result()
                staged = self.staged.get(table) if table else None
                self.files.append(
                    FileRecord(
                        name=path.name,
                        sha256=scanned.sha256,
                        size_bytes=scanned.size_bytes,
                        table=table,
                        row_count=staged.rows if staged else None,
                        encoding=(
                            staged.encoding
                            if staged
                            else (encodings or {}).get(path.name) or _xml_encoding(path)
                        ),
                    )
                )

    # -- validate --------------------------------------------------------------------------

    def validate(self, source: str, progress: Progress | None = None) -> tuple[int, int]:
        """Run every check. (errors, warnings), counting problems found while reading too."""
        validate.check_tables(set(self.staged), source, self.log)
        validate.check_all(self.con, self.staged, self.log, progress)
        return self.log.counts()

    def problems(self, limit: int | None = None) -> list[Problem]:
        return self.log.problems(limit)

    def write_report(self, path: Path) -> Path:
        return self.log.write_report(path)

    # -- write -----------------------------------------------------------------------------

    def write(
        self,
        *,
        source_kind: str,
        as_at: datetime.date | None,
        progress: Progress | None = None,
        info: Mapping[str, str] | None = None,
        source_fields: Mapping[str, Sequence[str]] | None = None,
    ) -> Written:
        """Write every snapshot table, typed, into the incoming file and close it."""
        validate.install_macros(self.con)
        # Row numbers needed file order; the snapshot does not (nothing reads meaning into row
        # order, and the content hash ignores it), and DuckDB writes faster without it.
        self.con.execute("SET preserve_insertion_order = false")
        writer.attach(self.con, self.incoming, SNAPSHOT)
        writer.create_tables(self.con, SNAPSHOT)
        tables = schema.tables()
        steps = len(tables) + len(POST_LOAD_STEPS) + 1
        done = 0
        provided = {name: t.source for name, t in self.staged.items()}
        started: dict[str, Closable] = {}
        began: dict[str, float] = {}
        try:
            self._write_tables(tables, started, began, frozenset(provided), progress, steps)
            done += len(tables)
            today = timezone.localdate()
            if as_at is None:
                as_at = writer.latest_event_date(self.con, SNAPSHOT, not_after=today) or today
            context = LoadContext(
                con=self.con,
                alias=SNAPSHOT,
                as_at=as_at,
                source_kind=source_kind,
                provided_tables=frozenset(provided),
                source_fields=dict(source_fields or {}),
                started=started,
            )
            step_seconds: dict[str, float] = {}
            # Casework's own derived table, before the steps that read it.
            attribution.build(self.con, SNAPSHOT)
            steps_began = time.perf_counter()
            for step in POST_LOAD_STEPS:
                name = getattr(step, "__name__", "derived tables")
                started_at = time.perf_counter()
                step(context)
                # A step begun early took the time from its start (beside the other work).
                since = began.get(name, started_at)
                step_seconds[name] = round(time.perf_counter() - since, 3)
                done += 1
                if progress:
                    progress(done, steps, name)
            steps_wall = round(time.perf_counter() - steps_began, 3)
        finally:
            for work in started.values():
                work.close()

        counts = writer.row_counts(self.con, SNAPSHOT)
        digest = writer.content_hash(self.con, SNAPSHOT)
        created_at = timezone.now()
        writer.write_manifest(
            self.con,
            SNAPSHOT,
            info={
                "source_kind": source_kind,
                "as_at": as_at.isoformat(),
                "created_at": created_at.isoformat(),
                "content_hash": digest,
                "duckdb_version": duckdb.__version__,
                **(info or {}),
            },
            provided=provided,
            counts=counts,
        )
        writer.close(self.con, SNAPSHOT, self.incoming)
        done += 1
        if progress:
            progress(done, steps, "closing the snapshot file")
        return Written(
            incoming=self.incoming,
            as_at=as_at,
            row_counts=counts,
            provided=provided,
            content_hash=digest,
            duckdb_version=duckdb.__version__,
            created_at=created_at,
            step_seconds=step_seconds,
            steps_wall_seconds=steps_wall,
        )

    def _write_tables(
        self,
        tables: Mapping[str, schema.Table],
        started: dict[str, Closable],
        began: dict[str, float],
        provided: frozenset[str],
        progress: Progress | None,
        steps: int,
    ) -> None:
        """Each snapshot table from its staged copy, typed; the tables an early start reads
        first, and each early start begun as soon as its tables are written."""
        early = [e for e in EARLY_STARTS if e.tables <= provided]
        wanted = {name for e in early for name in e.tables}
        written: set[str] = set()
        for done, name in enumerate(sorted(tables, key=lambda n: n not in wanted), start=1):
            table, staged = tables[name], self.staged.get(name)
            if staged is not None:
                columns = ", ".join(quote(f.name) for f in table.fields)
                values = ", ".join(
                    validate.typed_expression(name, f, quote(f.name)) for f in table.fields
                )
                self.con.execute(
                    f"INSERT INTO {SNAPSHOT}.{quote(name)} ({columns}) "
                    f"SELECT {values} FROM {staged.raw}"
                )
                # The staged copy is no longer needed; free its memory for the next table.
                self.con.execute(f"DROP VIEW {staged.view}")
                self.con.execute(f"DROP TABLE {staged.raw}")
            written.add(name)
            for e in early:
                if e.name not in started and e.tables <= written:
                    began[e.name] = time.perf_counter()
                    started[e.name] = e.begin(self.con, SNAPSHOT, provided)
            if progress:
                progress(done, steps, name)

    def publish(self, final: Path) -> None:
        writer.publish(self.incoming, final)
        self._published = True


def _xml_encoding(path: Path) -> str:
    """An XML return's encoding, for the record of files read; "" for other files."""
    if path.suffix.lower() != ".xml" or not path.is_file():
        return ""
    with path.open("rb") as fh:
        return text_encodings.xml_label(fh.read(256))
