"""Every write of the intake app: imports and the record each one keeps.

An import is too long for one database transaction: its ImportRun is written as it goes so the
Imports page can show progress. The step that changes what pages read (registering the new
snapshot, renaming its file into place and marking the run succeeded) is one transaction.

Entry points:
- ssd_extract_import(directory=...)       a folder of SSD CSV files
- annex_a_import(path=...)                an Ofsted Annex A workbook, via intake.annex_a
- parsed_extract_import(extract=...)      rows any reader produced, as a ParsedExtract
- cin_census_import(path=...)             a DfE children in need census return (XML)
- ssda903_import(path=...)                a DfE children looked after return (CSV tables or XML)
- returns_import(cin=..., ssda903=...)    the returns together, with a workforce census and
                                          case notes
- csww_import(path=...)                   a DfE workforce census (CSWW) XML return, added to
                                          the current snapshot's casework (intake.csww)
- uploaded_import_run(run=..., upload=...) the Imports page's background work
Each returns the ImportRun; data problems make it FAILED (never an exception). An unexpected
failure (a full disk, a bug) marks the run FAILED and is raised again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.casework import schema, store, writer
from lineofsight.casework import services as casework_services
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.casework.store import snapshot_dir
from lineofsight.history.services import capture, record_change
from lineofsight.web.errors import ServiceError

from . import background, csww, encodings, gate, returns, ssd, staging, uploads
from .annex_a import read_annex_a
from .cin_census import read_cin_census
from .models import ImportFile, ImportRun, Phase, RunStatus
from .pipeline import FileRecord, ImportJob
from .problems import ParsedExtract, Problem, Severity
from .ssd import SourceFile
from .ssda903 import read_ssda903

if TYPE_CHECKING:
    from lineofsight.accounts.models import User


class GateMode(StrEnum):
    """What an import does when the quality gate (intake.gate) finds changes that stop it."""

    STOP = "stop"  # fail, naming each change (the command line without --accept-changes)
    REVIEW = "review"  # wait, staged, for an analyst to publish or discard it (Imports page)
    ACCEPT = "accept"  # publish anyway, keeping the changes on the run (--accept-changes)


class ImportNotReviewable(ValueError):
    """The import cannot be published or discarded; the message says why."""


# (phase, done, total, label): what a command line progress bar needs.
Progress = Callable[[str, int, int, str], None]

# Share of the progress bar each phase takes, in percent.
_PHASE_SPAN = {Phase.READ: (0, 40), Phase.VALIDATE: (40, 60), Phase.WRITE: (60, 99)}
_STALE_AFTER = datetime.timedelta(hours=24)
_PROGRESS_INTERVAL = 1.0  # seconds between saves of a run's progress


@dataclass
class Prepared:
    """A source made ready for ImportJob.read: CSV files, plus what was found on the way."""

    files: list[SourceFile]
    problems: list[Problem] = field(default_factory=list)
    label: str = ""  # how problems about the whole source name it
    fingerprint: list[Path] | None = None  # files to hash, when not the CSV files themselves
    source_fields: dict[str, list[str]] = field(default_factory=dict)  # see ParsedExtract.fields
    # The text encoding each fingerprinted file was read in, by file name, when a reader knows.
    encodings: dict[str, str] = field(default_factory=dict)


# -- the run record ------------------------------------------------------------------------


def import_run_create(
    *,
    source_kind: SourceKind | str,
    source_name: str = "",
    actor: User | None = None,
    os_user: str = "",
    as_at: datetime.date | None = None,
    queued: bool = False,
) -> ImportRun:
    """Record a run, running (or, `queued`, waiting for the worker, which has no process yet).
    ImportAlreadyRunning when another run waits or runs: the database allows one at a time."""
    import_runs_close_interrupted()
    try:
        with transaction.atomic():
            return ImportRun.objects.create(
                source_kind=source_kind,
                source_name=source_name[:255],
                run_by=actor if getattr(actor, "pk", None) else None,
                os_user=os_user[:150],
                host="" if queued else socket.gethostname()[:255],
                pid=None if queued else os.getpid(),
                as_at=as_at,
                as_at_given=as_at is not None,
            )
    except IntegrityError:
        running = ImportRun.objects.filter(status=RunStatus.RUNNING).first()
        if running is None:
            raise
        raise ImportAlreadyRunning(
            f"{running.source_name or f'Import {running.pk}'} (import {running.pk}) is still "
            "running. Wait for it to finish, then try again."
        ) from None


def import_run_set_progress(*, run: ImportRun, phase: Phase, progress: int) -> None:
    with transaction.atomic():
        run.phase, run.progress = phase, max(0, min(100, progress))
        ImportRun.objects.filter(pk=run.pk).update(phase=run.phase, progress=run.progress)


def import_run_record_files(*, run: ImportRun, files: list[FileRecord]) -> None:
    with transaction.atomic():
        ImportFile.objects.bulk_create(
            ImportFile(
                run=run,
                name=f.name[:255],
                sha256=f.sha256,
                size_bytes=f.size_bytes,
                table=f.table or "",
                row_count=f.row_count,
                encoding=f.encoding,
            )
            for f in files
        )


def import_run_finish(
    *,
    run: ImportRun,
    status: RunStatus,
    failure_message: str = "",
    snapshot: Snapshot | None = None,
) -> ImportRun:
    """Close the run. Counts, timings and as-at date are whatever the run holds by now."""
    with transaction.atomic():
        run.status = status
        run.phase = Phase.FINISHED
        done = status in (RunStatus.SUCCEEDED, RunStatus.REVIEW)
        run.progress = 100 if done else run.progress
        run.finished_at = timezone.now()
        run.failure_message = failure_message
        if snapshot is not None:
            run.snapshot = snapshot
        run.save()
    return run


def import_runs_close_interrupted() -> list[ImportRun]:
    """Fail runs whose process has gone (killed, or the server restarted), whose worker has
    been silent too long (settings.INTAKE_WORKER_STALE_MINUTES), or that waited a day for a
    worker, and remove the incoming snapshot files no running import owns."""
    closed = []
    with transaction.atomic():
        for run in ImportRun.objects.select_for_update().filter(status=RunStatus.RUNNING):
            reason = _why_abandoned(run)
            if reason:
                run.status = RunStatus.FAILED
                run.phase = Phase.FINISHED
                run.finished_at = timezone.now()
                run.failure_message = reason
                run.save()
                closed.append(run)
        active = [r.token for r in ImportRun.objects.filter(status=RunStatus.RUNNING)]
    for path in writer.stale_incoming_files(active):
        with contextlib.suppress(OSError):
            path.unlink()
    return closed


def _why_abandoned(run: ImportRun) -> str:
    """Why a run marked running can no longer finish, in plain words; empty while it can."""
    now = timezone.now()
    gone = (
        run.host == socket.gethostname()
        and run.pid is not None
        and not background.process_alive(run.pid)
    )
    if run.heartbeat_at is not None:
        stale = datetime.timedelta(minutes=getattr(settings, "INTAKE_WORKER_STALE_MINUTES", 5))
        if gone or run.heartbeat_at < now - stale:
            heard = timezone.localtime(run.heartbeat_at)
            return (
                "The worker stopped before it finished (nothing was heard from it after "
                f"{heard:%H:%M} on {heard:%d/%m/%Y}). Nothing was changed: try again once the "
                "worker is running."
            )
        return ""
    if run.pid is None and run.phase == Phase.QUEUED:
        if run.started_at < now - _STALE_AFTER:
            return (
                "The import waited a day without starting: no worker is running "
                "(lineofsight worker). Nothing was changed: start the worker, then try again."
            )
        return ""
    if gone or run.started_at < now - _STALE_AFTER:
        return "The import stopped before it finished (interrupted)."
    return ""


# -- imports -------------------------------------------------------------------------------


class ImportOptions(TypedDict, total=False):
    """How an import runs, whatever its source. Left out: no date given (the data's own),
    nobody named, no progress shown, a new run, and STOP at changes the quality gate finds."""

    as_at: datetime.date | None
    actor: User | None
    os_user: str
    progress: Progress | None
    run: ImportRun | None  # a run already recorded (the Imports page's) instead of a new one
    gate_mode: GateMode | str


def ssd_extract_import(
    *, directory: Path, census: Path | None = None, **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a folder holding one CSV file per SSD table, and with it, when `census` names
    one, a workforce census (CSWW) XML return matched to the extract's professionals."""
    directory = Path(directory)

    def prepare(work: Path) -> Prepared:
        listing = ssd.list_extract(directory)
        prepared = Prepared(files=listing.files, problems=listing.problems, label=directory.name)
        if census is not None:
            _add_census(prepared, Path(census), work, _extract_professionals(listing))
        return prepared

    return _import(
        source_kind=SourceKind.SSD, source_name=str(directory), prepare=prepare, options=options
    )


def parsed_extract_import(
    *,
    extract: ParsedExtract | Callable[[], ParsedExtract],
    source_kind: SourceKind | str = SourceKind.ANNEX_A,
    source_name: str = "",
    **options: Unpack[ImportOptions],
) -> ImportRun:
    """Import rows a reader produced. `extract` may be a function that reads them, so that
    reading is timed as the run's read phase."""

    def prepare(work: Path) -> Prepared:
        parsed = extract() if callable(extract) else extract
        label = source_name or (parsed.files[0].name if parsed.files else "")
        problems = list(parsed.problems)
        problems += [
            Problem(
                Severity.WARNING,
                "This is not a table Line of Sight uses, so it was not read.",
                table=name,
                source=label,
            )
            for name in staging.unknown_tables(parsed)
        ]
        files = staging.extract_to_csv(parsed, work, label)
        return Prepared(
            files=files,
            problems=problems,
            label=label,
            fingerprint=[Path(p) for p in parsed.files if Path(p).is_file()],
            source_fields=dict(parsed.fields),
            encodings=dict(getattr(parsed, "encodings", {})),
        )

    return _import(
        source_kind=source_kind, source_name=source_name, prepare=prepare, options=options
    )


def annex_a_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import an Ofsted Annex A workbook (.xlsx or .xls)."""
    path = Path(path)

    def read() -> ParsedExtract:
        parsed = read_annex_a(path, as_at=options.get("as_at"))
        if not parsed.files:
            parsed.files = [path]
        return parsed

    return parsed_extract_import(
        extract=read,
        source_kind=SourceKind.ANNEX_A,
        source_name=source_name or path.name,
        **options,
    )


def cin_census_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a DfE children in need census return (XML) as a snapshot, as at its census date
    unless `as_at` is given (docs/imports-cin-census.md)."""
    path = Path(path)
    parsed = read_cin_census(path)
    return _return_import(
        parsed, parsed.reference_date, SourceKind.CIN_CENSUS, source_name or path.name, options
    )


def ssda903_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a DfE children looked after return (SSDA903): a folder of its CSV tables or its
    XML file, as at the end of its collection year unless `as_at` is given
    (docs/imports-ssda903.md)."""
    path = Path(path)
    parsed = read_ssda903(path, encoding=encodings.setting())
    return _return_import(
        parsed, parsed.year_end, SourceKind.SSDA903, source_name or path.name, options
    )


def _return_import(
    parsed: ParsedExtract,
    own_date: datetime.date | None,
    kind: SourceKind,
    name: str,
    options: ImportOptions,
) -> ImportRun:
    """A return read before its run starts (its own date, the run's as-at date unless one is
    given, is in the file), imported as any reader's rows are."""
    options = {**options, "as_at": options.get("as_at") or own_date}
    return parsed_extract_import(extract=parsed, source_kind=kind, source_name=name, **options)


class NoReturns(ServiceError):
    """A combined import of returns was asked for without a return to import."""


def returns_import(
    *,
    cin: Path | None = None,
    ssda903: Path | None = None,
    csww_file: Path | None = None,
    case_notes: Path | None = None,
    source_name: str = "",
    **options: Unpack[ImportOptions],
) -> ImportRun:
    """Import the council's statutory returns together into one snapshot: a CIN census, an
    SSDA903 return, a workforce census and a case notes file (SSD case_notes columns), any of
    them, at least one of the first two. Children both returns describe are one child
    (returns.merge_returns); the as-at date is the later of the returns' own dates unless
    `as_at` is given."""
    if cin is None and ssda903 is None:
        raise NoReturns(
            "Give a CIN census (--cin FILE) or an SSDA903 return (--ssda903 PATH), or both."
        )
    parts: list[ParsedExtract] = []
    dates: list[datetime.date] = []
    if cin is not None:
        census = read_cin_census(Path(cin))
        parts.append(census)
        dates += [census.reference_date] if census.reference_date else []
    if ssda903 is not None:
        looked_after = read_ssda903(Path(ssda903), encoding=encodings.setting())
        parts.append(looked_after)
        dates += [looked_after.year_end] if looked_after.year_end else []
    merged = returns.merge_returns(parts)
    options.setdefault("as_at", None)
    options["as_at"] = options["as_at"] or (max(dates) if dates else None)
    names = [Path(p).name for p in (cin, ssda903, csww_file, case_notes) if p is not None]
    label = source_name or " + ".join(names)

    def prepare(work: Path) -> Prepared:
        problems = list(merged.problems)
        problems += [
            Problem(
                Severity.WARNING,
                "This is not a table Line of Sight uses, so it was not read.",
                table=name,
                source=label,
            )
            for name in staging.unknown_tables(merged)
        ]
        prepared = Prepared(
            files=staging.extract_to_csv(merged, work / "returns", label),
            problems=problems,
            label=label,
            fingerprint=[Path(p) for p in merged.files if Path(p).is_file()],
            source_fields=dict(merged.fields),
            encodings=dict(merged.encodings),
        )
        if case_notes is not None:
            notes = Path(case_notes)
            prepared.files.append(ssd.SourceFile(path=notes, table="case_notes"))
            prepared.fingerprint = [*(prepared.fingerprint or []), notes]
            prepared.source_fields.pop("case_notes", None)
        if csww_file is not None:
            _add_census(prepared, Path(csww_file), work / "census", [])
            prepared.fingerprint = [*(prepared.fingerprint or []), Path(csww_file)]
        return prepared

    return _import(
        source_kind=SourceKind.RETURNS, source_name=label, prepare=prepare, options=options
    )


class NoSnapshotForCensus(ServiceError):
    """A workforce census alone is added to the current snapshot; there is none to add it to."""


def _census_target() -> Snapshot:
    """The snapshot a workforce census alone is added to: the current one.
    NoSnapshotForCensus when nothing has been imported yet."""
    current = store.current_snapshot()
    if current is None or current.is_removed or not current.path.exists():
        raise NoSnapshotForCensus(
            "There is no current casework snapshot to add the workforce census to. Import the "
            "casework first (or import both together: lineofsight import ssd DIR --csww FILE)."
        )
    return current


def csww_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Add a workforce census (CSWW XML) to the current snapshot's casework: a new snapshot
    holding the current one's tables as they are, and the census's tables in place of any
    earlier census, validated and published like every import. Its as-at date and source kind
    are the current snapshot's. NoSnapshotForCensus when nothing has been imported yet."""
    path = Path(path)
    current = _census_target()

    def prepare(work: Path) -> Prepared:
        files = _carry_forward(current, work / "current")
        prepared = Prepared(
            files=files,
            label=path.name,
            fingerprint=[path],
            source_fields={
                t: f for t, f in current.source_fields.items() if t not in schema.WORKFORCE_TABLES
            },
        )
        _add_census(prepared, path, work / "census", _snapshot_professionals(current))
        return prepared

    return _import(
        source_kind=current.source_kind,
        source_name=source_name
        or f"{path.name} (workforce census, added to snapshot {current.pk})",
        prepare=prepare,
        options={**options, "as_at": current.as_at},
    )


def _add_census(
    prepared: Prepared, path: Path, work: Path, professionals: list[csww.Professional]
) -> None:
    """Read the census into `prepared`: its two tables replace any the extract holds."""
    parsed = csww.read_csww(path)
    csww.match_professionals(parsed, professionals)
    prepared.problems += parsed.problems
    if parsed.errors:
        # Nothing to stage: the import fails on these errors, naming each.
        parsed.tables = {}
    kept = []
    for f in prepared.files:
        if f.table in schema.WORKFORCE_TABLES:
            prepared.problems.append(
                Problem(
                    Severity.WARNING,
                    f"Not read: the workforce census comes from {path.name}.",
                    table=f.table,
                    source=f.label,
                )
            )
        else:
            kept.append(f)
    # With an extract, the import's file list is the extract's files and the census's two
    # tables as read from it; alone, it is the census file (`fingerprint`).
    prepared.files = kept + staging.extract_to_csv(parsed, work, path.name)


def _keeping_census(prepare: Callable[[Path], Prepared]) -> Callable[[Path], Prepared]:
    """The census is returned once a year and casework every month: an import that brings no
    census keeps the current snapshot's, saying so, rather than dropping the workforce."""

    def prepared_with_census(work: Path) -> Prepared:
        prepared = prepare(work)
        census = [f for f in prepared.files if f.table in schema.WORKFORCE_TABLES]
        if any(_has_rows(f.path) for f in census):
            return prepared
        current = store.current_snapshot()
        if current is None or current.is_removed or not current.path.exists():
            return prepared
        kept = [t for t in schema.WORKFORCE_TABLES if current.provided(t)]
        if not kept:
            return prepared
        prepared.files = [f for f in prepared.files if f not in census]
        kept_files = _snapshot_csv(current, work / "census-kept", kept)
        # The census's workers are matched again to this import's professionals (none, for a
        # source such as Annex A that has none), as a census imported with it would be.
        professionals = next((f for f in prepared.files if f.table == "ssd_professionals"), None)
        _rematch(kept_files, _professionals_in(professionals.path) if professionals else [])
        prepared.files += kept_files
        prepared.problems.append(
            Problem(
                Severity.WARNING,
                f"This import holds no workforce census, so the one in snapshot {current.pk} "
                "is kept. Import a new census on the Imports page or with lineofsight import "
                "csww FILE.xml.",
            )
        )
        return prepared

    return prepared_with_census


def _has_rows(path: Path) -> bool:
    """Whether a CSV file holds a row below its header (an extract may hold empty tables)."""
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        return sum(1 for line, _ in zip(fh, range(2), strict=False) if line.strip()) > 1


def _carry_forward(current: Snapshot, directory: Path) -> list[SourceFile]:
    """The current snapshot's provided tables (less any census) as CSV files for staging, so
    they are checked and written exactly as an import writes them."""
    names = [
        name
        for name in schema.tables()
        if name not in schema.WORKFORCE_TABLES and current.provided(name)
    ]
    return _snapshot_csv(current, directory, names)


def _snapshot_csv(current: Snapshot, directory: Path, names: list[str]) -> list[SourceFile]:
    """Tables of a snapshot as CSV files for staging, checked and written as an import's are."""
    directory.mkdir(parents=True, exist_ok=True)
    label = f"snapshot {current.pk}"
    files = []
    tables = schema.tables()
    with store.connect(current) as con:
        for name in names:
            table = tables[name]
            target = directory / f"{name}.csv"
            columns = ", ".join(writer.quote(f) for f in table.field_names)
            con.execute(
                f"COPY (SELECT {columns} FROM {writer.quote(name)}) TO "
                f"'{str(target).replace(chr(39), chr(39) * 2)}' (HEADER, DELIMITER ',')"
            )
            files.append(SourceFile(path=target, table=name, name=label))
    return files


def _snapshot_professionals(snapshot: Snapshot) -> list[csww.Professional]:
    if not snapshot.provided("ssd_professionals"):
        return []
    with store.connect(snapshot) as con:
        rows = con.execute(
            "SELECT prof_professional_id, prof_staff_id, prof_social_worker_registration_no "
            "FROM ssd_professionals WHERE prof_professional_id IS NOT NULL"
        ).fetchall()
    return [csww.Professional(str(a), b, c) for a, b, c in rows]


def _rematch(files: list[SourceFile], professionals: list[csww.Professional]) -> None:
    """Match a kept census's workers (its csww_workers CSV, rewritten) to `professionals`."""
    workers = next((f for f in files if f.table == "csww_workers"), None)
    if workers is None:
        return
    with workers.path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        names, rows = list(reader.fieldnames or []), list(reader)
    csww.match_professionals(ParsedExtract(tables={"csww_workers": rows}), professionals)
    with workers.path.open("w", encoding="utf-8", newline="") as fh:
        writer_ = csv.DictWriter(fh, fieldnames=names)
        writer_.writeheader()
        writer_.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)


