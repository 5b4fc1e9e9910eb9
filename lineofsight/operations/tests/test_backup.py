"""`lineofsight backup` and `lineofsight restore`: a round trip into a new installation keeps
every table's rows and every snapshot's bytes; a changed or missing file, and an installation that
already holds data, are refused with nothing changed.

The new installation is real: a separate `manage.py restore` process with its own DATABASE_URL
and LINEOFSIGHT_DATA_DIR (a new SQLite file; on PostgreSQL a database created for the test and
dropped after), so the test database the suite runs in is never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from lineofsight.accounts import services as account_services
from lineofsight.accounts.models import User
from lineofsight.actions.tests.helpers import action_create, action_values
from lineofsight.casework.models import Snapshot
from lineofsight.intake import pipeline
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.tests import extract
from lineofsight.operations import backup

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]
THEMES = "themes:\n  - key: voice\n    label: The child's voice\n"


@pytest.fixture(autouse=True)
def no_post_load_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Derived tables add nothing to what a backup must carry; the import stays quick without them.
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [])


@pytest.fixture
def installation(council, settings, tmp_path: Path) -> dict[str, Any]:
    """People, teams, an action, access log entries, history, an import and its snapshot, and
    a configuration file."""
    action = action_create(**action_values(council))
    account_services.access_log_record(
        user=council["users"]["practitioner"], person_id="P1", path="/children/P1/"
    )
    run = intake_services.ssd_extract_import(directory=extract.write(tmp_path / "ssd"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    themes = tmp_path / "config" / "themes.yml"
    themes.parent.mkdir()
    themes.write_text(THEMES, encoding="utf-8")
    settings.THEMES_FILE = str(themes)
    return {"action": action, "snapshot": run.snapshot, "themes": themes}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(cursor, table: str) -> list[tuple]:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from the schema itself
    return sorted(cursor.fetchall(), key=repr)


def _tables(database=connection) -> dict[str, list[tuple]]:
    """Every table's rows, read through Django's own backend so values come back typed alike."""
    with database.cursor() as cursor:
        return {t: _rows(cursor, t) for t in database.introspection.table_names(cursor)}


def _tables_of(name: str) -> dict[str, list[tuple]]:
    """Every table's rows in the database `name` on the test database's server (or file)."""
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    other = wrapper({**connection.settings_dict, "NAME": name}, "restored")
    try:
        return _tables(other)
    finally:
        other.close()


@contextlib.contextmanager
def _new_installation(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """The environment of a new installation, and its database's name: a new data directory,
    and a new database of the test database's kind (a new SQLite file, or a PostgreSQL database
    created here and dropped after)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
        "LINEOFSIGHT_DATA_DIR": str(tmp_path / "new" / "var"),
        "LINEOFSIGHT_THEMES_FILE": "",
    }
    if connection.vendor == "sqlite":
        database = tmp_path / "new" / "lineofsight.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        yield {**env, "DATABASE_URL": f"sqlite:///{database}"}, str(database)
        return
    details = connection.settings_dict
    name = f"lineofsight_restore_{uuid.uuid4().hex[:12]}"
    auth = details["USER"] + (f":{details['PASSWORD']}" if details.get("PASSWORD") else "")
    url = f"postgres://{auth}@{details['HOST'] or 'localhost'}:{details['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": url}, name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and the repository's manage.py
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _check_round_trip(
    *, before: dict[str, list[tuple]], after: dict[str, list[tuple]], history_table: str
) -> None:
    assert set(after) == set(before)
    # Records of several apps made the trip, not only empty tables.
    for table in (
        "accounts_user",
        "accounts_accesslogentry",
        "actions_improvementaction",
        "casework_snapshot",
        "intake_importrun",
        "intake_importfile",
    ):
        assert before[table], f"{table} should hold rows before the backup"
    # The restore adds one history row saying where the records came from; nothing else differs.
    restore_rows = [r for r in after[history_table] if "backup_restore" in r]
    assert len(restore_rows) == 1
    after[history_table] = [r for r in after[history_table] if "backup_restore" not in r]
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the restore"


def _check_files(backup_dir: Path, data_dir: Path, installation: dict[str, Any]) -> None:
    snapshot = installation["snapshot"]
    source = Path(settings.SNAPSHOT_DIR)
    restored = data_dir / "snapshots"
    assert sorted(p.name for p in restored.iterdir()) == [snapshot.file_name]
    assert (restored / snapshot.file_name).read_bytes() == (
        source / snapshot.file_name
    ).read_bytes()
    # The configuration file was removed after the backup: the restore put it back.
    assert installation["themes"].read_text(encoding="utf-8") == THEMES


