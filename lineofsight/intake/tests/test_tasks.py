"""Long work in the worker process: an upload's import and a recompute wait in the database until
`lineofsight worker` does them; the database lets one run wait or run at a time; a run whose
worker died is marked failed, never left running."""

from __future__ import annotations

import datetime
import io
import os
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lineofsight.accounts.models import Role, User
from lineofsight.casework import store
from lineofsight.intake import background, services, uploads
from lineofsight.intake.models import ImportRun, Phase, RunStatus
from lineofsight.intake.tests.worker import work_off_the_queue
from lineofsight.timeliness import services as timeliness_services

from .test_interrupted import _a_dead_pid

# The worker takes its tasks in transactions of its own, as in production.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("lineofsight.intake.tests.urls"),
]


@pytest.fixture(autouse=True)
def database_tasks(settings) -> None:
    """Tasks wait in the database for the worker, as in production."""
    settings.INTAKE_IMPORTS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INTAKE_WORKER_STALE_MINUTES = 5


@pytest.fixture
def analyst(client) -> User:
    user = User.objects.create_user(
        "analyst@example.org", "a long password 123", role=Role.ANALYST, full_name="Analyst"
    )
    client.force_login(user)
    return user


def _zipped(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.write(path, f"extract/{path.name}")
    return buffer.getvalue()


def _upload(actor: User, directory: Path) -> ImportRun:
    return services.uploaded_import_start(
        actor=actor, file_name="extract.zip", chunks=[_zipped(directory)]
    )


def _queued(name: str = "an upload") -> ImportRun:
    return services.import_run_create(source_kind="ssd", source_name=name, queued=True)


def test_an_uploaded_import_waits_in_the_database_until_the_worker_does_it(
    analyst: User, ssd_dir: Path, data_dir: Path
) -> None:
    run = _upload(analyst, ssd_dir)

    # Nothing ran in the request: the run waits, owned by no process, its task in the database.
    assert (run.status, run.phase, run.pid, run.host) == (RunStatus.RUNNING, Phase.QUEUED, None, "")
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs["args"][:2] == [run.pk, services.UPLOADED_IMPORT]
    assert store.current_snapshot() is None
    # A restart of the web server loses nothing: the next page load closes nothing.
    assert services.import_runs_close_interrupted() == []

    work_off_the_queue()

    run.refresh_from_db()
    task.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert store.current_snapshot() == run.snapshot
    assert run.run_by == analyst
    # The worker put its own process and a heartbeat on the run.
    assert (run.host, run.pid) == (socket.gethostname(), os.getpid())
    assert run.heartbeat_at is not None
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "succeeded"
    assert not list((data_dir / "tmp").glob("upload-*"))  # the upload's folder is removed


def test_the_database_lets_one_run_wait_or_run_at_a_time() -> None:
    first = _queued("first")
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.create(source_kind="ssd", status=RunStatus.RUNNING)
    with pytest.raises(services.ImportAlreadyRunning, match=rf"import {first.pk}\) is still"):
        services.import_run_create(source_kind="ssd", source_name="second")
    assert ImportRun.objects.count() == 1

    services.import_run_finish(run=first, status=RunStatus.FAILED)
    assert services.import_run_create(source_kind="ssd", source_name="third").is_running


def test_the_command_line_is_refused_while_an_upload_waits(ssd_dir: Path) -> None:
    waiting = _queued()
    with pytest.raises(CommandError, match=rf"import {waiting.pk}\) is still running"):
        call_command("import", "ssd", str(ssd_dir), "--no-progress", stdout=io.StringIO())
    assert list(ImportRun.objects.all()) == [waiting]


def test_a_second_upload_that_races_the_first_gets_a_message_not_an_error(
    client, analyst: User, ssd_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = uploads.save

    def save_while_another_starts(*args: object, **kwargs: object) -> Path:
        # Another upload gets its run in after this one's page checked that nothing runs.
        saved = real_save(*args, **kwargs)
        _queued("the other upload")
        return saved

    monkeypatch.setattr(uploads, "save", save_while_another_starts)
    upload = io.BytesIO(_zipped(ssd_dir))
    upload.name = "extract.zip"

    response = client.post(reverse("intake:imports"), {"file": upload})

    assert response.status_code == 200
    assert "is still running. Wait for it to finish" in response.content.decode()
    assert list(ImportRun.objects.values_list("source_name", flat=True)) == ["the other upload"]
    assert not DBTaskResult.objects.exists()
    assert not list((data_dir / "tmp").glob("upload-*"))  # the refused upload is not kept


def test_a_run_whose_worker_went_silent_is_marked_failed_on_the_imports_page(
    client, analyst: User
) -> None:
    silent, heard = timezone.now() - datetime.timedelta(minutes=6), timezone.now()
    run = _queued()
    ImportRun.objects.filter(pk=run.pk).update(host="another-machine", pid=4242, heartbeat_at=heard)

    assert client.get(reverse("intake:imports")).status_code == 200
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # heard from a moment ago: still working

    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=silent)
    assert client.get(reverse("intake:imports")).status_code == 200
    run.refresh_from_db()
    local = timezone.localtime(silent)
    assert run.status == RunStatus.FAILED and run.phase == Phase.FINISHED
    assert run.failure_message.startswith("The worker stopped before it finished")
    assert f"after {local:%H:%M} on {local:%d/%m/%Y}" in run.failure_message
    assert _queued("the next one").is_running  # nothing holds the next import back


def test_a_worker_starting_closes_the_run_a_dead_worker_left() -> None:
    run = _queued()
    ImportRun.objects.filter(pk=run.pk).update(
        host=socket.gethostname(), pid=_a_dead_pid(), heartbeat_at=timezone.now()
    )

    said = work_off_the_queue()

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "The worker stopped before it finished" in run.failure_message
    assert f"Run {run.pk} was left running" in said


def test_a_run_that_waited_a_day_for_a_worker_says_none_is_running() -> None:
    run = _queued()
    waited = timezone.now() - datetime.timedelta(hours=25)
    ImportRun.objects.filter(pk=run.pk).update(started_at=waited)

    assert services.import_runs_close_interrupted() == [run]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "no worker is running" in run.failure_message


def test_work_that_ends_without_an_outcome_is_not_left_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(background.WORK, "forgets", lambda *, run: None)
    run = background.run_in_background(run=_queued(), kind="forgets")
    assert run.is_running

    work_off_the_queue()

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "interrupted" in run.failure_message


def test_work_that_raises_marks_its_run_failed_and_the_task_finishes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*, run: ImportRun) -> None:
        services.import_run_finish(run=run, status=RunStatus.FAILED, failure_message="disk full")
        raise OSError("disk full")

    monkeypatch.setitem(background.WORK, "explodes", explode)
    run = background.run_in_background(run=_queued(), kind="explodes")

    work_off_the_queue()

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failure_message == "disk full"
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "failed"


