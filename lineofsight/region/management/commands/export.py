"""lineofsight export pooled DIR [--snapshot ID] [--key-file FILE]

Writes the current (or given) snapshot into the new folder DIR as a pooled extract: one Parquet
file per table in SSD shape, pseudonymised for pooling with other councils (region.pooled says
how), and manifest.json with the council code, the as-at date, and each table's rows and
SHA-256. The pooling key stays with the council (LINEOFSIGHT_POOLING_KEY_FILE, by default
`pooling_key` in the data folder, made the first time).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.region import pooled


class Command(BaseCommand):
    help = "Exports the casework snapshot, pseudonymised, for pooling with other councils."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{pooled}")
        pool = kinds.add_parser("pooled", help="a pseudonymised Parquet extract for a region")
        pool.add_argument("directory", type=Path, metavar="DIR")
        pool.add_argument("--snapshot", type=int, help="snapshot id (default: the current one)")
        pool.add_argument(
            "--key-file", type=Path, default=None, help="the pooling key (default: the council's)"
        )

    def handle(self, *args, **options) -> None:
        snapshot = self._snapshot(options["snapshot"])
        try:
            key = pooled.pooling_key(options["key_file"])
            manifest = pooled.pooled_export_write(
                snapshot=snapshot, directory=options["directory"], key=key
            )
        except (pooled.PooledExtractError, store.SnapshotFileMissing) as e:
            raise CommandError(str(e)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Pooled extract of council {manifest['council_code']} as at "
            f"{manifest['as_at']}: {len(manifest['tables'])} tables, {rows:,} rows, written to "
            f"{options['directory']} (key {manifest['pseudonymisation']['key_id']})."
        )

    def _snapshot(self, pk: int | None) -> Snapshot:
        try:
            return store.snapshot_or_current(pk)
        except LookupError as e:
            raise CommandError(str(e)) from None
