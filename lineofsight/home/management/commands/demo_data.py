"""Give the demonstration council casework: synthesize a council, import it, match the people."""

from __future__ import annotations

import datetime
import json
import shutil
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from lineofsight.accounts.demo import DEMO_PASSWORD, DemoTeam, DemoWorker, demo_council_create
from lineofsight.accounts.models import Role
from lineofsight.audits import services as audit_services
from lineofsight.casework import store
from lineofsight.home.demo_records import demo_records_create
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.region import pooled
from lineofsight.region import selectors as region_selectors
from lineofsight.synthetic.generator import GENERATOR_VERSION


def _outdated(out: Path) -> bool:
    """Whether the synthetic council in `out` is missing or from an older generator."""
    try:
        structure = json.loads((out / "structure.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return structure.get("generator_version") != GENERATOR_VERSION


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
    # Invented names can repeat: the demo practitioner is someone whose name nobody else has.
    names = Counter(w["name"] for w in structure["workers"])
    worker = max(
        (
            w
            for w in structure["workers"]
            if w["team_id"] == team_id and w["role"] == "social worker"
        ),
        key=lambda w: (names[w["name"]] == 1, int(w.get("caseload_at_census") or 0), w["id"]),
    )
    return team_id, worker["id"]


def demo_workers(structure: dict, team_id: str, practitioner_id: str) -> dict[str, DemoWorker]:
    """The workers in the casework whom the demo practitioner and team manager are: the home
    team's busiest social worker and its manager (who holds no cases, but leads the team)."""
    by_id = {w["id"]: w for w in structure["workers"]}
    people = {Role.PRACTITIONER: by_id[practitioner_id]}
    manager = min(
        (
            w
            for w in structure["workers"]
            if w["team_id"] == team_id and w["role"] == "team manager"
        ),
        key=lambda w: w["id"],
        default=None,
    )
    if manager is not None:
        people[Role.TEAM_MANAGER] = manager
    return {role: DemoWorker(professional_id=w["id"], name=w["name"]) for role, w in people.items()}


def demo_teams(structure: dict) -> tuple[tuple[DemoTeam, ...], str, str, str]:
    """The council's teams, the demo users' home team (its name and case-system id) and the
    id of the worker the demo practitioner is."""
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
    return tuple(teams), names[home_team_id], home_team_id, worker_id


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
        made_now = False
        if _outdated(out):
            # Written by an earlier generator (or not at all): the council is made afresh, and
            # imported afresh below, so no demonstration keeps figures since corrected.
            self.stdout.write(f"Synthesizing council {la} at scale {scale:g} into {out}")
            shutil.rmtree(out, ignore_errors=True)
            call_command("synthesize", la=la, scale=scale, seed=seed, out=out, stdout=self.stdout)
            made_now = True
        structure = json.loads((out / "structure.json").read_text(encoding="utf-8"))
        teams, home_team, home_team_id, worker_id = demo_teams(structure)

        if store.current_snapshot() is None or force or made_now:
            self.stdout.write(f"Importing {out / 'ssd'}")
            # The synthetic council describes casework as at its year end; a few events after it
            # (reviews booked ahead) must not move the date everything is judged at.
            census = out / "csww.xml"
            run = intake_services.ssd_extract_import(
                directory=out / "ssd",
                # The council's workforce census comes with its casework.
                census=census if census.exists() else None,
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

        self._pooled_extract(la, replace=force or made_now)

        loaded = audit_services.audit_tools_load(actor=None)
        new = sum(1 for r in loaded if r.outcome != "unchanged")
        self.stdout.write(f"Audit tools: {len(loaded)} checked, {new} loaded or replaced")

        results = demo_council_create(
            teams=teams,
            home_team=home_team,
            workers=demo_workers(structure, home_team_id, worker_id),
        )
        self.stdout.write("Demonstration users (DEMO ONLY - never use these on real data):")
        for user, created in results:
            state = "created" if created else "already there"
            self.stdout.write(
                f"  {user.get_role_display():<24} {user.email:<32} {user.full_name} ({state})"
            )
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}   [DEMO ONLY]")
        # The demonstration's safeguarding concerns are recorded with whom they told, but their
        # emails go nowhere: the addresses are invented, and the set-up's output stays readable.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            lines = demo_records_create()
        for line in lines:
            self.stdout.write(f"  made {line}")

    def _pooled_extract(self, la: str, *, replace: bool) -> None:
        """The council's own pooled extract where the regional page finds it, so an analyst sees
        the page working (a real region adds the other councils' extracts beside it)."""
        target = region_selectors.default_region_dir() / la
        if (target / pooled.MANIFEST).is_file() and not replace:
            return
        snapshot = store.current_snapshot()
        if snapshot is None:
            return
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        pooled.pooled_export_write(snapshot=snapshot, directory=target, key=pooled.pooling_key())
        self.stdout.write(f"Pooled extract for the regional page: {target}")
