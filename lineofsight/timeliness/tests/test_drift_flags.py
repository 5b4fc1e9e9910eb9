"""A small hand-made extract, as at Thursday 28 March 2024 (the day before Good Friday), whose
drift flags are worked out by hand below and compared exactly."""

from __future__ import annotations

import datetime

from .snapshot import flags, make

D = datetime.date
AS_AT = D(2024, 3, 28)


def person(pid: str, dob: datetime.date, died: datetime.date | None = None) -> dict:
    return {"pers_person_id": pid, "pers_dob": dob, "pers_death_date": died}


def referral(pid: str, on, closed=None, n: int = 1) -> dict:
    return {
        "cine_referral_id": f"R-{pid}-{n}",
        "cine_person_id": pid,
        "cine_referral_date": on,
        "cine_close_date": closed,
        "cine_referral_team": "T-E",
    }


def worker(pid: str, who: str, start, end=None, role="Allocated Worker") -> dict:
    return {
        "invo_involvements_id": f"INV-{pid}-{who}",
        "invo_person_id": pid,
        "invo_professional_id": who,
        "invo_professional_team": "T-E",
        "invo_professional_role_id": role,
        "invo_involvement_start_date": start,
        "invo_involvement_end_date": end,
    }


def cp_plan(pid: str, start, end=None, n: int = 1) -> dict:
    return {
        "cppl_cp_plan_id": f"CP-{pid}-{n}",
        "cppl_person_id": pid,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
    }


def cp_review(pid: str, held, n: int, plan: int = 1) -> dict:
    return {
        "cppr_cp_review_id": f"CPR-{pid}-{n}",
        "cppr_person_id": pid,
        "cppr_cp_plan_id": f"CP-{pid}-{plan}",
        "cppr_cp_review_date": held,
    }


def cp_visit(pid: str, on, n: int, alone="Y") -> dict:
    return {
        "cppv_cp_visit_id": f"CPV-{pid}-{n}",
        "cppv_person_id": pid,
        "cppv_cp_plan_id": f"CP-{pid}-1",
        "cppv_cp_visit_date": on,
        "cppv_cp_visit_seen": "Y",
        "cppv_cp_visit_seen_alone": alone,
    }


def cla_episode(pid: str, n: int, start, ceased=None) -> dict:
    return {
        "clae_cla_episode_id": f"E-{pid}-{n}",
        "clae_person_id": pid,
        "clae_cla_id": f"CLA-{pid}",
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": ceased,
    }


def placement(pid: str, n: int, start, end=None, kind="U6") -> dict:
    return {
        "clap_cla_placement_id": f"PL-{pid}-{n}",
        "clap_person_id": pid,
        "clap_cla_id": f"CLA-{pid}",
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_end_date": end,
        "clap_cla_placement_type": kind,
    }


def cla_review(pid: str, held, n: int) -> dict:
    return {"clar_cla_review_id": f"CR-{pid}-{n}", "clar_cla_id": f"CLA-{pid}",
            "clar_cla_review_date": held}  # fmt: skip


def cla_visit(pid: str, on, n: int) -> dict:
    return {"clav_cla_visit_id": f"CV-{pid}-{n}", "clav_cla_id": f"CLA-{pid}",
            "clav_person_id": pid, "clav_cla_visit_date": on, "clav_cla_visit_seen": "Y",
            "clav_cla_visit_seen_alone": "Y"}  # fmt: skip


def cin_visit(pid: str, on, n: int, seen="Y", alone=None) -> dict:
    return {"cinv_cin_visit_id": f"V-{pid}-{n}", "cinv_person_id": pid,
            "cinv_cin_visit_date": on, "cinv_cin_visit_seen": seen,
            "cinv_cin_visit_seen_alone": alone}  # fmt: skip


