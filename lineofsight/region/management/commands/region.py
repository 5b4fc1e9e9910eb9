"""lineofsight region indicators --engine duckdb|spark [--period-end D] --format csv|json DIR...

Computes the indicator catalogue over several councils' pooled extracts (`lineofsight export
pooled`): one row per council per indicator, then the region's (council `region`), with the
columns council, indicator_id, period_end, numerator, denominator, value, small numbers
suppressed. `--engine spark` runs the same definitions, translated by sqlglot, on PySpark: in
local mode, or on the cluster `--spark-master` names (or Spark's own configuration does). The
reason for each figure without data is on stderr.
"""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.region import figures
from lineofsight.region.engines import DuckDBEngine, SparkEngine, UnsupportedSql
from lineofsight.region.pooled import PooledExtractError, read_extracts


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--period-end must be a date as YYYY-MM-DD, not {text!r}.") from None


def _conf(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--spark-conf takes KEY=VALUE, not {item!r}.")
        out[key.strip()] = value.strip()
    return out


class Command(BaseCommand):
    help = "Regional benchmarking over councils' pooled extracts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{indicators}")
        ind = actions.add_parser("indicators", help="every indicator, per council and region")
        ind.add_argument("directories", type=Path, nargs="+", metavar="DIR")
        ind.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
        ind.add_argument("--period-end", help="YYYY-MM-DD (default: the latest 31 March)")
        ind.add_argument("--format", choices=("csv", "json"), required=True)
        ind.add_argument("--spark-master", help="e.g. local[4], spark://host:7077, yarn")
        ind.add_argument(
            "--spark-conf", action="append", metavar="KEY=VALUE", help="a Spark setting"
        )

    def handle(self, *args, **options) -> None:
        try:
            extracts = read_extracts(options["directories"])
        except PooledExtractError as e:
            raise CommandError(str(e)) from None
        if options["period_end"]:
            period_end = _date(options["period_end"])
        else:
            period_end = figures.default_period_end(extracts)
        conf = _conf(options["spark_conf"])
        try:
            if options["engine"] == "spark":
                eng = SparkEngine(master=options["spark_master"], conf=conf)
            else:
                eng = DuckDBEngine()
        except RuntimeError as e:
            raise CommandError(str(e)) from None
        try:
            with eng:
                rows = figures.region_rows(extracts, eng=eng, period_end=period_end)
        except UnsupportedSql as e:
            raise CommandError(f"A definition cannot run on Spark: {e}") from None
        out = [r.as_dict() for r in rows]
        if options["format"] == "json":
            self.stdout.write(json.dumps(out, indent=1))
        else:
            writer = csv.DictWriter(self.stdout, fieldnames=figures.COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in out:
                writer.writerow({k: "" if row[k] is None else row[k] for k in figures.COLUMNS})
        for r in rows:
            if r.no_data_reason:
                self.stderr.write(f"{r.council} {r.indicator_id}: no data: {r.no_data_reason}")
