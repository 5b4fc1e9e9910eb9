"""A hand-made council for indicator tests: eleven children, five workers, as at 30 April 2025.

The period is the year to 31 March 2025 (1 April 2024 to 31 March 2025). Teams are the root
conftest's case system ids: T-E (East), T-W (West), T-C (children in care), T-L (leaving care).
Every indicator's value for this snapshot is worked out by hand in test_handmade.py; what each
child is there for:

  C1  East   re-referral (R1b 3 Jun 2024, previous R1a 10 Jan 2024); assessment in 39 working
             days; ICPC 17 working days after the s47 started; CP plan P1 from 28 Jun 2024, one
             visit on time then none; reviews on time then late
  C2  West   referral 1 May 2024 ending in no further action, 14 months after the previous one
  C3  East   assessment in 54 working days; ICPC exactly 15 working days after the s47 start;
             second CP plan P3b from 1 Oct 2024 (first plan 2021): no visit, no review
  C4  Care   looked after since 15 Jan 2023; 3 placements in the year; reviews on time, late
  C5  Leaving care leaver aged 19, in touch
  C6  Leaving care leaver aged 18, not in touch
  C7  Leaving care leaver aged 23 (too old to count)
  C9  East   CP plan since 1 Dec 2022 (over 2 years); referral open since 2022
  C10 Care   looked after 1 Aug 2024 to 1 Feb 2025: first review and first visit missed
  C11 Care   looked after since 3 Mar 2025, one placement; first review and placement visit on
             time
"""

from __future__ import annotations

import datetime

from lineofsight.casework.models import Snapshot
from lineofsight.casework.tests.ssd_rows import involvement
from lineofsight.worklists.tests.snapshots import build_snapshot

AS_AT = datetime.date(2025, 4, 30)
PERIOD_END = datetime.date(2025, 3, 31)


def _person(pid: str, dob: str, forename: str | None = None) -> dict:
    return {"pers_person_id": pid, "pers_dob": dob, "pers_sex": "F", "pers_forename": forename}


def note(note_id: str, person: str, date: str, text: str) -> dict:
    return {
        "note_id": note_id,
        "note_person_id": person,
        "note_date": date,
        "note_author_id": "W-E1",
        "note_type": "visit",
        "note_text": text,
    }


