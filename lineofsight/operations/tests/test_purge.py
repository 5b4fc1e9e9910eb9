"""`lineofsight purge`: each kind of record past its retention period goes, nothing recent or
current does, one history row gives the counts, and --dry-run changes nothing."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lineofsight.accounts.models import AccessLogEntry, AccessPurpose
from lineofsight.casework import services as casework_services
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.history.models import ChangeEvent
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.operations import purge

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


def _log(user, *, days_ago: float, person: str) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        person_id=person,
        purpose=AccessPurpose.CASEWORK,
        path=f"/children/{person}/",
        at=NOW - datetime.timedelta(days=days_ago),
    )


def _age(path: Path, *, days: float) -> Path:
    """Make `path` (and everything inside it) look last written `days` before NOW."""
    stamp = (NOW - datetime.timedelta(days=days)).timestamp()
    inner = sorted(path.rglob("*"), reverse=True) if path.is_dir() else []
    for p in [*inner, path]:
        os.utime(p, (stamp, stamp))
    return path


def _snapshot(name: str, *, days_ago: int, publish: bool = True) -> Snapshot:
    path = store.snapshot_dir() / f"{name}.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE ssd_person (pers_person_id VARCHAR)")
    created = NOW - datetime.timedelta(days=days_ago)
    return casework_services.snapshot_register(
        actor=None,
        file_name=path.name,
        source_kind=SourceKind.SSD,
        as_at=created.date(),
        row_counts={"ssd_person": 0},
        provided_tables=["ssd_person"],
        content_hash=name.ljust(64, "0"),
        created_at=created,
        publish=publish,
    )


def _purge_event() -> ChangeEvent:
    return ChangeEvent.objects.get(action=purge.ACTION)


def _counts(event: ChangeEvent) -> dict[str, int]:
    return {k: v[1] for k, v in event.changes.items()}


def test_access_log_entries_older_than_the_period_go(council, settings) -> None:
    settings.ACCESS_LOG_DAYS = 30
    user = council["users"]["practitioner"]
    _log(user, days_ago=31, person="P-OLD-1")
    _log(user, days_ago=400, person="P-OLD-2")
    _log(user, days_ago=29, person="P-RECENT")
    _log(user, days_ago=0, person="P-TODAY")

    result = purge.purge_expired(now=NOW)

    assert result.access_log_entries == 2
    assert sorted(AccessLogEntry.objects.values_list("person_id", flat=True)) == [
        "P-RECENT",
        "P-TODAY",
    ]
    assert _counts(_purge_event()) == {
        "access_log_entries_removed": 2,
        "import_reports_removed": 0,
        "uploads_and_work_folders_removed": 0,
        "snapshots_removed": 0,
        "signin_attempts_removed": 0,
        "ended_sessions_removed": 0,
        "report_downloads_removed": 0,
        "task_results_removed": 0,
    }


def test_the_access_log_is_kept_seven_years_by_default(council) -> None:
    # 2557 days: seven years of 365 days plus two leap days.
    user = council["users"]["practitioner"]
    _log(user, days_ago=2558, person="P-EIGHT-YEARS")
    _log(user, days_ago=2556, person="P-SIX-YEARS-AND-MORE")

    purge.purge_expired(now=NOW)

    assert list(AccessLogEntry.objects.values_list("person_id", flat=True)) == [
        "P-SIX-YEARS-AND-MORE"
    ]


def test_old_import_reports_go_but_not_recent_ones_or_those_under_review(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.IMPORT_REPORT_DAYS = 10
    reports = Path(settings.VAR_DIR) / "reports"
    reports.mkdir(parents=True)
    review = ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.REVIEW)
    done = ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.SUCCEEDED)
    old = reports / f"import-{done.pk}.csv"
    old.write_text("severity,message\n")
    _age(old, days=11)
    under_review = reports / f"import-{review.pk}.csv"
    under_review.write_text("severity,message\n")
    _age(under_review, days=50)
    recent = reports / "import-999999.csv"
    recent.write_text("severity,message\n")
    _age(recent, days=9)

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_expired(now=NOW)

    assert result.import_reports == [old]
    assert sorted(p.name for p in reports.iterdir()) == sorted([under_review.name, recent.name])
    assert _counts(_purge_event())["import_reports_removed"] == 1


def test_abandoned_uploads_and_work_folders_go(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.UPLOAD_DAYS = 2
    tmp = Path(settings.VAR_DIR) / "tmp"
    running = ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.RUNNING)
    failed = ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.FAILED)

    def folder(name: str, days: float) -> Path:
        path = tmp / name / "extract"
        path.mkdir(parents=True)
        (path / "ssd_person.csv").write_text("pers_person_id\nP1\n")
        return _age(tmp / name, days=days)

    abandoned_upload = folder("upload-aaaa", 3)
    abandoned_work = folder(f"import-{failed.pk}", 5)
    loose = tmp / "tmpabc.upload"
    loose.write_bytes(b"partial")
    _age(loose, days=4)
    running_work = folder(f"import-{running.pk}", 5)
    recent_upload = folder("upload-bbbb", 1)
    # An old folder in which something was written an hour ago is still in use.
    busy = folder("upload-cccc", 10)
    _age(busy / "extract" / "ssd_person.csv", days=1 / 24)

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_expired(now=NOW)

    assert sorted(result.work_files) == sorted([abandoned_upload, abandoned_work, loose])
    assert sorted(p.name for p in tmp.iterdir()) == sorted(
        [running_work.name, recent_upload.name, busy.name]
    )
    assert _counts(_purge_event())["uploads_and_work_folders_removed"] == 3


def test_snapshots_beyond_retention_go_through_casework_pruning(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.SNAPSHOT_RETENTION = 2
    oldest = _snapshot("s-oldest", days_ago=40)
    old = _snapshot("s-old", days_ago=30)
    _snapshot("s-middle", days_ago=20)
    newest = _snapshot("s-newest", days_ago=10)
    staged = _snapshot("s-staged", days_ago=50, publish=False)
    ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.REVIEW, snapshot=staged)
    # The current snapshot is old, and must stay.
    casework_services.snapshot_make_current(actor=None, snapshot=oldest)

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_expired(now=NOW)

    # Live and published, newest first: newest, middle | old, oldest (current, kept).
    assert result.snapshots == ["s-old.duckdb"]
    assert sorted(p.name for p in store.snapshot_dir().iterdir()) == [
        "s-middle.duckdb",
        "s-newest.duckdb",
        "s-oldest.duckdb",
        "s-staged.duckdb",
    ]
    old.refresh_from_db()
    assert old.is_removed
    assert store.current_snapshot() == oldest
    assert Snapshot.objects.get(pk=staged.pk).is_staged
    assert Snapshot.objects.get(pk=newest.pk).removed_at is None
    assert ChangeEvent.objects.filter(action="snapshot_prune", object_id=str(old.pk)).count() == 1
    assert _counts(_purge_event())["snapshots_removed"] == 1


def test_dry_run_changes_nothing(council, settings, django_capture_on_commit_callbacks) -> None:
    settings.ACCESS_LOG_DAYS = 30
    settings.IMPORT_REPORT_DAYS = 10
    settings.UPLOAD_DAYS = 2
    settings.SNAPSHOT_RETENTION = 1
    _log(council["users"]["practitioner"], days_ago=100, person="P-OLD")
    reports = Path(settings.VAR_DIR) / "reports"
    reports.mkdir(parents=True)
    report = reports / "import-7.csv"
    report.write_text("x\n")
    _age(report, days=100)
    upload = Path(settings.VAR_DIR) / "tmp" / "upload-dddd"
    upload.mkdir(parents=True)
    _age(upload, days=100)
    _snapshot("d-old", days_ago=10)
    _snapshot("d-new", days_ago=1)
    history_before = ChangeEvent.objects.count()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", "--dry-run", stdout=out)

    assert out.getvalue().startswith("Would remove 1 access log entry older than 30 days")
    # Snapshots are old relative to the real clock too; everything stays as it was.
    assert "1 snapshot(s) beyond the newest 1" in out.getvalue()
    assert AccessLogEntry.objects.count() == 1
    assert report.exists() and upload.exists()
    assert sorted(p.name for p in store.snapshot_dir().iterdir()) == [
        "d-new.duckdb",
        "d-old.duckdb",
    ]
    assert not Snapshot.objects.filter(removed_at__isnull=False).exists()
    assert ChangeEvent.objects.count() == history_before


def test_the_command_removes_and_records(council, settings, django_capture_on_commit_callbacks):
    settings.ACCESS_LOG_DAYS = 30
    entry = _log(council["users"]["practitioner"], days_ago=0, person="P-OLD")
    AccessLogEntry.objects.filter(pk=entry.pk).update(
        at=timezone.now() - datetime.timedelta(days=31)
    )
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", stdout=out)

    assert out.getvalue().startswith("Removed 1 access log entry older than 30 days")
    assert not AccessLogEntry.objects.exists()
    event = _purge_event()
    assert event.actor is None and event.object_type == "operations.purge"
    assert _counts(event)["access_log_entries_removed"] == 1


def _task(status: str, *, finished_days_ago: float | None = None) -> DBTaskResult:
    """A row of django-tasks-db's, as the worker leaves it, asked for 400 days before NOW."""
    enqueued = NOW - datetime.timedelta(days=400)
    finished = None
    if finished_days_ago is not None:
        finished = NOW - datetime.timedelta(days=finished_days_ago)
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1, "import", {}], "kwargs": {}},
        task_path="lineofsight.intake.tasks.long_work",
        backend_name="default",
        run_after=enqueued,
        started_at=enqueued if status != TaskResultStatus.READY else None,
        finished_at=finished,
        exception_class_path="builtins.RuntimeError" if status == TaskResultStatus.FAILED else "",
        traceback="",
    )
    # enqueued_at is set to now on creation.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)
    return task