def _extract_professionals(listing: ssd.Listing) -> list[csww.Professional]:
    source = listing.by_table.get("ssd_professionals")
    return _professionals_in(source.path) if source is not None else []


def _professionals_in(path: Path) -> list[csww.Professional]:
    found = []
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            row = {staging.normalise_header(k or ""): (v or "").strip() for k, v in row.items()}
            if row.get("prof_professional_id"):
                found.append(
                    csww.Professional(
                        row["prof_professional_id"],
                        row.get("prof_staff_id") or None,
                        row.get("prof_social_worker_registration_no") or None,
                    )
                )
    return found


def _import(
    *,
    source_kind: SourceKind | str,
    source_name: str,
    prepare: Callable[[Path], Prepared],
    options: ImportOptions,
) -> ImportRun:
    """Prepare the source and import it, on the run given or on a new one."""
    as_at, actor = options.get("as_at"), options.get("actor")
    run = options.get("run")
    if run is None:
        run = import_run_create(
            source_kind=source_kind,
            source_name=source_name,
            actor=actor,
            os_user=options.get("os_user", ""),
            as_at=as_at,
        )
    return _execute(
        run=run,
        prepare=_keeping_census(prepare),
        as_at=as_at,
        actor=actor,
        progress=options.get("progress"),
        gate_mode=options.get("gate_mode", GateMode.STOP),
    )