EXTRACT: dict[str, list[dict]] = {
    "ssd_person": [
        person("C01", D(2015, 1, 1)),
        person("C02", D(2016, 1, 1)),
        person("C03", D(2014, 1, 1)),
        person("C04", D(2018, 1, 1)),
        person("C05", D(2019, 1, 1)),
        person("C06", D(2012, 1, 1)),
        person("C07", D(2011, 1, 1)),
        person("C08", D(2010, 1, 1)),
        person("C09", D(2005, 6, 1)),
        person("C10", D(2013, 1, 1)),
        person("C11", D(2017, 1, 1), died=D(2024, 1, 1)),
        person("C12", D(2020, 1, 1)),
    ],
    "ssd_cin_episodes": [
        referral("C01", D(2023, 5, 1)),
        referral("C02", D(2021, 1, 2), D(2021, 10, 15), n=1),
        referral("C02", D(2022, 10, 1), n=2),
        referral("C03", D(2022, 1, 2)),
        referral("C04", D(2024, 1, 8)),
        referral("C05", D(2024, 2, 26)),
        referral("C06", D(2024, 1, 10)),
        referral("C10", D(2023, 1, 5), D(2023, 12, 15)),
        referral("C11", D(2023, 11, 1)),
        referral("C12", D(2024, 3, 1)),
    ],
    "ssd_involvements": [
        worker("C01", "W1", D(2023, 5, 1)),
        worker("C02", "W1", D(2021, 1, 10), D(2021, 9, 30)),
        worker("C02", "W2", D(2023, 5, 1), D(2023, 9, 1)),
        worker("C02", "W3", D(2023, 9, 1), D(2024, 1, 15)),
        worker("C02", "W4", D(2024, 1, 15)),
        worker("C03", "W6", D(2022, 1, 10), D(2024, 2, 29)),
        worker("C04", "W5", D(2024, 1, 8)),
        worker("C05", "W5", D(2024, 2, 26)),
        worker("C06", "W7", D(2024, 1, 10)),
        worker("C07", "W8", D(2023, 10, 2)),
        worker("C08", "W9", D(2021, 5, 1)),
        worker("C09", "W10", D(2023, 6, 1), role="Personal Adviser"),
        worker("C10", "W1", D(2023, 1, 5), D(2023, 12, 15)),
    ],
    "ssd_cin_assessments": [
        # Wednesday 10 January + 45 working days = Wednesday 13 March; not authorised.
        {
            "cina_assessment_id": "A-C04",
            "cina_person_id": "C04",
            "cina_referral_id": "R-C04-1",
            "cina_assessment_start_date": D(2024, 1, 10),
        },
    ],  # fmt: skip
    "ssd_s47_enquiry": [
        # Ended with no further action: no conference expected.
        {
            "s47e_s47_enquiry_id": "S-C05-1",
            "s47e_person_id": "C05",
            "s47e_referral_id": "R-C05-1",
            "s47e_s47_start_date": D(2024, 2, 27),
            "s47e_s47_end_date": D(2024, 2, 29),
            "s47e_s47_nfa": "Y",
        },
        # Friday 1 March + 15 working days = Friday 22 March; still open with no conference.
        {
            "s47e_s47_enquiry_id": "S-C05-2",
            "s47e_person_id": "C05",
            "s47e_referral_id": "R-C05-1",
            "s47e_s47_start_date": D(2024, 3, 1),
        },
    ],  # fmt: skip
    "ssd_initial_cp_conference": [],
    "ssd_cp_plans": [
        cp_plan("C01", D(2023, 6, 1)),  # 9 months on 1 March 2024
        cp_plan("C02", D(2021, 1, 10), D(2021, 9, 30), n=0),  # an earlier plan
        cp_plan("C02", D(2022, 11, 3)),  # 16 months; 15 reached on 3 February 2024
        cp_plan("C03", D(2022, 1, 10)),  # 26 months
        cp_plan("C10", D(2023, 2, 1), D(2023, 12, 1)),  # closed case
    ],
    "ssd_cp_reviews": [
        cp_review("C01", D(2023, 8, 20), 1),
        cp_review("C01", D(2024, 2, 10), 2),
        cp_review("C02", D(2023, 1, 20), 1),
        cp_review("C02", D(2023, 7, 15), 2),
        cp_review("C02", D(2024, 1, 10), 3),
        cp_review("C03", D(2022, 4, 1), 1),
        cp_review("C03", D(2022, 9, 20), 2),
        cp_review("C03", D(2023, 3, 10), 3),  # the next was due 10 September 2023
    ],
    "ssd_cp_visits": [
        cp_visit("C01", D(2024, 3, 20), 1),  # next due Friday 5 April (Easter between)
        cp_visit("C02", D(2024, 2, 20), 1, alone="N"),
        cp_visit("C02", D(2024, 3, 1), 2, alone="N"),  # next was due Friday 15 March
        cp_visit("C03", D(2024, 3, 18), 1),
        cp_visit("C03", D(2024, 3, 25), 2),
    ],
    "ssd_cin_plans": [
        {
            "cinp_cin_plan_id": "CIN-C06",
            "cinp_person_id": "C06",
            "cinp_cin_plan_start_date": D(2024, 1, 15),
        },
    ],  # fmt: skip
    "ssd_cin_visits": [
        cin_visit("C06", D(2024, 1, 30), 1, alone="Y"),
        cin_visit("C06", D(2024, 2, 20), 2, alone="Y"),  # next was due Tuesday 19 March
        cin_visit("C06", D(2024, 3, 25), 3, seen="N"),  # not seen: not a visit
    ],
    "ssd_cla_episodes": [
        cla_episode("C07", 1, D(2023, 10, 2), D(2024, 1, 15)),
        cla_episode("C07", 2, D(2024, 1, 15)),
        cla_episode("C08", 1, D(2021, 5, 1)),
        cla_episode("C09", 1, D(2019, 1, 1), D(2023, 6, 1)),
    ],
    "ssd_cla_placement": [
        placement("C07", 1, D(2023, 10, 2), D(2024, 1, 15)),
        placement("C07", 2, D(2024, 1, 15), kind="K2"),
        placement("C08", 1, D(2021, 5, 1), kind="U4"),  # long-term fostering
    ],
    "ssd_cla_reviews": [
        cla_review("C07", D(2023, 10, 25), 1),  # the second was due 25 January 2024
        cla_review("C08", D(2021, 5, 20), 1),
        cla_review("C08", D(2021, 8, 10), 2),
        cla_review("C08", D(2022, 2, 1), 3),
        cla_review("C08", D(2022, 7, 25), 4),
        cla_review("C08", D(2023, 1, 20), 5),
        cla_review("C08", D(2023, 7, 15), 6),
        cla_review("C08", D(2024, 1, 10), 7),
    ],
    "ssd_cla_visits": [
        cla_visit("C07", D(2023, 10, 5), 1),
        cla_visit("C07", D(2024, 1, 18), 2),
        cla_visit("C07", D(2024, 2, 26), 3),
        # Long-term placement a year in: the next visit was due within 3 months, 20 March.
        cla_visit("C08", D(2023, 12, 20), 1),
    ],
    "ssd_care_leavers": [
        {
            "clea_table_id": "L-C09",
            "clea_person_id": "C09",
            "clea_care_leaver_in_touch": "YES",
            "clea_pathway_plan_review_date": D(2023, 8, 15),
        },
    ],  # fmt: skip
}

