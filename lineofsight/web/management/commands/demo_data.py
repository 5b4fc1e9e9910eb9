"""Give the demonstration council casework: synthesize a council, import it, match the people."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lineofsight.accounts.demo import DEMO_PASSWORD, DemoTeam, demo_council_create
from lineofsight.casework import store
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.web.demo_records import demo_records_create


def _home_team(structure: dict) -> tuple[str, str]:
    """The safeguarding team with the most casework, and its busiest social worker."""
    caseloads = Counter()
    for worker in structure["workers"]:
        if worker.get("role") == "social worker":
            caseloads[worker["team_id"]] += int(worker.get("caseload_at_census") or 0)
    teams = {t["id"]: t for t in structure["teams"]}
    candidates = [t for t in caseloads if "safeguard" in teams[t]["service"].lower()] or list(
        caseloads
    )
    team_id = max(candidates, key=lambda t: (caseloads[t], t))
    worker = max(
        (
            w
            for w in structure["workers"]
            if w["team_id"] == team_id and w["role"] == "social worker"
        ),
        key=lambda w: (int(w.get("caseload_at_census") or 0), w["id"]),
    )
    return team_id, worker["id"]


def demo_teams(structure: dict) -> tuple[tuple[DemoTeam, ...], str, str]:
    seen: set[tuple[str, str]] = set()
    teams = []
    names = {}
    for team in structure["teams"]:
        name = team["name"]
        if (team["service"], name) in seen:
            name = f"{name} ({team['id']})"
        seen.add((team["service"], name))
        names[team["id"]] = name
        teams.append(DemoTeam(name=name, service=team["service"], case_system_id=team["id"]))
    home_team_id, worker_id = _home_team(structure)
    return tuple(teams), names[home_team_id], worker_id


class Command(BaseCommand):
    help = (
        "Synthesize a council's casework, import it, and create the demonstration council's "
        "teams and users to match (demo only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--la", default="891", help="old_la_code the data is modelled on")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="import again even if a snapshot is current"
        )

    def handle(self, *args, la: str, scale: float, seed: int, force: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("Demonstration data is never loaded in production.")
        out = Path(settings.VAR_DIR) / "demo" / f"{la}-scale{scale:g}-seed{seed}"
        if not (out / "structure.json").exists():
            self.stdout.write(f"Synthesizing council {la} at scale {scale:g} into {out}")
            call_command("synthesize", la=la, scale=scale, seed=seed, out=out, stdout=self.stdout)
        structure = json.loads((out / "structure.json").read_text(encoding="utf-8"))
        teams, home_team, worker_id = demo_teams(structure)

        if store.current_snapshot() is None or force:
            self.stdout.write(f"Importing {out / 'ssd'}")
            # The synthetic council describes casework as at its year end; a few events after it
            # (reviews booked ahead) must not move the date everything is judged at.
            run = intake_services.ssd_extract_import(
                directory=out / "ssd",
                as_at=datetime.date.fromisoformat(structure["as_at"]),
                os_user="make demo",
                # --force replaces the data on purpose: the quality gate's changes are accepted
                # (and kept on the import's record) rather than waiting for a review.
                gate_mode=intake_services.GateMode.ACCEPT,
            )
            if run.status != RunStatus.SUCCEEDED:
                raise CommandError(
                    f"The demonstration extract did not import ({run.failure_message}); "
                    f"see {run.report_path}"
                )
            self.stdout.write(f"Imported: snapshot {run.snapshot_id}, as at {run.as_at:%d/%m/%Y}")
        else:
            self.stdout.write("A snapshot is already current; leaving the data as it is.")

        results = demo_council_create(
            teams=teams, home_team=home_team, practitioner_professional_id=worker_id
        )
        self.stdout.write("Demonstration users (DEMO ONLY - never use these on real data):")
        for user, created in results:
            state = "created" if created else "already there"
            self.stdout.write(f"  {user.get_role_display():<24} {user.email:<32} ({state})")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}   [DEMO ONLY]")
        for line in demo_records_create():
            self.stdout.write(f"  made {line}")