def test_backup_writes_a_manifest_of_every_file(installation, tmp_path: Path) -> None:
    result = backup.backup_write(directory=tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest == result.manifest
    snapshot = installation["snapshot"]
    vendor = connection.vendor
    assert manifest["database_vendor"] == vendor
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert manifest["product_version"] == pyproject["project"]["version"]
    assert [(e["kind"], e["path"]) for e in manifest["files"]] == [
        ("database", backup.DATABASE_FILES[vendor]),
        ("snapshot", f"snapshots/{snapshot.file_name}"),
        ("config", "config/THEMES_FILE/themes.yml"),
    ]
    for entry in manifest["files"]:
        path = tmp_path / "backup" / entry["path"]
        assert entry["sha256"] == _sha256(path)
        assert entry["size"] == path.stat().st_size
    assert manifest["files"][2]["source"] == str(installation["themes"])
    assert manifest["files"][1]["snapshot_id"] == snapshot.pk
    # The snapshot in the backup is the very file the import wrote.
    assert manifest["files"][1]["sha256"] == _sha256(snapshot.path)
    for app in ("accounts", "casework", "intake"):
        folder = REPO / "lineofsight" / app / "migrations"
        newest = max(p.stem for p in folder.glob("0*.py"))
        assert manifest["migrations"][app] == newest


def test_backup_refuses_a_folder_that_is_not_empty(installation, tmp_path: Path) -> None:
    target = tmp_path / "backup"
    target.mkdir()
    (target / "notes.txt").write_text("kept")

    with pytest.raises(backup.BackupError, match="already exists and is not empty"):
        backup.backup_write(directory=target)

    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_round_trip_into_a_new_installation(installation, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backup"
    backup.backup_write(directory=backup_dir)
    before = _tables()
    installation["themes"].unlink()

    with _new_installation(tmp_path) as (env, database):
        done = _manage(env, "restore", str(backup_dir))
        after = _tables_of(database)

    assert done.returncode == 0, done.stderr
    assert f"Restored the {connection.vendor} database and 1 snapshot(s)" in done.stdout
    assert f"set LINEOFSIGHT_THEMES_FILE={installation['themes']}" in done.stdout
    assert len(after["accounts_user"]) == User.objects.count() == 7
    _check_round_trip(before=before, after=after, history_table="history_changeevent")
    _check_files(backup_dir, tmp_path / "new" / "var", installation)


@pytest.mark.parametrize("change", ["altered", "missing"])
def test_a_changed_or_missing_file_is_refused_and_nothing_restored(
    installation, tmp_path: Path, change: str
) -> None:
    backup_dir = tmp_path / "backup"
    backup.backup_write(directory=backup_dir)
    snapshot_file = backup_dir / "snapshots" / installation["snapshot"].file_name
    if change == "altered":
        data = bytearray(snapshot_file.read_bytes())
        data[len(data) // 2] ^= 0xFF  # one byte, same size
        snapshot_file.write_bytes(bytes(data))
    else:
        snapshot_file.unlink()

    with _new_installation(tmp_path) as (env, database):
        done = _manage(env, "restore", str(backup_dir))
        after = _tables_of(database)

    assert done.returncode == 1
    said = {"altered": "has changed since the backup was made", "missing": "is missing"}[change]
    assert f"{snapshot_file} {said}" in done.stderr
    assert "nothing was restored" in done.stderr
    # Nothing changed: the new installation's database holds no table, its snapshots no file.
    assert after == {}
    assert not list((tmp_path / "new" / "var" / "snapshots").glob("*"))


def test_an_installation_with_people_is_refused(installation, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backup"
    backup.backup_write(directory=backup_dir)
    snapshots_before = sorted(p.name for p in Path(settings.SNAPSHOT_DIR).iterdir())

    with pytest.raises(backup.RestoreRefused, match="not empty: the database holds 7 users"):
        backup.backup_restore(directory=backup_dir)

    assert User.objects.count() == 7
    assert Snapshot.objects.count() == 1
    assert sorted(p.name for p in Path(settings.SNAPSHOT_DIR).iterdir()) == snapshots_before


def test_an_installation_with_snapshot_files_is_refused(installation, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backup"
    backup.backup_write(directory=backup_dir)
    stray = tmp_path / "new" / "var" / "snapshots" / "20250101-000000-ssd-run9.duckdb"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not ours")

    with _new_installation(tmp_path) as (env, database):
        done = _manage(env, "restore", str(backup_dir))
        after = _tables_of(database)

    assert done.returncode == 1
    assert "This installation is not empty" in done.stderr
    assert stray.name in done.stderr
    assert stray.read_bytes() == b"not ours"
    assert sorted(p.name for p in stray.parent.iterdir()) == [stray.name]
    assert after == {}