EXPECTED_FLAGS = [
    ("C01", "cp_plan_9m"),
    ("C02", "cp_plan_15m"),
    ("C02", "cp_second_plan"),
    ("C02", "not_seen_alone"),
    ("C02", "visit_overdue"),
    ("C02", "worker_changes_3_in_12m"),
    ("C03", "cp_plan_24m"),
    ("C03", "review_overdue"),
    ("C03", "unallocated"),
    ("C04", "assessment_over_45wd"),
    ("C05", "s47_no_icpc_15wd"),
    ("C06", "visit_overdue"),
    ("C07", "cla_review_overdue"),
    ("C08", "cla_visit_overdue"),
    ("C09", "pathway_plan_overdue"),
    ("C12", "unallocated"),
]


def test_the_hand_made_extract_gives_exactly_the_expected_flags():
    con = make(EXTRACT, as_at=AS_AT)
    assert flags(con) == EXPECTED_FLAGS


# (child, flag): (since, detail); None where only the date is checked.
SINCE_AND_DETAIL = {
    ("C01", "cp_plan_9m"): (D(2024, 3, 1), "Plan open 9 months (since 01/06/2023)"),
    ("C02", "cp_plan_15m"): (D(2024, 2, 3), "Plan open 16 months (since 03/11/2022)"),
    ("C03", "cp_plan_24m"): (D(2024, 1, 10), "Plan open 26 months (since 10/01/2022)"),
    ("C02", "cp_second_plan"): (
        D(2022, 11, 3),
        "Plan 2 for this child (started 03/11/2022); the previous plan ended 30/09/2021",
    ),
    ("C02", "visit_overdue"): (
        D(2024, 3, 16),
        "Child protection visit due by 15/03/2024, 10 working days after the previous visit "
        "(01/03/2024); 9 working days overdue",
    ),
    ("C02", "not_seen_alone"): (
        D(2024, 2, 20),
        "Seen but not seen alone at the last 2 visits (20/02/2024 and 01/03/2024)",
    ),
    ("C02", "worker_changes_3_in_12m"): (
        D(2023, 5, 1),
        "3 new workers allocated in the 12 months to 28/03/2024 (the first on 01/05/2023)",
    ),
    # 11 September 2023 to 28 March 2024: 28 weeks (140 weekdays) and 25-28 March (4), less
    # Christmas Day, Boxing Day and New Year's Day: 141.
    ("C03", "review_overdue"): (
        D(2023, 9, 11),
        "Review conference due by 10/09/2023, 6 months after the previous review (10/03/2023); "
        "141 working days overdue",
    ),
    ("C03", "unallocated"): (
        D(2024, 2, 29),
        "No allocated worker since the last allocation ended on 29/02/2024",
    ),
    ("C04", "assessment_over_45wd"): (
        D(2024, 3, 14),
        "Assessment started 10/01/2024 not authorised: due by 13/03/2024, 11 working days overdue",
    ),
    ("C05", "s47_no_icpc_15wd"): (
        D(2024, 3, 23),
        "Section 47 enquiry started 01/03/2024 with no initial conference: due by 22/03/2024, "
        "4 working days overdue",
    ),
    ("C06", "visit_overdue"): (D(2024, 3, 20), None),
    ("C07", "cla_review_overdue"): (
        D(2024, 1, 26),
        "Second looked-after review due by 25/01/2024, 3 months after the first review "
        "(25/10/2023); 45 working days overdue",
    ),
    ("C08", "cla_visit_overdue"): (
        D(2024, 3, 21),
        "Visit due by 20/03/2024, 3 months after the previous visit (20/12/2023); "
        "6 working days overdue",
    ),
    ("C09", "pathway_plan_overdue"): (D(2024, 2, 16), None),
    ("C12", "unallocated"): (
        D(2024, 3, 1),
        "No allocated worker since the case opened on 01/03/2024",
    ),
}


