"""`lineofsight calibration`: DfE figures computed from a snapshot next to the published ones."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from lineofsight.casework import store
from lineofsight.publishedstats import loader
from lineofsight.synthetic.calibration import (
    area_label,
    compare,
    compute_figures,
    format_table,
    published_figures,
)
from lineofsight.synthetic.ssdcsv import attach_csv_tables


def _current_snapshot() -> tuple[Path | None, str]:
    """The current casework snapshot's file, or None and why not."""
    try:
        path = store.current_snapshot_path()
    except DatabaseError as exc:
        return None, f"the snapshot registry could not be read ({exc}; run migrate?)"
    return path, "" if path is not None else "nothing has been imported or made current"


class Command(BaseCommand):
    help = (
        "Compute the DfE-published figures (referrals, children in need, CP plans, looked-after "
        "children, care leavers, workforce) from a snapshot or SSD CSV files and compare them "
        "with the published values for a council."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", required=True, help="old_la_code (e.g. 891) or ENGLAND")
        parser.add_argument(
            "--year", type=int, default=None, help="reporting year ending 31 March (default latest)"
        )
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--snapshot", type=Path, help="a snapshot DuckDB file")
        source.add_argument(
            "--from-csv", type=Path, help="a directory of SSD CSV files (<table>.csv)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="the scale the data was generated at: published volumes are multiplied by it",
        )

    def handle(self, *args: object, **options: object) -> None:
        year = int(options["year"] or loader.latest_year())
        area = str(options["la"])
        if loader.area_name(area, year) is None:
            raise CommandError(f"No published figures for area {area!r} in {year}.")
        csv_dir: Path | None = options["from_csv"]
        snapshot: Path | None = options["snapshot"]
        if csv_dir is not None:
            if not csv_dir.is_dir():
                raise CommandError(f"{csv_dir} is not a directory.")
            if (csv_dir / "ssd").is_dir() and not (csv_dir / "ssd_person.csv").exists():
                csv_dir = csv_dir / "ssd"
            con = duckdb.connect()
            if not attach_csv_tables(con, csv_dir):
                raise CommandError(f"No SSD CSV files (e.g. ssd_person.csv) in {csv_dir}.")
            source = f"CSV files in {csv_dir}"
        else:
            why = ""
            if snapshot is None:
                snapshot, why = _current_snapshot()
            if snapshot is None:
                raise CommandError(
                    f"No snapshot is current ({why}). Import an extract first, or point at data "
                    "with --snapshot PATH (a snapshot DuckDB file) or --from-csv DIR (a directory "
                    "of SSD CSV files, e.g. the ssd/ folder written by synthesize)."
                )
            if not snapshot.exists():
                raise CommandError(f"Snapshot {snapshot} does not exist.")
            con = duckdb.connect(str(snapshot), read_only=True)
            source = f"snapshot {snapshot}"
        computed = compute_figures(con, year)
        published = published_figures(area, year)
        rows = compare(computed, published, scale=float(options["scale"]))
        self.stdout.write(
            f"Calibration: {source} against {area_label(area, year)}, year ending 31 March {year}"
        )
        self.stdout.write(format_table(rows))
        judged = [r for r in rows if r.within is not None]
        good = sum(1 for r in judged if r.within)
        self.stdout.write(f"{good} of {len(judged)} published figures within 10%.")
