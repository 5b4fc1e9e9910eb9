"""A small council for the team pages, every figure worked by hand.

The council is the root conftest's (East and West in Safeguarding; Care Team and Leavers in
Children in Care). The snapshot is dated 28 June 2024, so the figures are for the period to
31 March 2024 (the latest 31 March); the workforce census is dated 30 September 2023.

East (T-E)
- 30 children with open cases (E00-E29); E00-E05 have a visit overdue, E00-E01 also a child
  protection plan open 9 months: 6 children flagged of 30 = 20.0%.
- Ten registered, employed social workers (E01-E10, 1.0 FTE each) and five agency ones (EA1-EA5,
  1.0 FTE): agency 5 / 15 FTE = 33.3%.
- E01-E05 hold six children each on 31 March 2024: caseload 30 children / 5 FTE = 6.0.
- Census: E01-E10 in post (10 FTE); five leavers (EL1-EL5, 1.0 FTE, left 30 June 2023):
  turnover 5 / 10 = 50.0%.
West (T-W)
- 3 children (W0-W2), W0 flagged: fewer than 5 of 3, the share withheld.
- Two employed workers (W01, W02) and one agency (WA1): agency 1 / 3 FTE, withheld.
- W01 holds the three children: caseload 3 / 1 FTE, withheld.
- Census: W01, W02 in post (2 FTE), no leavers: turnover 0 / 2, withheld.
Council (census): 5 FTE vacancies, 6 agency FTE; employed in post 12 FTE.
- vacancies 5 / (5 + 12) = 29.4%; agency 6 / (6 + 12) = 33.3%.
"""

from __future__ import annotations

import datetime

from lineofsight.worklists.tests.snapshots import build_snapshot

AS_AT = datetime.date(2024, 6, 28)
PERIOD_END = datetime.date(2024, 3, 31)
CENSUS = datetime.date(2023, 9, 30)


def _prof(pid: str, team: str, *, agency: bool = False, registered: bool = True) -> dict:
    return {
        "prof_professional_id": pid,
        "prof_professional_name": f"Worker {pid}",
        "prof_professional_department": team,
        "prof_full_time_equivalency": 1.0,
        "prof_social_worker_registration_no": f"SW{pid}" if registered else "",
        "prof_agency_worker_flag": "Y" if agency else "N",
    }


def _involvement(n: int, worker: str, person: str, team: str) -> dict:
    return {
        "invo_involvements_id": f"IN{n}",
        "invo_professional_id": worker,
        "invo_professional_team": team,
        "invo_person_id": person,
        "invo_involvement_start_date": "2023-06-01",
    }


def _census_worker(pid: str, *, left: str | None = None) -> dict:
    return {
        "swe_no": f"SW{pid}",
        "prof_professional_id": pid,
        "agency_worker": "N",
        "fte": 1.0,
        "role_start_date": "2019-01-01",
        "role_end_date": left,
    }


def tables() -> dict[str, list[dict]]:
    east = [f"E{i:02}" for i in range(1, 11)]
    professionals = [_prof(p, "T-E") for p in east]
    professionals += [_prof(f"EA{i}", "T-E", agency=True) for i in range(1, 6)]
    professionals += [_prof(f"EL{i}", "T-E", registered=False) for i in range(1, 6)]
    professionals += [_prof("W01", "T-W"), _prof("W02", "T-W"), _prof("WA1", "T-W", agency=True)]
    involvements = []
    for i in range(30):  # E01-E05 hold six children each
        involvements.append(_involvement(i, east[i // 6], f"E{i:02}", "T-E"))
    for i in range(3):
        involvements.append(_involvement(100 + i, "W01", f"W{i}", "T-W"))
    workers = [_census_worker(p) for p in east]
    workers += [_census_worker(f"EL{i}", left="2023-06-30") for i in range(1, 6)]
    workers += [_census_worker("W01"), _census_worker("W02")]
    return {
        "ssd_professionals": professionals,
        "ssd_involvements": involvements,
        "csww_council": [
            {
                "census_date": CENSUS.isoformat(),
                "collection_year": 2023,
                "vacancies_fte": 5.0,
                "agency_fte": 6.0,
            }
        ],
        "csww_workers": workers,
    }


def derived() -> dict[str, list[dict]]:
    def case(pid: str, team: str) -> dict:
        return {"person_id": pid, "cohort": "cp", "team_id": team, "worker_id": None,
                "start_date": "2023-06-01", "case_start_date": "2023-06-01"}  # fmt: skip

    def flag(pid: str, flag_id: str) -> dict:
        return {"person_id": pid, "flag": flag_id, "since": "2024-05-01", "detail": ""}

    cases = [case(f"E{i:02}", "T-E") for i in range(30)] + [case(f"W{i}", "T-W") for i in range(3)]
    flags = [flag(f"E{i:02}", "visit_overdue") for i in range(6)]
    flags += [flag("E00", "cp_plan_9m"), flag("E01", "cp_plan_9m"), flag("W0", "visit_overdue")]
    return {"open_cases": cases, "drift_flags": flags}


def teams_snapshot(*, census: bool = True, unmatched_leavers: int = 0):
    """The snapshot above, current (without the census's tables' rows when `census` is False;
    with `unmatched_leavers` more leavers whom no professional matches)."""
    data = tables()
    for n in range(unmatched_leavers):
        leaver = _census_worker(f"X{n}", left="2023-08-31")
        data["csww_workers"].append({**leaver, "prof_professional_id": None})
    if not census:
        data["csww_council"], data["csww_workers"] = [], []
    return build_snapshot(tables=data, derived=derived(), as_at=AS_AT)
