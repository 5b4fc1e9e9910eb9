"""`lineofsight restore DIR [--leave-config]`: restore a backup written by `lineofsight backup`
into this installation, which must be new and empty. Every file is checked against manifest.json
first; a missing or changed file stops the restore before anything changes."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.operations import backup


class Command(BaseCommand):
    help = "Restore a backup into this (new, empty) installation."
    # A new installation is restored before it is migrated or checked: the drill runs
    # `lineofsight migrate` and `lineofsight check --deploy` afterwards.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The backup folder.")
        parser.add_argument(
            "--leave-config",
            action="store_true",
            help="Do not write the configuration files; print where each belongs.",
        )

    def handle(self, *args, directory: Path, leave_config: bool, **options) -> None:
        try:
            result = backup.backup_restore(directory=directory, place_config=not leave_config)
        except backup.RestoreRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the {result.database} database and {len(result.snapshots)} snapshot(s); "
            "every snapshot matches its SHA-256 in the backup."
        )
        for setting, path in result.config_placed:
            self.stdout.write(f"{setting}: {path} (set LINEOFSIGHT_{setting}={path})")
        for setting, path, why, copy in result.config_to_place:
            self.stdout.write(
                f"{setting}: {why}. Put {copy} at {path} and set LINEOFSIGHT_{setting}={path}."
            )
        if result.pending_migrations:
            self.stdout.write(
                "The backup comes from an earlier version: run `lineofsight migrate` before "
                f"starting the service ({len(result.pending_migrations)} app(s) to migrate)."
            )