class ImportAlreadyRunning(ServiceError):
    """Another import is still running; imports on the page run one at a time."""


# The kind of background work (intake.background) that imports an upload.
UPLOADED_IMPORT = "uploaded_import"


def uploaded_import_start(
    *,
    actor: User,
    file_name: str,
    chunks: Iterable[bytes],
    as_at: datetime.date | None = None,
) -> ImportRun:
    """Keep an uploaded file and queue its import for the worker (intake.background; at once,
    when settings.INTAKE_IMPORTS_INLINE is true, as in tests). The run shows its own progress.
    ImportAlreadyRunning, keeping nothing, while another import or recompute waits or runs."""
    import_runs_close_interrupted()
    running = ImportRun.objects.filter(status=RunStatus.RUNNING).first()
    if running is not None:
        # Said before the upload is kept; the database refuses a second run in any case.
        raise ImportAlreadyRunning(
            f"Import {running.pk} is still running. Wait for it to finish, then try again."
        )
    if uploads.source_kind_for(file_name) is None:
        raise uploads.UploadRejected("The file must be a .zip, .xlsx, .xls or .xml file.")
    folder = uploads.new_upload_dir()
    upload = uploads.save(chunks, folder, file_name)
    try:
        kind = uploads.source_kind_of(upload)
        source_name = file_name
        census = kind == uploads.WORKFORCE_CENSUS
        if census:
            # Added to the current snapshot, as `lineofsight import csww` does: the run is
            # that snapshot's kind and as-at date, whatever date the form was given.
            current = _census_target()
            kind, as_at = current.source_kind, current.as_at
            source_name = f"{file_name} (workforce census, added to snapshot {current.pk})"
        run = import_run_create(
            source_kind=kind, source_name=source_name, actor=actor, as_at=as_at, queued=True
        )
    except (uploads.UploadRejected, NoSnapshotForCensus, ImportAlreadyRunning):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    params = {"upload": str(upload), "as_at": as_at.isoformat() if as_at else None}
    if census:
        params["workforce_census"] = True
    return background.run_in_background(run=run, kind=UPLOADED_IMPORT, params=params)


