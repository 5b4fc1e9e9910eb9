"""An import that fails or is killed while writing leaves the previous snapshot current."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

from lineofsight.casework import store, writer
from lineofsight.casework.models import Snapshot
from lineofsight.intake import pipeline, services
from lineofsight.intake.models import ImportRun, RunStatus

from . import extract
from .conftest import assert_nothing_changed

pytestmark = pytest.mark.django_db


def test_failure_inside_the_write_phase_changes_nothing(
    baseline: Snapshot, ssd_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incoming_seen: list[bool] = []

    def explode(context: pipeline.LoadContext) -> None:
        running = ImportRun.objects.get(status=RunStatus.RUNNING)
        incoming_seen.append(writer.incoming_path(running.token).exists())
        raise OSError("No space left on device")

    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [explode])

    with pytest.raises(OSError, match="No space left"):
        services.ssd_extract_import(directory=ssd_dir)

    run = ImportRun.objects.latest("id")
    assert incoming_seen == [True]  # the failure really was mid-write
    assert "No space left on device" in run.failure_message
    assert_nothing_changed(baseline, run, data_dir)


def test_failure_while_registering_removes_the_published_file(
    baseline: Snapshot, ssd_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lineofsight.casework import services as casework_services

    def refuse(**kwargs: object) -> Snapshot:
        raise RuntimeError("database went away")

    monkeypatch.setattr(casework_services, "snapshot_register", refuse)

    with pytest.raises(RuntimeError):
        services.ssd_extract_import(directory=ssd_dir)

    assert_nothing_changed(baseline, ImportRun.objects.latest("id"), data_dir)


def test_post_load_steps_run_on_the_new_snapshot(
    ssd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def derived(context: pipeline.LoadContext) -> None:
        context.con.execute(
            f"CREATE TABLE {context.alias}.person_count AS "
            f"SELECT count(*) AS n, DATE '{context.as_at}' AS as_at FROM {context.alias}.ssd_person"
        )

    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [derived])
    run = services.ssd_extract_import(directory=ssd_dir)
    with store.connect(run.snapshot) as con:
        assert con.execute("SELECT n FROM person_count").fetchone() == (3,)


def test_interrupted_run_is_closed_and_its_incoming_file_swept(
    baseline: Snapshot, ssd_dir: Path, data_dir: Path
) -> None:
    dead = services.import_run_create(source_kind="ssd", source_name="x")
    ImportRun.objects.filter(pk=dead.pk).update(pid=_a_dead_pid())
    writer.incoming_path(dead.token).write_bytes(b"half a snapshot")

    run = services.ssd_extract_import(directory=ssd_dir)

    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "interrupted" in dead.failure_message
    assert not writer.incoming_path(dead.token).exists()
    assert run.status == RunStatus.SUCCEEDED


def _a_dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


_KILLED_IMPORT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    os.environ["DJANGO_SETTINGS_MODULE"] = "lineofsight.settings"
    import django
    django.setup()
    from lineofsight.intake import pipeline, services

    def hold(context):
        Path(sys.argv[2]).write_text("writing")
        time.sleep(60)

    if sys.argv[3] == "hold":
        pipeline.POST_LOAD_STEPS.append(hold)
    run = services.ssd_extract_import(directory=Path(sys.argv[1]))
    print(run.status)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_import_killed_with_sigkill_during_write_leaves_previous_current(tmp_path: Path) -> None:
    """A real process, killed mid-write: its own database and data folder, as in production."""
    var = tmp_path / "var"
    env = {
        **os.environ,
        "LINEOFSIGHT_DATA_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    var.mkdir()
    python = sys.executable
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([python, manage, "migrate", "-v0"], env=env, check=True, timeout=300)
    script = tmp_path / "killed_import.py"
    script.write_text(_KILLED_IMPORT)
    ssd = extract.write(tmp_path / "ssd")
    marker = tmp_path / "writing"

    def import_to_the_end() -> subprocess.CompletedProcess:
        return subprocess.run(
            [python, str(script), str(ssd), str(marker), "normal"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = import_to_the_end()
    assert first.stdout.strip() == "succeeded", first.stderr

    child = subprocess.Popen([python, str(script), str(ssd), str(marker), "hold"], env=env)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "the import ended before it reached the write phase"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        incoming = list((var / "snapshots").glob(".incoming-*"))
        assert incoming, "the killed import had not started its snapshot file"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(var / "db.sqlite3") as db:
        snapshots = db.execute("SELECT id, is_current FROM casework_snapshot").fetchall()
        runs = db.execute("SELECT id, status FROM intake_importrun ORDER BY id").fetchall()
    assert snapshots == [(1, 1)]
    assert runs == [(1, "succeeded"), (2, "running")]

    # The next import notices the dead run, closes it and sweeps its half-written file.
    again = import_to_the_end()
    assert again.stdout.strip() == "succeeded", again.stderr
    with sqlite3.connect(var / "db.sqlite3") as db:
        runs = db.execute("SELECT id, status FROM intake_importrun ORDER BY id").fetchall()
    assert runs == [(1, "succeeded"), (2, "failed"), (3, "succeeded")]
    assert not list((var / "snapshots").glob(".incoming-*"))
