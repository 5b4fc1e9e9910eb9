"""Committee report and self-evaluation downloads prepared by the worker (`lineofsight worker`),
not in the web request.

A page records a CommitteeExport and a task for it in the database (django-tasks, the same
backend and worker as imports: reports.tasks); the worker builds the Word or PDF file into
VAR_DIR/exports and the person who asked downloads it from there. Under
settings.INTAKE_IMPORTS_INLINE (tests) the file is built at once, in the request, as imports are.

An export whose worker died (its process gone from this machine, or silent for
settings.INTAKE_WORKER_STALE_MINUTES) is marked failed when its page is next opened, so nobody
waits for ever; one that no worker took within REPORT_EXPORT_HOURS is failed the same way. A file
is kept for REPORT_EXPORT_HOURS and is out of date as soon as the report or self-evaluation is
saved again (signing a self-evaluation off saves it).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.intake import background
from lineofsight.web import documents

from . import document
from . import selfevaluation_document as se_document
from .models import CommitteeExport, CommitteeReport, ExportFormat, ExportStatus, SelfEvaluation

log = logging.getLogger(__name__)

_RENDER = {ExportFormat.DOCX: documents.render_docx, ExportFormat.PDF: documents.render_pdf}
_DOCUMENT = {CommitteeReport: document.build_report, SelfEvaluation: se_document.build}

# What an export downloads: a committee report or a self-evaluation (CommitteeExport.item).
Item = CommitteeReport | SelfEvaluation


def keep_hours() -> int:
    """How long a prepared file is kept (and may be downloaded) after it was asked for."""
    return int(getattr(settings, "REPORT_EXPORT_HOURS", 24))


def folder() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def path_of(export: CommitteeExport) -> Path | None:
    """The prepared file, if it was made; its name is ours (file_name), never a request's."""
    return folder() / export.file_name if export.file_name else None


def render(item: Item, fmt: str) -> bytes:
    """The document's bytes, exactly as a download of `item` in `fmt` gives them."""
    return _RENDER[ExportFormat(fmt)](_DOCUMENT[type(item)](item))


def build(*, export_pk: int, heartbeat: bool) -> str:
    """Make the file for export `export_pk`, if it still waits; returns its status afterwards.
    A failure is recorded on the export with a plain reason (the traceback goes to the log);
    whatever happens, the export is not left working."""
    export = _claim(export_pk, heartbeat=heartbeat)
    if export is None:
        log.warning("Export %s is not waiting to be prepared: nothing done", export_pk)
        return _status_of(export_pk)
    target = folder() / f"committee-export-{export.pk}.{export.fmt}"
    try:
        with _heartbeat(export_pk) if heartbeat else contextlib.nullcontext():
            # Read afresh through the foreign key: the item as it stands now.
            item = export.item
            data = render(item, export.fmt)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written aside, then renamed: a download never sees half a file.
            partial = target.with_name(f".{target.name}.part")
            partial.write_bytes(data)
            partial.replace(target)
        CommitteeExport.objects.filter(pk=export_pk, status=ExportStatus.WORKING).update(
            status=ExportStatus.DONE,
            file_name=target.name,
            built_version=item.version,
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("Export %s failed", export_pk)
        _fail(
            export_pk,
            "The download could not be prepared: something went wrong while making the file. "
            "Try again; if it fails again, tell the performance analyst.",
        )
    finally:
        _fail(export_pk, "The download stopped before it was ready (interrupted).")
    return _status_of(export_pk)


def close_if_abandoned(export: CommitteeExport) -> CommitteeExport:
    """Mark `export` failed if it can no longer finish; returns it as it now stands."""
    reason = _why_abandoned(export)
    if reason:
        _fail(export.pk, reason)
        export.refresh_from_db()
    return export


def is_current(export: CommitteeExport, item: Item) -> bool:
    """A prepared file that may still be downloaded: made from `item` as it is now, within the
    time files are kept, and still on disk."""
    path = path_of(export)
    return (
        export.status == ExportStatus.DONE
        and export.built_version == item.version
        and export.created_at >= timezone.now() - datetime.timedelta(hours=keep_hours())
        and path is not None
        and path.is_file()
    )


def expired(*, before: datetime.datetime) -> tuple[list[int], list[Path]]:
    """Exports asked for before `before` and their files, with any file in the folder that no
    export names and that has not changed since `before` (a build cut short)."""
    old = CommitteeExport.objects.filter(created_at__lt=before)
    pks = list(old.values_list("pk", flat=True))
    files = CommitteeExport.objects.exclude(file_name="")
    named = set(files.values_list("file_name", flat=True))
    old_files = files.filter(pk__in=pks).values_list("file_name", flat=True)
    paths = [folder() / name for name in old_files]
    if folder().is_dir():
        for path in sorted(folder().iterdir()):
            if path.name not in named and path.lstat().st_mtime < before.timestamp():
                paths.append(path)
    return pks, paths


def _claim(export_pk: int, *, heartbeat: bool) -> CommitteeExport | None:
    with transaction.atomic():
        export = (
            CommitteeExport.objects.select_for_update()
            .filter(pk=export_pk, status=ExportStatus.WAITING)
            .first()
        )
        if export is None:
            return None
        now = timezone.now()
        export.status = ExportStatus.WORKING
        export.started_at = now
        export.host = socket.gethostname()[:255]
        export.pid = os.getpid()
        export.heartbeat_at = now if heartbeat else None
        export.save(update_fields=["status", "started_at", "host", "pid", "heartbeat_at"])
    return export


def _fail(export_pk: int, message: str) -> None:
    """Fail the export if it is still waiting or working (a finished one stays as it is)."""
    CommitteeExport.objects.filter(
        pk=export_pk, status__in=(ExportStatus.WAITING, ExportStatus.WORKING)
    ).update(status=ExportStatus.FAILED, finished_at=timezone.now(), failure_message=message)


def _status_of(export_pk: int) -> str:
    return (
        CommitteeExport.objects.filter(pk=export_pk).values_list("status", flat=True).first() or ""
    )


def _why_abandoned(export: CommitteeExport) -> str:
    """Why an export that waits or is being prepared can no longer finish; empty while it can."""
    now = timezone.now()
    if export.status == ExportStatus.WORKING:
        gone = (
            export.host == socket.gethostname()
            and export.pid is not None
            and export.pid != os.getpid()
            and not background.process_alive(export.pid)
        )
        stale = datetime.timedelta(minutes=getattr(settings, "INTAKE_WORKER_STALE_MINUTES", 5))
        silent = export.heartbeat_at is not None and export.heartbeat_at < now - stale
        if gone or silent:
            return "The worker stopped before the download was ready. Try again."
        return ""
    waited_too_long = export.created_at < now - datetime.timedelta(hours=keep_hours())
    if export.status == ExportStatus.WAITING and waited_too_long:
        return (
            "No worker took the download in time: the worker (lineofsight worker) may not be "
            "running. Try again, and tell the performance analyst if it happens again."
        )
    return ""


def _heartbeat(export_pk: int) -> contextlib.AbstractContextManager[None]:
    """Say the export is still being worked on while a long document is built."""
    return background.beating(
        lambda: CommitteeExport.objects.filter(pk=export_pk, status=ExportStatus.WORKING).update(
            heartbeat_at=timezone.now()
        ),
        name=f"export-heartbeat-{export_pk}",
    )