def tables() -> dict[str, list[dict[str, object]]]:
    person = [
        _person("C1", "2015-02-01", "Amy"),
        _person("C2", "2012-05-05"),
        _person("C3", "2016-07-07"),
        _person("C4", "2010-03-03", "Zoe"),
        _person("C5", "2005-06-15"),  # 19 on 31 March 2025
        _person("C6", "2007-01-10"),  # 18
        _person("C7", "2002-01-01"),  # 23
        _person("C9", "2014-04-04"),
        _person("C10", "2011-11-11"),
        _person("C11", "2013-09-09"),
    ]

    def referral(rid, pid, date, team, close=None, nfa="N"):
        return {
            "cine_referral_id": rid,
            "cine_person_id": pid,
            "cine_referral_date": date,
            "cine_close_date": close,
            "cine_referral_nfa": nfa,
            "cine_referral_team": team,
        }

    referrals = [
        referral("R1a", "C1", "2024-01-10", "T-E", close="2024-03-01"),
        referral("R1b", "C1", "2024-06-03", "T-E"),
        referral("R2a", "C2", "2023-03-01", "T-W", close="2023-06-01"),
        referral("R2b", "C2", "2024-05-01", "T-W", close="2024-05-01", nfa="Y"),
        referral("R3", "C3", "2024-09-02", "T-E"),
        referral("R9", "C9", "2022-11-01", "T-E"),
        referral("R10", "C10", "2024-07-20", "T-C", close="2025-02-01"),
    ]
    assessments = [
        {
            "cina_assessment_id": "A1",
            "cina_person_id": "C1",
            "cina_referral_id": "R1b",
            "cina_assessment_start_date": "2024-06-03",
            "cina_assessment_auth_date": "2024-07-26",
        },
        {
            "cina_assessment_id": "A3",
            "cina_person_id": "C3",
            "cina_referral_id": "R3",
            "cina_assessment_start_date": "2024-09-02",
            "cina_assessment_auth_date": "2024-11-15",
        },
    ]
    s47 = [
        {
            "s47e_s47_enquiry_id": "S1",
            "s47e_referral_id": "R1b",
            "s47e_person_id": "C1",
            "s47e_s47_start_date": "2024-06-05",
            "s47e_s47_end_date": "2024-06-20",
        },
        {
            "s47e_s47_enquiry_id": "S3",
            "s47e_referral_id": "R3",
            "s47e_person_id": "C3",
            "s47e_s47_start_date": "2024-09-10",
            "s47e_s47_end_date": "2024-09-25",
        },
    ]
    icpc = [
        {
            "icpc_icpc_id": "Q1",
            "icpc_s47_enquiry_id": "S1",
            "icpc_person_id": "C1",
            "icpc_cp_plan_id": "P1",
            "icpc_referral_id": "R1b",
            "icpc_icpc_transfer_in": "N",
            "icpc_icpc_date": "2024-06-28",
            "icpc_icpc_outcome_cp_flag": "Y",
        },
        {
            "icpc_icpc_id": "Q3",
            "icpc_s47_enquiry_id": "S3",
            "icpc_person_id": "C3",
            "icpc_cp_plan_id": "P3b",
            "icpc_referral_id": "R3",
            "icpc_icpc_transfer_in": "N",
            "icpc_icpc_date": "2024-10-01",
            "icpc_icpc_outcome_cp_flag": "Y",
        },
    ]

    def plan(pid_, person, start, end=None):
        return {
            "cppl_cp_plan_id": pid_,
            "cppl_person_id": person,
            "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": end,
        }

    cp_plans = [
        plan("P1", "C1", "2024-06-28"),
        plan("P3a", "C3", "2021-01-01", "2021-12-01"),
        plan("P3b", "C3", "2024-10-01"),
        plan("P9", "C9", "2022-12-01"),
    ]
    cp_visits = [
        {
            "cppv_cp_visit_id": "V1",
            "cppv_person_id": "C1",
            "cppv_cp_plan_id": "P1",
            "cppv_cp_visit_date": "2024-07-10",
            "cppv_cp_visit_seen": "Y",
        }
    ]
    cp_reviews = [
        {
            "cppr_cp_review_id": "RV1a",
            "cppr_person_id": "C1",
            "cppr_cp_plan_id": "P1",
            "cppr_cp_review_date": "2024-09-20",
        },
        {
            "cppr_cp_review_id": "RV1b",
            "cppr_person_id": "C1",
            "cppr_cp_plan_id": "P1",
            "cppr_cp_review_date": "2025-03-25",
        },
    ]
    cla_episodes = [
        {
            "clae_cla_episode_id": "E4",
            "clae_person_id": "C4",
            "clae_cla_id": "CLA4",
            "clae_cla_episode_start_date": "2023-01-15",
        },
        {
            "clae_cla_episode_id": "E10",
            "clae_person_id": "C10",
            "clae_cla_id": "CLA10",
            "clae_cla_episode_start_date": "2024-08-01",
            "clae_cla_episode_ceased_date": "2025-02-01",
        },
        {
            "clae_cla_episode_id": "E11",
            "clae_person_id": "C11",
            "clae_cla_id": "CLA11",
            "clae_cla_episode_start_date": "2025-03-03",
        },
    ]

    def placement(pl_id, person, cla_id, start, end=None):
        return {
            "clap_cla_placement_id": pl_id,
            "clap_person_id": person,
            "clap_cla_id": cla_id,
            "clap_cla_placement_start_date": start,
            "clap_cla_placement_end_date": end,
            "clap_cla_placement_type": "U3",
        }

    placements = [
        placement("PL4a", "C4", "CLA4", "2023-01-15", "2024-05-10"),
        placement("PL4b", "C4", "CLA4", "2024-05-10", "2024-11-20"),
        placement("PL4c", "C4", "CLA4", "2024-11-20"),
        placement("PL11", "C11", "CLA11", "2025-03-03"),
    ]

    def reviews(cla_id, *dates):
        """The reviews of one period in care, held on these dates."""
        return [
            {
                "clar_cla_review_id": f"{cla_id}-R{n}",
                "clar_cla_id": cla_id,
                "clar_cla_review_date": d,
            }
            for n, d in enumerate(dates, 1)
        ]

    cla_reviews = [
        *reviews("CLA4", "2023-02-10", "2023-05-05", "2023-11-01", "2024-04-25", "2024-11-01"),
        *reviews("CLA11", "2025-03-27"),
    ]

    def visits(person, cla_id, *dates):
        """A child's visits in one period in care, on these dates; each saw the child."""
        return [
            {
                "clav_cla_visit_id": f"{cla_id}-V{n}",
                "clav_person_id": person,
                "clav_cla_id": cla_id,
                "clav_cla_visit_date": d,
                "clav_cla_visit_seen": "Y",
            }
            for n, d in enumerate(dates, 1)
        ]

    cla_visits = [
        *visits("C4", "CLA4", "2024-05-14", "2024-12-05"),
        *visits("C11", "CLA11", "2025-03-07"),
    ]

    def leaver(tid, person, eligibility, in_touch):
        return {
            "clea_table_id": tid,
            "clea_person_id": person,
            "clea_care_leaver_eligibility": eligibility,
            "clea_care_leaver_in_touch": in_touch,
            "clea_care_leaver_allocated_team": "T-L",
            "clea_care_leaver_worker_id": "W-L1",
        }

    care_leavers = [
        leaver("CL5", "C5", "Former Relevant", "YES"),
        leaver("CL6", "C6", "Relevant", "NO"),
        leaver("CL7", "C7", "Former Relevant", "YES"),
    ]

    def worker(wid, team, registration, fte, agency):
        return {
            "prof_professional_id": wid,
            "prof_professional_name": f"Worker {wid}",
            "prof_social_worker_registration_no": registration,
            "prof_professional_department": team,
            "prof_full_time_equivalency": fte,
            "prof_agency_worker_flag": agency,
        }

    professionals = [
        worker("W-E1", "T-E", "SW001", 1.0, "N"),
        worker("W-E2", "T-E", "SW002", 0.5, "Y"),
        worker("W-C1", "T-C", "SW003", 1.0, "N"),
        worker("W-W1", "T-W", "SW004", 0.8, "N"),
        worker("W-L1", "T-L", None, 1.0, "N"),  # a personal adviser, not a social worker
    ]

    involvements = [
        involvement("I1", "C1", "W-E1", "T-E", "2024-06-03"),
        involvement("I3", "C3", "W-E2", "T-E", "2024-09-02"),
        involvement("I4", "C4", "W-C1", "T-C", "2023-01-15"),
        # C4 also had W-W1 and W-E2 for a while in the year (cover): three social workers.
        involvement("I4b", "C4", "W-W1", "T-W", "2024-05-01", "2024-07-01"),
        involvement("I4c", "C4", "W-E2", "T-E", "2024-08-01", "2024-09-01"),
        involvement("I5", "C5", "W-L1", "T-L", "2023-06-15", role="Personal Adviser"),
        involvement("I9", "C9", "W-E1", "T-E", "2022-11-01"),
        involvement("I10", "C10", "W-C1", "T-C", "2024-08-01", "2025-02-01"),
        involvement("I11", "C11", "W-C1", "T-C", "2025-03-03"),
    ]
    departments = [
        {"dept_team_id": t, "dept_team_name": name}
        for t, name in (("T-E", "East"), ("T-W", "West"), ("T-C", "Care"), ("T-L", "Leavers"))
    ]
    return {
        "ssd_person": person,
        "ssd_cin_episodes": referrals,
        "ssd_cin_assessments": assessments,
        "ssd_s47_enquiry": s47,
        "ssd_initial_cp_conference": icpc,
        "ssd_cp_plans": cp_plans,
        "ssd_cp_visits": cp_visits,
        "ssd_cp_reviews": cp_reviews,
        "ssd_cla_episodes": cla_episodes,
        "ssd_cla_placement": placements,
        "ssd_cla_reviews": cla_reviews,
        "ssd_cla_visits": cla_visits,
        "ssd_care_leavers": care_leavers,
        "ssd_professionals": professionals,
        "ssd_involvements": involvements,
        "ssd_department": departments,
        "case_notes": [
            note(
                "CN1",
                "C1",
                "2024-07-01",
                'Visit to Amy. Amy said "I like my new school" and wants to see her nan more.',
            ),
            note(
                "CN2", "C1", "2024-08-15", "LAC review held. Placement stable. CAMHS to be chased."
            ),
            note(
                "CN3",
                "C4",
                "2024-09-02",
                "I have asked the school for a reduced timetable "
                "because the mornings are when Zoe is most anxious.",
            ),
            note(
                "CN4",
                "C4",
                "2025-01-15",
                "The missed visits mean Zoe is unsure whether Dad "
                "still wants to see her, which is likely to affect her sleep.",
            ),
            note("CN5", "C9", "2024-03-01", "LAC review held."),  # before the period
        ],
    }


def handmade_snapshot(*, make_current: bool = True) -> Snapshot:
    """The hand-made council as a registered snapshot, with timeliness worked out at import."""
    return build_snapshot(tables=tables(), derive=True, as_at=AS_AT, make_current=make_current)
