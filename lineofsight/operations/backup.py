"""Backing up an installation and restoring it into a new, empty one.

A backup is a folder: the Django database (PostgreSQL: `pg_dump --format=custom`; SQLite: a copy
made through SQLite's online backup API, consistent even while the service writes), every
snapshot file the registry lists as live, the configuration files the LINEOFSIGHT_*_FILE settings
name, and manifest.json, which gives each file's SHA-256 and size, the latest applied migration of
every app and the product's version.

A restore checks every file against the manifest before it changes anything, refuses an
installation that already holds people or snapshots, then puts the database, the snapshots and the
configuration files back and checks the snapshots' digests once more where they now lie.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.casework.models import Snapshot
from lineofsight.history.models import ChangeEvent
from lineofsight.web.errors import ServiceError

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = {
    "sqlite": "database/lineofsight.sqlite3",
    "postgresql": "database/lineofsight.pgdump",
}
_CHUNK = 1024 * 1024


class BackupError(ServiceError):
    """The backup cannot be written; the message says why. Whatever was written is incomplete."""


class RestoreRefused(ServiceError):
    """The restore did not start (or stopped at a check); the message says what and where."""


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    manifest: dict[str, Any]

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.manifest["files"]


@dataclass
class RestoreResult:
    database: str
    snapshots: list[str] = field(default_factory=list)
    # (setting, where the file was put)
    config_placed: list[tuple[str, Path]] = field(default_factory=list)
    # (setting, where it belongs, why it was not put there; the copy in the backup to use)
    config_to_place: list[tuple[str, Path, str, Path]] = field(default_factory=list)
    # Migrations the code has that the restored database has not: run `lineofsight migrate`.
    pending_migrations: list[str] = field(default_factory=list)


# -- backup ----------------------------------------------------------------------------------


def backup_write(*, directory: Path) -> BackupResult:
    """Write a backup of this installation into `directory`, which must not exist or be empty.

    The database is written first and the snapshots after it, so every snapshot the backed-up
    registry names is in the backup (a snapshot file never changes once published).
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            f"{directory} already exists and is not empty: give a new folder for each backup."
        )
    directory.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    database = directory / DATABASE_FILES[vendor]
    database.parent.mkdir(parents=True)
    if vendor == "sqlite":
        _sqlite_backup_out(database)
    else:
        _pg_dump(database)
    files = [_entry(directory, database, kind="database")]

    snapshot_dir = Path(settings.SNAPSHOT_DIR)
    (directory / "snapshots").mkdir()
    for snapshot in Snapshot.objects.filter(removed_at__isnull=True).order_by("id"):
        source = snapshot_dir / snapshot.file_name
        if not source.is_file():
            raise BackupError(
                f"The file of snapshot {snapshot.pk} is missing: {source}. The registry lists "
                "it as live; find the file (or mark the snapshot removed) before backing up."
            )
        copied = directory / "snapshots" / snapshot.file_name
        _copy(source, copied)
        files.append(_entry(directory, copied, kind="snapshot", snapshot_id=snapshot.pk))

    for setting, source in config_files_in_use():
        copied = directory / "config" / setting / source.name
        copied.parent.mkdir(parents=True)
        _copy(source, copied)
        files.append(_entry(directory, copied, kind="config", setting=setting, source=str(source)))

    manifest = {
        "format": FORMAT,
        "product": "Line of Sight",
        "product_version": product_version(),
        "created_at": timezone.now().isoformat(),
        "database_vendor": vendor,
        "migrations": applied_migrations(),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return BackupResult(directory=directory, manifest=manifest)


def config_files_in_use() -> list[tuple[str, Path]]:
    """(setting, file) for every LINEOFSIGHT_*_FILE setting that names a file."""
    names = sorted(
        name.removeprefix("LINEOFSIGHT_")
        for name in getattr(settings, "ENVIRONMENT_VARIABLES", {})
        if name.startswith("LINEOFSIGHT_") and name.endswith("_FILE")
    )
    found = []
    for name in names:
        value = str(getattr(settings, name, "") or "")
        if not value:
            continue
        path = Path(value).resolve()
        if not path.is_file():
            raise BackupError(f"{name} names {value}, which is not a file.")
        found.append((name, path))
    return found


def applied_migrations() -> dict[str, str]:
    """{app: the migration applied last} in this database."""
    latest: dict[str, str] = {}
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return latest
    for app, name in recorder.migration_qs.order_by("applied", "id").values_list("app", "name"):
        latest[app] = name
    return latest


def product_version() -> str:
    try:
        return importlib.metadata.version("lineofsight")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _sqlite_backup_out(target: Path) -> None:
    # The backup API copies a consistent image page by page, also while the service writes;
    # copying the file (and its -wal) by hand could catch a half-written transaction.
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)
    finally:
        out.close()