def test_since_and_detail_in_plain_words():
    con = make(EXTRACT, as_at=AS_AT)
    found = {
        (pid, flag): (since, detail)
        for pid, flag, since, detail in con.execute("SELECT * FROM drift_flags").fetchall()
    }
    assert {
        key: (found[key][0], found[key][1] if detail else None)
        for key, (_, detail) in SINCE_AND_DETAIL.items()
    } == SINCE_AND_DETAIL


def test_open_cases_cohorts_teams_and_workers():
    con = make(EXTRACT, as_at=AS_AT)
    rows = con.execute(
        "SELECT person_id, cohort, team_id, worker_id, start_date FROM open_cases ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("C01", "cp", "T-E", "W1", D(2023, 6, 1)),
        ("C02", "cp", "T-E", "W4", D(2022, 11, 3)),
        ("C03", "cp", "T-E", None, D(2022, 1, 10)),  # team from the referral
        ("C04", "cin", "T-E", "W5", D(2024, 1, 8)),
        ("C05", "cin", "T-E", "W5", D(2024, 2, 26)),
        ("C06", "cin", "T-E", "W7", D(2024, 1, 10)),
        ("C07", "cla", "T-E", "W8", D(2023, 10, 2)),  # one period across two episodes
        ("C08", "cla", "T-E", "W9", D(2021, 5, 1)),
        ("C09", "care_leaver", "T-E", "W10", D(2023, 6, 1)),
        ("C12", "cin", "T-E", None, D(2024, 3, 1)),
    ]  # C10's case closed; C11 died.


def test_missing_tables_give_no_flags_and_say_why():
    # As an Annex A workbook without the allocations or looked-after reviews would.
    provided = set(EXTRACT) - {"ssd_involvements", "ssd_cla_reviews"}
    con = make(EXTRACT, as_at=AS_AT, provided=provided)
    expected = [
        f
        for f in EXPECTED_FLAGS
        if f[1] not in {"unallocated", "worker_changes_3_in_12m", "cla_review_overdue"}
    ]
    assert flags(con) == expected
    coverage = dict(
        con.execute("SELECT flag, reason FROM _drift_flag_coverage WHERE NOT checked").fetchall()
    )
    assert set(coverage) == {
        "unallocated",
        "worker_changes_3_in_12m",
        "cla_review_overdue",
        "cla_health_overdue",
    }
    assert coverage["unallocated"] == (
        "The data imported has no worker allocations (ssd_involvements), so this is not checked."
    )


def test_a_snapshot_with_only_people_gives_empty_tables_not_errors():
    con = make({"ssd_person": [person("C01", D(2015, 1, 1))]}, as_at=AS_AT)
    for table in ("open_cases", "event_timeliness", "drift_flags"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    (checked,) = con.execute("SELECT count(*) FROM _drift_flag_coverage WHERE checked").fetchone()
    assert checked == 0
