"""The Imports page's uploads: kept, queued for the worker, then unpacked and imported."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from lineofsight.casework.models import SourceKind

from .. import background, uploads
from ..models import ImportRun, RunStatus
from .census import NoSnapshotForCensus, census_target
from .execute import describe
from .options import GateMode, ImportOptions
from .runs import (
    ImportAlreadyRunning,
    import_run_create,
    import_run_finish,
    import_runs_close_interrupted,
)
from .sources import (
    annex_a_import,
    cin_census_import,
    csww_import,
    ssd_extract_import,
    ssda903_import,
)

if TYPE_CHECKING:
    from lineofsight.accounts.models import User


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
            current = census_target()
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
            import_run_finish(run=run, status=RunStatus.FAILED, failure_message=describe(exc))
        raise
    finally:
        shutil.rmtree(upload.parent, ignore_errors=True)
