"""`lineofsight synthesize`: a synthetic council calibrated to the DfE's published figures."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.publishedstats import loader
from lineofsight.synthetic.generator import synthesize
from lineofsight.synthetic.targets import UnknownAreaError


class Command(BaseCommand):
    help = (
        "Generate a synthetic local authority (SSD tables as CSV, structure.json, Annex A "
        "workbook) whose volumes and rates match the DfE's published figures for a real one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--la",
            required=True,
            help="old_la_code of the council to imitate (e.g. 891 Nottinghamshire), or ENGLAND",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="reporting year ending 31 March (default: the latest in the data)",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply volumes by this (default 1.0)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--out", required=True, type=Path, help="output directory")
        parser.add_argument(
            "--no-annex-a", action="store_true", help="skip the Annex A workbook (faster)"
        )
        parser.add_argument(
            "--note-days",
            type=int,
            default=None,
            help="days of case notes before the as-at date (default 365; 92 for ENGLAND)",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="worker processes for England-sized runs (default: up to 2)",
        )

    def handle(self, *args: object, **options: object) -> None:
        scale = float(options["scale"])
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        year = options["year"] or loader.latest_year()
        if year not in loader.years():
            known = ", ".join(map(str, loader.years()))
            raise CommandError(f"No published figures for {year}; years available: {known}.")
        out: Path = options["out"]
        try:
            result = synthesize(
                str(options["la"]),
                out,
                year=int(year),
                scale=scale,
                seed=int(options["seed"]),
                annex_a=not options["no_annex_a"],
                progress=True,
                processes=options["processes"],
                note_days=options["note_days"],
            )
        except UnknownAreaError as exc:
            raise CommandError(str(exc)) from exc
        t = result.targets
        self.stdout.write(
            f"Synthetic {t.area_name} ({t.area}), year ending 31 March {t.year}, "
            f"scale {scale:g}, seed {options['seed']}: {result.seconds:.1f} s"
        )
        width = max(len(n) for n in result.rows)
        for name, n in result.rows.items():
            self.stdout.write(f"  ssd/{name + '.csv':<{width + 4}} {n:>12,} rows")
        self.stdout.write("  structure.json")
        if result.annex_a is not None:
            self.stdout.write(f"  {result.annex_a.name}")
        for message in result.messages:
            self.stdout.write(self.style.WARNING(message))
        self.stdout.write(f"Written to {out}")
