"""`lineofsight backup DIR`: write a backup of this installation (database, snapshots,
configuration files and manifest.json) into DIR, a new or empty folder. docs/operations.md,
"Backup and restore", gives the restore drill."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.operations import backup


class Command(BaseCommand):
    help = "Write a backup of the database, the snapshots and the configuration files into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A new or empty folder.")

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            result = backup.backup_write(directory=directory)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        kinds: dict[str, int] = {}
        for entry in result.files:
            kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
        size = sum(int(e["size"]) for e in result.files)
        self.stdout.write(
            f"Backup written to {result.directory}: the {result.manifest['database_vendor']} "
            f"database, {kinds.get('snapshot', 0)} snapshot(s) and {kinds.get('config', 0)} "
            f"configuration file(s), {size:,} bytes. Copy the whole folder off this machine."
        )