def test_finished_tasks_older_than_the_period_go_but_never_one_waiting_or_running(
    settings,
) -> None:
    settings.TASK_RESULT_DAYS = 10
    succeeded = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=11)
    failed = _task(TaskResultStatus.FAILED, finished_days_ago=300)
    recent = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=9)
    recent_failure = _task(TaskResultStatus.FAILED, finished_days_ago=1)
    # Asked for long ago and still not done: the worker has yet to take it, or is at it.
    waiting = _task(TaskResultStatus.READY)
    running = _task(TaskResultStatus.RUNNING)

    result = purge.purge_expired(now=NOW)

    assert result.task_results == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent.pk,
        recent_failure.pk,
        waiting.pk,
        running.pk,
    }
    assert not DBTaskResult.objects.filter(pk__in=[succeeded.pk, failed.pk]).exists()
    assert _counts(_purge_event())["task_results_removed"] == 2


def test_finished_tasks_are_kept_thirty_days_by_default() -> None:
    _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=31)
    kept = _task(TaskResultStatus.FAILED, finished_days_ago=29)

    assert purge.retention_periods().task_result_days == 30
    assert purge.purge_expired(now=NOW).task_results == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_dry_run_counts_old_finished_tasks_and_removes_none(settings) -> None:
    settings.TASK_RESULT_DAYS = 30
    real_now = timezone.now()
    old = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=0)
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=real_now - datetime.timedelta(days=31)
    )
    history_before = ChangeEvent.objects.count()
    out = io.StringIO()

    call_command("purge", "--dry-run", stdout=out)

    assert "and 1 finished background task(s) older than 30 days." in out.getvalue()
    assert out.getvalue().startswith("Would remove")
    assert DBTaskResult.objects.filter(pk=old.pk).exists()
    assert ChangeEvent.objects.count() == history_before

    done = io.StringIO()
    call_command("purge", stdout=done)

    assert "and 1 finished background task(s) older than 30 days." in done.getvalue()
    assert done.getvalue().startswith("Removed")
    assert not DBTaskResult.objects.exists()
