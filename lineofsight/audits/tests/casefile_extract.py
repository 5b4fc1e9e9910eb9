"""A small SSD extract whose teams match the test council's (conftest.py `council`): open cases
in every cohort, with allocated workers, for sampling and for the child's context beside an
audit. Imported with the intake app's own importer, as a real snapshot would be."""

from __future__ import annotations

import datetime
from pathlib import Path

from lineofsight.casework.models import Snapshot
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.tests import extract

AS_AT = datetime.date(2024, 6, 28)
# The council fixture's teams: East and West (Safeguarding), Care Team and Leavers (Care).
TEAMS = {"T-E": "East", "T-W": "West", "T-C": "Care Team", "T-L": "Leavers"}
# P-1 is the practitioner user in the council fixture; the others have no Line of Sight account.
WORKERS = {"T-E": ["P-1", "W-E2"], "T-W": ["W-W1", "W-W2"], "T-C": ["W-C1"], "T-L": ["W-L1"]}


def person_id(team: str, i: int) -> str:
    return f"{team[-1]}{i:03d}"


def tables(per_team: int = 12) -> dict[str, list[dict[str, str]]]:
    t: dict[str, list[dict[str, str]]] = {
        name: []
        for name in (
            "ssd_department",
            "ssd_professionals",
            "ssd_person",
            "ssd_cin_episodes",
            "ssd_involvements",
            "ssd_cla_episodes",
            "ssd_care_leavers",
            "ssd_cin_visits",
            "case_notes",
        )
    }
    t["ssd_department"] = [{"dept_team_id": k, "dept_team_name": v} for k, v in TEAMS.items()]
    t["ssd_professionals"] = [
        {"prof_professional_id": w, "prof_professional_name": f"Worker {w}"}
        for workers in WORKERS.values()
        for w in workers
    ]
    for team in TEAMS:
        for i in range(per_team):
            pid = person_id(team, i)
            worker = WORKERS[team][i % len(WORKERS[team])]
            born = datetime.date(2010 + i % 10, 1 + i % 12, 1 + i % 27)
            t["ssd_person"].append(
                {
                    "pers_person_id": pid,
                    "pers_sex": "F" if i % 2 else "M",
                    "pers_dob": born.isoformat(),
                    "pers_forename": f"Child{i}",
                    "pers_surname": f"Team{team[-1]}",
                }
            )
            start = AS_AT - datetime.timedelta(days=30 + 7 * i)
            t["ssd_involvements"].append(
                {
                    "invo_involvements_id": f"INV-{pid}",
                    "invo_professional_id": worker,
                    "invo_professional_team": team,
                    "invo_person_id": pid,
                    "invo_involvement_start_date": start.isoformat(),
                }
            )
            if team in ("T-E", "T-W"):
                t["ssd_cin_episodes"].append(
                    {
                        "cine_referral_id": f"R-{pid}",
                        "cine_person_id": pid,
                        "cine_referral_date": start.isoformat(),
                        "cine_cin_primary_need_code": "N1",
                        "cine_referral_team": team,
                        "cine_referral_worker_id": worker,
                    }
                )
                t["ssd_cin_visits"].append(
                    {
                        "cinv_cin_visit_id": f"V-{pid}",
                        "cinv_person_id": pid,
                        "cinv_cin_visit_date": (start + datetime.timedelta(days=10)).isoformat(),
                        "cinv_cin_visit_seen": "Y",
                    }
                )
            elif team == "T-C":
                t["ssd_cla_episodes"].append(
                    {
                        "clae_cla_episode_id": f"E-{pid}",
                        "clae_person_id": pid,
                        "clae_cla_episode_start_date": start.isoformat(),
                        "clae_cla_episode_start_reason": "S",
                        "clae_cla_primary_need_code": "N1",
                        "clae_cla_id": f"CLA-{pid}",
                    }
                )
            else:
                t["ssd_care_leavers"].append(
                    {
                        "clea_table_id": f"CL-{pid}",
                        "clea_person_id": pid,
                        "clea_care_leaver_in_touch": "YES",
                        "clea_care_leaver_allocated_team": team,
                        "clea_care_leaver_worker_id": worker,
                    }
                )
    return t


def import_snapshot(directory: Path, per_team: int = 12) -> Snapshot:
    run = intake_services.ssd_extract_import(
        directory=extract.write(directory, tables(per_team)), as_at=AS_AT
    )
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot
