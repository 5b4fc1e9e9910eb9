"""The record each import keeps (ImportRun): made, moved on, finished, closed when its process
has gone, and published or discarded after the quality gate stopped it."""

from __future__ import annotations

import contextlib
import datetime
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.casework import services as casework_services
from lineofsight.casework import store, writer
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.history.services import capture, record_change
from lineofsight.web.errors import ServiceError

from .. import background
from ..models import ImportFile, ImportRun, Phase, RunStatus
from ..pipeline import FileRecord

if TYPE_CHECKING:
    from lineofsight.accounts.models import User

_STALE_AFTER = datetime.timedelta(hours=24)


class ImportNotReviewable(ValueError):
    """The import cannot be published or discarded; the message says why."""


class ImportAlreadyRunning(ServiceError):
    """Another import is still running; imports on the page run one at a time."""


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


def report_path_for(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "reports" / f"import-{run.pk}.csv"


def work_dir_for(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "tmp" / f"import-{run.pk}"


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
