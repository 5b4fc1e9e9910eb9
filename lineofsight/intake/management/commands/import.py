"""`lineofsight import ssd DIR [--as-at YYYY-MM-DD] [--csww FILE]`, `lineofsight import annex-a
FILE`, `lineofsight import csww FILE` (a workforce census added to the current snapshot), and the
DfE returns: `lineofsight import cin-census FILE.xml`, `lineofsight import ssda903 PATH` (a folder
of its CSV tables, or its XML file) and `lineofsight import returns [--cin FILE] [--ssda903 PATH]
[--csww FILE] [--case-notes FILE] [--as-at YYYY-MM-DD]` (several into one snapshot).

Exit status 0 when the import succeeded (warnings are listed), 1 when it did not: the problems
are printed (the first 50 and a count), the full report's path is given, and the current
snapshot is unchanged.

The quality gate (intake.gate) compares the import with the current snapshot; a change larger
than allowed (rows falling, a table gone, a figure moving) makes it fail, naming each change,
unless --accept-changes is given.
"""

from __future__ import annotations

import argparse
import datetime
import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lineofsight.intake import selectors, services
from lineofsight.intake.models import ImportRun, RunStatus

SHOWN = 50


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


class PhaseBars:
    """One tqdm bar per phase on stderr; hidden when stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int, label: str) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(total=total, desc=f"{phase:<8}", unit="step", leave=True)
        assert self.bar is not None
        self.bar.total = total
        self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "Import casework data into a new snapshot, which becomes current if it is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(
            dest="source",
            required=True,
            metavar="{ssd,annex-a,csww,cin-census,ssda903,returns}",
        )
        ssd = sources.add_parser("ssd", help="a folder of SSD CSV files, one per table")
        ssd.add_argument("path", type=Path, metavar="DIR")
        ssd.add_argument(
            "--csww",
            type=Path,
            default=None,
            metavar="FILE",
            help="a DfE workforce census (CSWW) XML file to import with the extract",
        )
        annex = sources.add_parser("annex-a", help="an Ofsted Annex A workbook (.xlsx or .xls)")
        annex.add_argument("path", type=Path, metavar="FILE")
        census = sources.add_parser(
            "csww",
            help="a DfE children's social work workforce census (CSWW) XML file, added to the "
            "current snapshot",
        )
        census.add_argument("path", type=Path, metavar="FILE")
        cin = sources.add_parser("cin-census", help="a DfE children in need census return (XML)")
        cin.add_argument("path", type=Path, metavar="FILE")
        ssda903 = sources.add_parser(
            "ssda903",
            help="a DfE children looked after return (SSDA903): a folder of its CSV tables, or "
            "its XML file",
        )
        ssda903.add_argument("path", type=Path, metavar="PATH")
        together = sources.add_parser(
            "returns", help="DfE returns imported together into one snapshot"
        )
        together.add_argument("--cin", type=Path, metavar="FILE", help="a CIN census (XML)")
        together.add_argument(
            "--ssda903", type=Path, metavar="PATH", help="an SSDA903 return (folder or XML)"
        )
        together.add_argument(
            "--csww", type=Path, metavar="FILE", help="a workforce census (CSWW) XML file"
        )
        together.add_argument(
            "--case-notes",
            type=Path,
            metavar="FILE",
            help="case notes as a CSV file with the SSD case_notes columns",
        )
        together.set_defaults(path=None)
        for sub in (cin, ssda903, together):
            sub.add_argument(
                "--as-at",
                type=_date,
                default=None,
                help="the date the data describes (default: the return's own date)",
            )
        for sub in (ssd, annex):
            sub.add_argument(
                "--as-at",
                type=_date,
                default=None,
                help="the date the data describes (default: the latest event date in it)",
            )
        census.set_defaults(as_at=None)
        for sub in (ssd, annex, census, cin, ssda903, together):
            sub.add_argument("--no-progress", action="store_true", help="hide progress bars")
            sub.add_argument(
                "--accept-changes",
                action="store_true",
                help="publish even if the quality gate finds large changes from the current "
                "snapshot (they are listed and kept on the import's record)",
            )

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        as_at: datetime.date | None = options["as_at"]
        bars = PhaseBars(enabled=not options["no_progress"] and options["verbosity"] > 0)
        gate_mode = (
            services.GateMode.ACCEPT if options["accept_changes"] else services.GateMode.STOP
        )
        common = {"as_at": as_at, "os_user": _os_user(), "progress": bars, "gate_mode": gate_mode}
        try:
            if options["source"] == "ssd":
                if not path.is_dir():
                    raise CommandError(f"{path} is not a folder.")
                census = options.get("csww")
                if census is not None and not census.is_file():
                    raise CommandError(f"{census} is not a file.")
                run = services.ssd_extract_import(directory=path, census=census, **common)
            elif options["source"] == "cin-census":
                if not path.is_file():
                    raise CommandError(f"{path} is not a file.")
                run = services.cin_census_import(path=path, **common)
            elif options["source"] == "ssda903":
                if not path.exists():
                    raise CommandError(f"{path} is neither a folder nor a file.")
                run = services.ssda903_import(path=path, **common)
            elif options["source"] == "returns":
                run = self._returns(options, common)
            elif options["source"] == "csww":
                if not path.is_file():
                    raise CommandError(f"{path} is not a file.")
                try:
                    run = services.csww_import(path=path, **common)
                except services.NoSnapshotForCensus as exc:
                    raise CommandError(str(exc)) from None
            else:
                if not path.is_file():
                    raise CommandError(f"{path} is not a file.")
                run = services.annex_a_import(path=path, **common)
        except services.ImportAlreadyRunning as exc:
            # One import at a time, whether from the page or the command line.
            raise CommandError(str(exc)) from None
        finally:
            bars.close()
        self._report(run)

    def _returns(self, options: dict, common: dict) -> ImportRun:
        given = {
            "cin": options["cin"],
            "ssda903": options["ssda903"],
            "csww_file": options["csww"],
            "case_notes": options["case_notes"],
        }
        for flag, path in given.items():
            if path is not None and not path.exists():
                raise CommandError(
                    f"{path} (--{flag.replace('_file', '').replace('_', '-')}) does not exist."
                )
        try:
            return services.returns_import(**given, **common)
        except services.NoReturns as exc:
            raise CommandError(str(exc)) from None

    def _report(self, run: ImportRun) -> None:
        problems = selectors.report_problems(run, limit=SHOWN)
        total = run.error_count + run.warning_count
        for problem in problems:
            self.stderr.write(str(problem))
        if total > len(problems):
            self.stderr.write(f"... and {total - len(problems)} more (see the report).")
        if run.report_path:
            self.stderr.write(f"Validation report: {run.report_path}")
        for change in run.stopping_changes:
            self.stderr.write(f"CHANGE: {change.describe()}")
        if run.status != RunStatus.SUCCEEDED:
            reason = run.failure_message or (
                f"{run.error_count} error(s) and {run.warning_count} warning(s)"
            )
            raise CommandError(
                f"Import {run.pk} failed: {reason.rstrip('.')}. Nothing was changed: the current "
                "snapshot is as it was."
            )
        snapshot = run.snapshot
        for name, encoding in run.files.exclude(encoding__in=("", "UTF-8")).values_list(
            "name", "encoding"
        ):
            self.stdout.write(f"Read {name} as {encoding}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {run.pk} succeeded: {run.total_rows} rows in "
                f"{len(snapshot.provided_tables)} tables, as at {run.as_at:%d/%m/%Y}, "
                f"with {run.warning_count} warning(s). Snapshot {snapshot.pk} is now current "
                f"({snapshot.path})."
                + (
                    f" The {len(run.stopping_changes)} change(s) listed above were accepted."
                    if run.accepted_changes
                    else ""
                )
            )
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No user name for this uid (e.g. in some containers).
        return ""
