"""lineofsight indicators [--snapshot ID] [--period-end YYYY-MM-DD] [--team ID] --format csv|json

Prints every indicator of the catalogue for the current (or given) snapshot, one row each:
indicator_id, title, value, numerator, denominator, period_start, period_end, figure_from (where
the figure comes from when it is not the indicator's own count: a workforce census on its date)
and, when there is no value, the reason on stderr. The period is the 12 months to the period
end; by default the period end is the latest 31 March on or before the snapshot's as-at date.
"""

from __future__ import annotations

import csv
import datetime
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.accounts.models import Team
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.indicators import engine

FIELDS = (
    "indicator_id",
    "title",
    "value",
    "numerator",
    "denominator",
    "period_start",
    "period_end",
    "figure_from",
)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--period-end must be a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "Prints every indicator for a snapshot, one row each, as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--snapshot", type=int, help="snapshot id (default: the current one)")
        parser.add_argument("--period-end", help="YYYY-MM-DD (default: the latest 31 March)")
        parser.add_argument(
            "--team", type=int, action="append", help="a team's id (repeat for several)"
        )
        parser.add_argument("--format", choices=("csv", "json"), required=True)

    def handle(self, *args, **options) -> None:
        snapshot = self._snapshot(options["snapshot"])
        if snapshot.is_removed or not snapshot.path.exists():
            raise CommandError(f"The file for {snapshot} is no longer available.")
        if options["period_end"]:
            period_end = _date(options["period_end"])
            if period_end > snapshot.as_at:
                raise CommandError(
                    f"--period-end {period_end.isoformat()} is after the snapshot's as-at date "
                    f"({snapshot.as_at.isoformat()})."
                )
        else:
            period_end = engine.default_period_end(snapshot)
        team_ids = options["team"]
        if team_ids:
            found = set(Team.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
            unknown = sorted(set(team_ids) - found)
            if unknown:
                raise CommandError(f"No team has id {', '.join(map(str, unknown))}.")
        values = engine.compute(snapshot=snapshot, period_end=period_end, team_ids=team_ids)
        rows = [
            {
                "indicator_id": v.indicator.id,
                "title": v.indicator.title,
                "value": v.value,
                "numerator": v.numerator if v.has_data else None,
                "denominator": v.denominator if v.has_data else None,
                "period_start": v.period_start.isoformat(),
                "period_end": v.period_end.isoformat(),
                "figure_from": v.figure_from,
            }
            for v in values
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
        else:
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if row[k] is None else row[k] for k in FIELDS})
        for v in values:
            if not v.has_data:
                self.stderr.write(f"{v.indicator.id}: no data: {v.no_data_reason}")

    def _snapshot(self, pk: int | None) -> Snapshot:
        try:
            return store.snapshot_or_current(pk)
        except LookupError as e:
            raise CommandError(str(e)) from None
