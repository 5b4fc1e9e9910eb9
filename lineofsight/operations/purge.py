"""Removing what is kept past its retention period (`lineofsight purge`, run from cron).

- Access log entries (who viewed which child's record) older than ACCESS_LOG_DAYS. The default,
  2557 days (seven years), is a retention period councils commonly set for the audit trail of
  access to children's social care records.
- Import validation reports (VAR_DIR/reports) older than IMPORT_REPORT_DAYS, except the report of
  an import that is running or waiting for review.
- Abandoned uploads and import work folders (VAR_DIR/tmp) untouched for UPLOAD_DAYS, except the
  folder of an import that is still running.
- Snapshots beyond the newest SNAPSHOT_RETENTION, through casework's own snapshot_prune, which
  never removes the current snapshot or one staged for review.
- Committee report and self-evaluation downloads the worker prepared (VAR_DIR/exports),
  REPORT_EXPORT_HOURS after they were asked for, through reports' own committee_exports_purge.
- Sign-in attempts older than SIGNIN_ATTEMPT_DAYS (a year by default: long enough to look into a
  misused account), and the notes of sessions that have ended, through accounts' own services.
- The worker's finished tasks (succeeded or failed: django-tasks-db keeps a row for each, with
  its arguments and any traceback) that finished more than TASK_RESULT_DAYS ago; a task waiting
  or running is never touched. What it did (an import, a recompute, a download) keeps its own
  record.

One transaction removes the database rows and writes one history row with the counts; files are
deleted only once it has committed. A dry run does the same work and rolls it back, so it reports
exactly what a real run would remove.
"""

from __future__ import annotations

import datetime
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lineofsight.accounts import sessions as account_sessions
from lineofsight.accounts.models import AccessLogEntry
from lineofsight.accounts.services import signin_attempts_purge
from lineofsight.casework import services as casework_services
from lineofsight.history.models import ChangeEvent
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.reports.services import committee_exports_purge

if TYPE_CHECKING:
    from lineofsight.accounts.models import User

ACTION = "retention_purge"
OBJECT_TYPE = "operations.purge"
_RUN_FOLDER = re.compile(r"^(?:import|recompute)-(\d+)$")
_REPORT = re.compile(r"^import-(\d+)\.csv$")


@dataclass(frozen=True)
class RetentionPeriods:
    access_log_days: int
    import_report_days: int
    upload_days: int
    snapshots_kept: int
    signin_attempt_days: int = 365
    report_export_hours: int = 24
    task_result_days: int = 30


def retention_periods() -> RetentionPeriods:
    return RetentionPeriods(
        access_log_days=int(getattr(settings, "ACCESS_LOG_DAYS", 2557)),
        import_report_days=int(getattr(settings, "IMPORT_REPORT_DAYS", 365)),
        upload_days=int(getattr(settings, "UPLOAD_DAYS", 2)),
        snapshots_kept=int(getattr(settings, "SNAPSHOT_RETENTION", 12)),
        signin_attempt_days=int(getattr(settings, "SIGNIN_ATTEMPT_DAYS", 365)),
        report_export_hours=int(getattr(settings, "REPORT_EXPORT_HOURS", 24)),
        task_result_days=int(getattr(settings, "TASK_RESULT_DAYS", 30)),
    )


@dataclass
class PurgeResult:
    dry_run: bool
    access_log_entries: int = 0
    import_reports: list[Path] = field(default_factory=list)
    work_files: list[Path] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    signin_attempts: int = 0
    ended_sessions: int = 0
    report_downloads: list[Path] = field(default_factory=list)
    task_results: int = 0


