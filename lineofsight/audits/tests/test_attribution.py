"""The case-file sample attributes a child to the same team and worker as timeliness and the
indicators do (casework.attribution), on a snapshot that holds open_cases and on one from before
the derived tables."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pytest

from lineofsight.audits import casefiles
from lineofsight.casework import store
from lineofsight.indicators import engine
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.tests import extract

from . import casefile_extract

pytestmark = pytest.mark.django_db

CHILD = "PA1"
SAME_DAY = casefile_extract.AS_AT - datetime.timedelta(days=60)


def _import(directory: Path):
    t = casefile_extract.tables(per_team=2)
    t["ssd_person"].append({"pers_person_id": CHILD, "pers_dob": "2006-05-01", "pers_sex": "F"})
    t["ssd_care_leavers"].append(
        {
            "clea_table_id": "CL-PA1",
            "clea_person_id": CHILD,
            "clea_care_leaver_in_touch": "YES",
            "clea_care_leaver_allocated_team": "T-L",
            "clea_care_leaver_worker_id": "W-L1",
        }
    )
    # A personal adviser and an allocated social worker from the same day; the adviser's
    # involvement has the higher id, so only the tie-break puts the social worker first.
    for iid, worker, team, role in (
        ("INV-PA1-1", "W-C1", "T-C", "Allocated Social Worker"),
        ("INV-PA1-2", "W-L1", "T-L", "Personal Adviser"),
    ):
        t["ssd_involvements"].append(
            {
                "invo_involvements_id": iid,
                "invo_professional_id": worker,
                "invo_professional_team": team,
                "invo_professional_role_id": role,
                "invo_person_id": CHILD,
                "invo_involvement_start_date": SAME_DAY.isoformat(),
            }
        )
    run = intake_services.ssd_extract_import(
        directory=extract.write(directory, t), as_at=casefile_extract.AS_AT
    )
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


def _timeliness(snapshot) -> tuple[str, str]:
    with store.connect(snapshot) as con:
        return con.execute(
            "SELECT team_id, worker_id FROM open_cases WHERE person_id = ?", [CHILD]
        ).fetchone()


def _indicators(snapshot) -> str:
    with store.connect(snapshot) as con:
        engine._make_periods(con, [snapshot.as_at])
        engine._make_attribution(con)
        (team,) = con.execute(
            "SELECT team_key FROM _child_team WHERE person_id = ?", [CHILD]
        ).fetchone()
    return team


def test_sample_agrees_with_timeliness_and_indicators_on_a_personal_adviser_case(tmp_path):
    snapshot = _import(tmp_path / "extract")
    assert _timeliness(snapshot) == ("T-C", "W-C1")
    assert _indicators(snapshot) == "T-C"
    case = casefiles.find_open_case(snapshot, CHILD)
    assert (case.cohort, case.team_id, case.worker_id) == ("care_leaver", "T-C", "W-C1")

    # A snapshot from before the derived tables: the sample comes from the SSD tables, and the
    # team and worker still follow the one rule, worked out as the file is read.
    with duckdb.connect(str(snapshot.path)) as con:
        con.execute("DROP TABLE open_cases")
        con.execute("DROP TABLE child_attribution")
    cases, source = casefiles.open_cases(snapshot)
    assert source == casefiles.SOURCE_DERIVED
    mine = [(c.cohort, c.team_id, c.worker_id) for c in cases if c.person_id == CHILD]
    assert mine == [("care_leaver", "T-C", "W-C1")]
    assert _indicators(snapshot) == "T-C"