def _pg_dump(target: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError(
            "pg_dump was not found on PATH: install the PostgreSQL client tools of the "
            "server's major version."
        )
    _run_pg([program, "--format=custom", f"--file={target}"], "pg_dump")


def _pg_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [f"--dbname={settings_dict['NAME']}"]
    if settings_dict.get("HOST"):
        args.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        args.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        args.append(f"--username={settings_dict['USER']}")
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    if settings_dict.get("PASSWORD"):
        # The environment, not the command line, so the password is not in the process list.
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run_pg(command: list[str], what: str) -> None:
    args, env = _pg_args(connection.settings_dict)
    done = subprocess.run(  # noqa: S603 - the program is found on PATH, arguments are ours
        [*command, "--no-password", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise (BackupError if what == "pg_dump" else RestoreRefused)(
            f"{what} failed (exit status {done.returncode}): {done.stderr.strip()[:2000]}"
        )


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb") as fh:
        os.fsync(fh.fileno())


def _entry(directory: Path, path: Path, *, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "path": path.relative_to(directory).as_posix(),
        "kind": kind,
        "sha256": sha256_of(path),
        "size": path.stat().st_size,
        **extra,
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- restore ---------------------------------------------------------------------------------


def backup_verify(*, directory: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists is there with its size and SHA-256;
    RestoreRefused naming the first file that is missing or changed."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RestoreRefused(f"{manifest_path} is missing: this is not a backup folder.") from None
    except (OSError, ValueError) as exc:
        raise RestoreRefused(f"{manifest_path} cannot be read: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(
            f"{manifest_path}: format {manifest.get('format')!r} is not one this version "
            f"restores ({FORMAT})."
        )
    for entry in manifest.get("files", []):
        relative = PurePosixPath(str(entry.get("path", "")))
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise RestoreRefused(f"{manifest_path} names a file outside the backup: {relative}")
        path = directory / relative
        if not path.is_file():
            raise RestoreRefused(f"{path} is missing from the backup: nothing was restored.")
        if path.stat().st_size != entry.get("size") or sha256_of(path) != entry.get("sha256"):
            raise RestoreRefused(
                f"{path} has changed since the backup was made (its size or SHA-256 differs "
                "from manifest.json): nothing was restored."
            )
    if not any(e.get("kind") == "database" for e in manifest.get("files", [])):
        raise RestoreRefused(f"{manifest_path} lists no database file.")
    return manifest


def installation_is_empty() -> str | None:
    """None when this installation holds no people and no snapshots; else what it holds."""
    tables = set(connection.introspection.table_names())
    if User._meta.db_table in tables and (count := User.objects.count()):
        return f"the database holds {count} user{'s' if count != 1 else ''}"
    if Snapshot._meta.db_table in tables and (count := Snapshot.objects.count()):
        return f"the database lists {count} snapshot{'s' if count != 1 else ''}"
    snapshot_dir = Path(settings.SNAPSHOT_DIR)
    if snapshot_dir.is_dir() and (files := sorted(snapshot_dir.glob("*.duckdb"))):
        return f"{snapshot_dir} holds snapshot files ({files[0].name} and {len(files) - 1} more)"
    return None


def backup_restore(*, directory: Path, place_config: bool = True) -> RestoreResult:
    """Restore the backup in `directory` into this installation (its configured database and
    SNAPSHOT_DIR), which must be empty. With place_config=False the configuration files are
    not written; the result says where each belongs."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)
    vendor = manifest.get("database_vendor")
    if vendor != connection.vendor:
        raise RestoreRefused(
            f"The backup holds a {vendor} database and this installation uses "
            f"{connection.vendor}: restore it into a {vendor} database."
        )
    if (held := installation_is_empty()) is not None:
        raise RestoreRefused(
            f"This installation is not empty: {held}. Restore only into a new installation "
            "(a new database and an empty data directory)."
        )
    files = manifest["files"]
    database = next(directory / e["path"] for e in files if e["kind"] == "database")
    if vendor == "sqlite":
        _sqlite_restore_in(database)
    else:
        program = shutil.which("pg_restore")
        if program is None:
            raise RestoreRefused(
                "pg_restore was not found on PATH: install the PostgreSQL client tools of the "
                "server's major version."
            )
        connection.close()
        # --clean --if-exists: a database already migrated (empty tables) is replaced as well as
        # a bare one; one transaction, so a failure leaves it as it was.
        _run_pg(
            [
                program,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(database),
            ],
            "pg_restore",
        )
    result = RestoreResult(database=vendor)

    snapshot_dir = Path(settings.SNAPSHOT_DIR)
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    restored: list[tuple[Path, dict[str, Any]]] = []
    for entry in (e for e in files if e["kind"] == "snapshot"):
        source = directory / entry["path"]
        target = snapshot_dir / source.name
        partial = target.with_name(f".restoring-{source.name}")
        _copy(source, partial)
        os.replace(partial, target)
        restored.append((target, entry))
    for target, entry in restored:
        if sha256_of(target) != entry["sha256"]:
            raise RestoreRefused(
                f"{target} does not match the backup after it was copied (SHA-256 differs): "
                "check the disk, then restore again into a new installation."
            )
        result.snapshots.append(target.name)
    missing = [
        s.file_name
        for s in Snapshot.objects.filter(removed_at__isnull=True)
        if not (snapshot_dir / s.file_name).is_file()
    ]
    if missing:
        raise RestoreRefused(
            f"The restored registry lists snapshots whose files are not in the backup: "
            f"{', '.join(missing)}."
        )

    for entry in (e for e in files if e["kind"] == "config"):
        _place_config(directory / entry["path"], entry, place_config, result)
    result.pending_migrations = _pending_migrations()
    _record_restore(manifest=manifest, result=result)
    return result


def _sqlite_restore_in(database: Path) -> None:
    target = connection.settings_dict["NAME"]
    connection.close()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    out = sqlite3.connect(target)
    try:
        # Every page of the target is replaced: the restored database is the backup's image.
        source.backup(out)
    finally:
        out.close()
        source.close()


def _place_config(source: Path, entry: dict[str, Any], place: bool, result: RestoreResult) -> None:
    setting, target = entry["setting"], Path(entry["source"])
    if target.is_file() and sha256_of(target) == entry["sha256"]:
        result.config_placed.append((setting, target))
        return
    why = ""
    if not place:
        why = "not written (asked to leave configuration files alone)"
    elif target.exists():
        why = "a different file is already there; it was left as it is"
    elif not target.parent.is_dir():
        why = f"its folder {target.parent} does not exist"
    if why:
        result.config_to_place.append((setting, target, why, source))
        return
    _copy(source, target)
    result.config_placed.append((setting, target))


def _pending_migrations() -> list[str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(
        f"{app}.{name}"
        for app, name in loader.graph.leaf_nodes()
        if (app, name) not in loader.applied_migrations
    )


def _record_restore(*, manifest: dict[str, Any], result: RestoreResult) -> None:
    # The restored history gains one row saying where this installation's records came from.
    made = str(manifest.get("created_at", ""))
    ChangeEvent.objects.create(
        actor=None,
        action="backup_restore",
        object_type="operations.backup",
        object_id=made[:64],
        object_repr=f"Restored from the backup made {made[:19]}"[:200],
        changes={
            "product_version": [None, manifest.get("product_version")],
            "snapshots_restored": [None, len(result.snapshots)],
            "config_files_restored": [None, len(result.config_placed)],
            "restored_at": [None, datetime.datetime.now(tz=datetime.UTC).isoformat()],
        },
    )