def uploaded_import_work(
    *, run: ImportRun, upload: str, as_at: str | None, workforce_census: bool = False
) -> ImportRun:
    """The queued work of uploaded_import_start, as the worker calls it (JSON arguments)."""
    return uploaded_import_run(
        run=run,
        upload=Path(upload),
        as_at=datetime.date.fromisoformat(as_at) if as_at else None,
        actor=run.run_by,
        workforce_census=workforce_census,
    )


def uploaded_import_run(
    *,
    run: ImportRun,
    upload: Path,
    as_at: datetime.date | None,
    actor: User | None,
    workforce_census: bool = False,
) -> ImportRun:
    """The Imports page's work, done by the worker: unpack the upload and import it (a
    workforce census: add it to the current snapshot, as csww_import does). The upload's folder
    is removed afterwards, whatever happens."""
    common: ImportOptions = {
        "as_at": as_at,
        "actor": actor,
        "run": run,
        "gate_mode": GateMode.REVIEW,
    }
    try:
        zipped = upload.suffix.lower() == ".zip"
        if zipped:
            folder = upload.parent / "extract"
            try:
                uploads.extract_csvs(upload, folder)
            except uploads.UploadRejected as exc:
                return import_run_finish(run=run, status=RunStatus.FAILED, failure_message=str(exc))
        if workforce_census:
            return csww_import(path=upload, source_name=run.source_name, **common)
        if run.source_kind == SourceKind.SSD:
            return ssd_extract_import(directory=folder, **common)
        if run.source_kind == SourceKind.SSDA903:
            return ssda903_import(path=folder if zipped else upload, **common)
        if run.source_kind == SourceKind.CIN_CENSUS:
            return cin_census_import(path=upload, **common)
        return annex_a_import(path=upload, **common)
    except Exception as exc:
        # Whatever went wrong before the import itself could record it, the run must not be
        # left "running": that would hold every later upload back.
        run.refresh_from_db()
        if run.status == RunStatus.RUNNING:
            import_run_finish(run=run, status=RunStatus.FAILED, failure_message=_describe(exc))
        raise
    finally:
        shutil.rmtree(upload.parent, ignore_errors=True)