def test_the_worker_beats_while_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "HEARTBEAT_SECONDS", 0.05)
    beats: list[datetime.datetime] = []

    def wait_for_a_beat(*, run: ImportRun) -> None:
        first = ImportRun.objects.get(pk=run.pk).heartbeat_at
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = ImportRun.objects.get(pk=run.pk).heartbeat_at
            if now != first:
                beats.extend([first, now])
                break
            time.sleep(0.02)
        services.import_run_finish(run=run, status=RunStatus.SUCCEEDED)

    monkeypatch.setitem(background.WORK, "waits", wait_for_a_beat)
    run = background.run_in_background(run=_queued(), kind="waits")
    before = {t.name for t in threading.enumerate()}

    work_off_the_queue()

    assert len(beats) == 2 and beats[1] > beats[0]
    assert {t.name for t in threading.enumerate()} <= before  # the heartbeat has stopped
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_an_unknown_kind_of_work_queues_nothing() -> None:
    run = _queued()
    with pytest.raises(background.UnknownWork):
        background.run_in_background(run=run, kind="no such work")
    assert not DBTaskResult.objects.exists()


def test_a_recompute_is_queued_and_done_by_the_worker_as_imports_are(ssd_dir: Path) -> None:
    imported = services.ssd_extract_import(directory=ssd_dir).snapshot
    admin = User.objects.create_user(
        "admin@example.org", "a long password 123", role=Role.ADMINISTRATOR, full_name="Admin"
    )

    run = timeliness_services.snapshot_recompute_start(actor=admin)

    assert (run.status, run.phase, run.pid) == (RunStatus.RUNNING, Phase.QUEUED, None)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [
        run.pk,
        timeliness_services.RECOMPUTE,
        {"snapshot": imported.pk},
    ]
    with pytest.raises(timeliness_services.RecomputeAlreadyRunning):
        timeliness_services.snapshot_recompute_start(actor=admin)
    assert store.current_snapshot() == imported

    work_off_the_queue()

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert store.current_snapshot() == run.snapshot != imported
    assert run.run_by == admin and run.heartbeat_at is not None