def purge_expired(
    *, actor: User | None = None, dry_run: bool = False, now: datetime.datetime | None = None
) -> PurgeResult:
    """Remove everything kept past its retention period (see the module's docstring)."""
    now = now or timezone.now()
    periods = retention_periods()
    result = PurgeResult(dry_run=dry_run)
    with transaction.atomic():
        old_entries = AccessLogEntry.objects.filter(
            at__lt=now - datetime.timedelta(days=periods.access_log_days)
        )
        result.access_log_entries = old_entries.count()
        old_entries.delete()
        result.signin_attempts = signin_attempts_purge(
            before=now - datetime.timedelta(days=periods.signin_attempt_days)
        )
        # A session unused for longer than its absolute lifetime has ended, however it ended.
        lifetime = datetime.timedelta(seconds=account_sessions.absolute_lifetime_seconds())
        result.ended_sessions = account_sessions.user_sessions_purge(
            before=now - lifetime - datetime.timedelta(hours=1)
        )
        # Staged snapshots (an import waiting for review) and the current one are never pruned.
        pruned = casework_services.snapshot_prune(actor=actor, keep=periods.snapshots_kept)
        result.snapshots = [s.file_name for s in pruned]
        result.import_reports = expired_reports(
            before=now - datetime.timedelta(days=periods.import_report_days)
        )
        result.work_files = abandoned_work(
            before=now - datetime.timedelta(days=periods.upload_days)
        )
        result.report_downloads = committee_exports_purge(
            before=now - datetime.timedelta(hours=periods.report_export_hours)
        )
        result.task_results = task_results_purge(
            before=now - datetime.timedelta(days=periods.task_result_days)
        )
        ChangeEvent.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            action=ACTION,
            object_type=OBJECT_TYPE,
            object_id=now.isoformat()[:64],
            object_repr="Retention purge",
            changes={
                "access_log_entries_removed": [None, result.access_log_entries],
                "import_reports_removed": [None, len(result.import_reports)],
                "uploads_and_work_folders_removed": [None, len(result.work_files)],
                "snapshots_removed": [None, len(result.snapshots)],
                "signin_attempts_removed": [None, result.signin_attempts],
                "ended_sessions_removed": [None, result.ended_sessions],
                "report_downloads_removed": [None, len(result.report_downloads)],
                "task_results_removed": [None, result.task_results],
            },
        )
        if dry_run:
            # Rolled back: the rows stay, and the file deletions queued on commit (ours and
            # snapshot_prune's) are dropped with it.
            transaction.set_rollback(True)
        else:
            paths = [*result.import_reports, *result.work_files, *result.report_downloads]
            transaction.on_commit(lambda: _remove(paths))
    return result


def task_results_purge(*, before: datetime.datetime) -> int:
    """Remove the rows of tasks that finished (succeeded or failed) before `before`; how many.

    The rows are those of django-tasks-db's own `finished()`, as its prune_db_task_results
    command picks them; the command itself is not called since it gives no count for the
    history row. A task waiting or running is not finished, so it stays whatever its age."""
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    return deleted


def expired_reports(*, before: datetime.datetime) -> list[Path]:
    """Validation reports last written before `before`, except those of imports running or
    waiting for review (the review page shows the report)."""
    folder = Path(settings.VAR_DIR) / "reports"
    if not folder.is_dir():
        return []
    keep = _open_runs()
    expired = []
    for path in sorted(folder.iterdir()):
        match = _REPORT.match(path.name)
        if match and int(match[1]) in keep:
            continue
        if path.is_file() and _newest_mtime(path) < before.timestamp():
            expired.append(path)
    return expired


def abandoned_work(*, before: datetime.datetime) -> list[Path]:
    """Uploads and import work folders under VAR_DIR/tmp in which nothing has changed since
    `before`, except the folders of imports that are still running."""
    folder = Path(settings.VAR_DIR) / "tmp"
    if not folder.is_dir():
        return []
    running = set(ImportRun.objects.filter(status=RunStatus.RUNNING).values_list("pk", flat=True))
    abandoned = []
    for path in sorted(folder.iterdir()):
        match = _RUN_FOLDER.match(path.name)
        if match and int(match[1]) in running:
            continue
        if _newest_mtime(path) < before.timestamp():
            abandoned.append(path)
    return abandoned


def _open_runs() -> set[int]:
    return set(
        ImportRun.objects.filter(status__in=(RunStatus.RUNNING, RunStatus.REVIEW)).values_list(
            "pk", flat=True
        )
    )


def _newest_mtime(path: Path) -> float:
    # A folder counts as touched when anything inside it is: an upload still being unpacked
    # writes into a subfolder without changing the top folder's own time.
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for inner in path.rglob("*"):
            newest = max(newest, inner.lstat().st_mtime)
    return newest


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