def report_path_for(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "reports" / f"import-{run.pk}.csv"


def work_dir_for(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "tmp" / f"import-{run.pk}"


# -- the phases ----------------------------------------------------------------------------


def _execute(
    *,
    run: ImportRun,
    prepare: Callable[[Path], Prepared],
    as_at: datetime.date | None,
    actor: User | None,
    progress: Progress | None,
    gate_mode: GateMode | str = GateMode.STOP,
) -> ImportRun:
    import_runs_close_interrupted()
    try:
        with contextlib.closing(ImportJob(token=run.token, work_dir=work_dir_for(run))) as job:
            with _phase(run, Phase.READ, progress) as step:
                prepared = prepare(job.work_dir / "source")
                job.add_problems(prepared.problems)
                job.read(
                    prepared.files,
                    fingerprint=prepared.fingerprint,
                    encodings=prepared.encodings,
                    progress=step,
                )
                import_run_record_files(run=run, files=job.files)
                run.row_counts = {name: t.rows for name, t in job.staged.items()}
            with _phase(run, Phase.VALIDATE, progress) as step:
                errors, warnings = job.validate(prepared.label, progress=step)
                run.error_count, run.warning_count = errors, warnings
                run.report_path = str(job.write_report(report_path_for(run)))
            if errors:
                return import_run_finish(run=run, status=RunStatus.FAILED)
            with _phase(run, Phase.WRITE, progress) as step:
                written = job.write(
                    source_kind=run.source_kind,
                    as_at=as_at,
                    progress=step,
                    info={"import_run": str(run.pk), "source_name": run.source_name},
                    source_fields=prepared.source_fields,
                )
                run.as_at, run.row_counts = written.as_at, written.row_counts
            if written.step_seconds:
                # Part of the write phase, shown apart so derived tables' cost can be seen.
                run.phase_timings["post_load_steps"] = written.step_seconds
                run.phase_timings["post_load_steps_held_up"] = {"wall": written.steps_wall_seconds}
                ImportRun.objects.filter(pk=run.pk).update(phase_timings=run.phase_timings)
            stopping = _quality_gate(run=run, written=written, incoming=job.incoming)
            if stopping and gate_mode == GateMode.STOP:
                return import_run_finish(
                    run=run, status=RunStatus.FAILED, failure_message=_gate_message(run, stopping)
                )
            publish = not stopping or gate_mode == GateMode.ACCEPT
            run.accepted_changes = bool(stopping) and publish
            final = snapshot_dir() / writer.published_name(
                source_kind=run.source_kind, created_at=written.created_at, token=run.token
            )
            try:
                with transaction.atomic():
                    # Renamed first so the registry can check the file is there; if registering
                    # fails the transaction rolls back and the file is removed below.
                    job.publish(final)
                    snapshot = casework_services.snapshot_register(
                        actor=actor,
                        file_name=final.name,
                        source_kind=run.source_kind,
                        as_at=written.as_at,
                        row_counts=written.row_counts,
                        provided_tables=list(written.provided),
                        content_hash=written.content_hash,
                        duckdb_version=written.duckdb_version,
                        created_at=written.created_at,
                        publish=publish,
                        source_fields={
                            t: f for t, f in prepared.source_fields.items() if t in written.provided
                        },
                    )
                    import_run_finish(
                        run=run,
                        status=RunStatus.SUCCEEDED if publish else RunStatus.REVIEW,
                        snapshot=snapshot,
                    )
            except BaseException:
                writer.discard(final)
                raise
    except BaseException as exc:
        # BaseException: a Ctrl-C or a stopping server must not leave the run "running".
        # The registration may have been rolled back after the run object was given its new
        # snapshot, so take the run's snapshot from the database again before saving.
        run.refresh_from_db(fields=["snapshot"])
        import_run_finish(run=run, status=RunStatus.FAILED, failure_message=_describe(exc))
        raise
    casework_services.snapshot_prune(actor=actor)
    return run


def _quality_gate(*, run: ImportRun, written, incoming: Path) -> list[gate.Change]:
    """Compare the written snapshot with the current one; keep every change on the run and
    return those that stop the import. Nothing current: nothing to compare, nothing stops."""
    current = store.current_snapshot()
    if current is None:
        return []
    started = time.perf_counter()
    changes = gate.compare_rows(
        before_counts=current.row_counts,
        before_provided=current.provided_tables,
        after_counts=written.row_counts,
        after_provided=list(written.provided),
    )
    if current.path.exists():
        before = gate.figures_of(current.path, current.as_at, frozenset(current.provided_tables))
        after = gate.figures_of(incoming, written.as_at, frozenset(written.provided))
        changes += gate.compare_figures(before, after)
    run.compared_with = current
    run.gate_changes = [c.as_dict() for c in changes]
    run.phase_timings["quality_gate"] = {"seconds": round(time.perf_counter() - started, 3)}
    ImportRun.objects.filter(pk=run.pk).update(
        compared_with=current, gate_changes=run.gate_changes, phase_timings=run.phase_timings
    )
    return [c for c in changes if c.stops]


def _gate_message(run: ImportRun, stopping: list[gate.Change]) -> str:
    lines = "; ".join(c.describe() for c in stopping)
    return (
        f"The quality gate stopped the import: compared with the current snapshot "
        f"{run.compared_with_id}, {len(stopping)} change{'s' if len(stopping) != 1 else ''} "
        f"{'is' if len(stopping) == 1 else 'are'} larger than allowed: {lines}. If the changes "
        "are expected, import again with --accept-changes (or upload the file on the Imports "
        "page and publish it after review)."
    )[:4000]


# -- review --------------------------------------------------------------------------------


def import_run_publish(*, actor: User, run: ImportRun) -> ImportRun:
    """Publish the snapshot of an import the quality gate stopped: it becomes current."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        _check_reviewable(locked)
        current = store.current_snapshot()
        if current is not None and current.pk != locked.compared_with_id:
            raise ImportNotReviewable(
                f"The current snapshot has changed since import {locked.pk} was checked (it was "
                f"compared with snapshot {locked.compared_with_id}; snapshot {current.pk} is "
                "current now). Discard it and import the file again."
            )
        before = capture(locked, ("status", "accepted_changes"))
        casework_services.snapshot_publish(actor=actor, snapshot=locked.snapshot)
        locked.status, locked.accepted_changes = RunStatus.SUCCEEDED, True
        locked.save(update_fields=["status", "accepted_changes"])
        record_change(actor=actor, action="import_run_publish", obj=locked, before=before)
    casework_services.snapshot_prune(actor=actor)
    run.refresh_from_db()
    return run


def import_run_discard(*, actor: User, run: ImportRun) -> ImportRun:
    """Discard the snapshot of an import the quality gate stopped; nothing else changes."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        _check_reviewable(locked)
        before = capture(locked, ("status",))
        casework_services.snapshot_discard(actor=actor, snapshot=locked.snapshot)
        locked.status = RunStatus.DISCARDED
        locked.save(update_fields=["status"])
        record_change(actor=actor, action="import_run_discard", obj=locked, before=before)
    run.refresh_from_db()
    return run


def _check_reviewable(run: ImportRun) -> None:
    if run.status != RunStatus.REVIEW or run.snapshot_id is None:
        raise ImportNotReviewable(
            f"Import {run.pk} is not waiting for review: it is {run.get_status_display().lower()}."
        )


@contextlib.contextmanager
def _phase(
    run: ImportRun, phase: Phase, progress: Progress | None
) -> Iterator[Callable[[int, int, str], None]]:
    low, high = _PHASE_SPAN[phase]
    started = timezone.now()
    import_run_set_progress(run=run, phase=phase, progress=low)
    last_saved = time.monotonic()

    def step(done: int, total: int, label: str) -> None:
        nonlocal last_saved
        # Each save is a commit (an fsync on SQLite): at most one a second is plenty for a page
        # that refreshes every three seconds.
        if time.monotonic() - last_saved >= _PROGRESS_INTERVAL:
            percent = low + (high - low) * done // max(total, 1)
            import_run_set_progress(run=run, phase=phase, progress=percent)
            last_saved = time.monotonic()
        if progress:
            progress(phase.value, done, total, label)

    try:
        yield step
    finally:
        finished = timezone.now()
        run.phase_timings = {
            **run.phase_timings,
            phase.value: {
                "started": started.isoformat(),
                "finished": finished.isoformat(),
                "seconds": round((finished - started).total_seconds(), 3),
            },
        }
        ImportRun.objects.filter(pk=run.pk).update(phase_timings=run.phase_timings)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "The import was stopped before it finished (interrupted)."
    return f"The import failed unexpectedly: {type(exc).__name__}: {exc}"[:2000]
    return True
