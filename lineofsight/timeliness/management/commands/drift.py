"""`lineofsight drift [--snapshot ID] [--format csv|json]`: every open drift flag, one per row.

Reads the drift_flags table of the current snapshot (or the one given), so the output is what
the worklists show for that snapshot. Flags the data could not check are listed on stderr.
"""

from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.casework.models import Snapshot
from lineofsight.casework.store import NoCurrentSnapshot, SnapshotFileMissing, connect

from ...derive import COVERAGE_TABLE

COLUMNS = ("person_id", "flag", "since", "detail")
BATCH = 10_000


def snapshot_option(pk: int | None) -> Snapshot | None:
    """The snapshot a --snapshot option names (None: the current one), or CommandError."""
    if pk is None:
        return None
    snapshot = Snapshot.objects.filter(pk=pk).first()
    if snapshot is None:
        raise CommandError(f"There is no snapshot {pk}.")
    return snapshot


class Command(BaseCommand):
    help = "Print every open drift flag of the current (or given) snapshot, one row per flag."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--snapshot", type=int, metavar="ID", help="a snapshot's number")
        parser.add_argument(
            "--format", choices=("csv", "json"), default="csv", help="csv (default) or json"
        )

    def handle(self, *args, **options) -> None:
        snapshot = snapshot_option(options["snapshot"])
        try:
            con = connect(snapshot)
        except (NoCurrentSnapshot, SnapshotFileMissing) as exc:
            raise CommandError(str(exc)) from None
        with con:
            listed = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            tables = {r[0] for r in listed}
            if "drift_flags" not in tables:
                which = f" --snapshot {snapshot.pk}" if snapshot else ""
                raise CommandError(
                    "This snapshot has no drift flags: it was written before they were "
                    f"computed. Run `lineofsight recompute{which}` to make one that has."
                )
            cursor = con.execute(
                "SELECT person_id, flag, strftime(since, '%Y-%m-%d'), detail "
                "FROM drift_flags ORDER BY person_id, flag"
            )
            if options["format"] == "csv":
                self._csv(cursor)
            else:
                self._json(cursor)
            if COVERAGE_TABLE in tables:
                for flag, reason in con.execute(
                    f"SELECT flag, reason FROM {COVERAGE_TABLE} WHERE NOT checked ORDER BY flag"
                ).fetchall():
                    self.stderr.write(f"Not checked: {flag}. {reason}")

    def _csv(self, cursor) -> None:
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(COLUMNS)
        while rows := cursor.fetchmany(BATCH):
            out.writerows(rows)

    def _json(self, cursor) -> None:
        self.stdout.write("[", ending="")
        first = True
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                item = json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False)
                self.stdout.write(("\n  " if first else ",\n  ") + item, ending="")
                first = False
        self.stdout.write("\n]" if not first else "]")
