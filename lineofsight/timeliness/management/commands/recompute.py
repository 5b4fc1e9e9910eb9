"""`lineofsight recompute [--snapshot ID]`: recompute the derived tables under the timescales
and closure days now in force.

Snapshots never change, so this writes a new snapshot: the SSD tables of the current (or given)
snapshot, with every derived table computed afresh; it is registered with the same as-at date
and source kind and made current. All or nothing: if anything fails, the current snapshot stays
as it was.
"""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.casework.services import SnapshotUnavailable
from lineofsight.casework.store import (
    NoCurrentSnapshot,
    SnapshotFileMissing,
    connect,
    current_snapshot,
)

from ... import services
from .drift import snapshot_option


class Command(BaseCommand):
    help = "Recompute timeliness and drift (and every derived table) into a new current snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--snapshot",
            type=int,
            metavar="ID",
            help="the snapshot to start from (default: the current one)",
        )

    def handle(self, *args, **options) -> None:
        source = snapshot_option(options["snapshot"]) or current_snapshot()
        if source is None:
            raise CommandError("No casework data has been imported yet: nothing to recompute.")
        try:
            new = services.snapshot_recompute(actor=None, snapshot=source, os_user=_os_user())
        except (NoCurrentSnapshot, SnapshotFileMissing, SnapshotUnavailable) as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:
            raise CommandError(
                f"Recomputing failed: {exc}. Nothing was changed: the current snapshot is as "
                "it was."
            ) from exc
        with connect(new) as con:
            (flags,) = con.execute("SELECT count(*) FROM drift_flags").fetchone()
            (events,) = con.execute("SELECT count(*) FROM event_timeliness").fetchone()
        origin = new.as_at.strftime("%d/%m/%Y")
        self.stdout.write(
            self.style.SUCCESS(
                f"Snapshot {new.pk} (as at {origin}) is now current, recomputed from snapshot "
                f"{source.pk}: {events} events measured, {flags} open "
                f"drift flags ({new.path})."
            )
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
