"""Each rule against examples worked out by hand, with the working days counted in comments.

Rows are (person_id, rule_id, event_id, start_date, due_date, completed_date,
working_days_late, status).
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from lineofsight.timeliness.calendar import Closure, working_days_between
from lineofsight.timeliness.rules import Interval, Unit, in_force

from .snapshot import make, timeliness

D = datetime.date


def referral(person: str, on: datetime.date, closed: datetime.date | None = None) -> dict:
    return {
        "cine_referral_id": f"R-{person}",
        "cine_person_id": person,
        "cine_referral_date": on,
        "cine_close_date": closed,
    }


def assessment(person: str, start: datetime.date, authorised: datetime.date | None) -> dict:
    return {
        "cina_assessment_id": f"A-{person}",
        "cina_person_id": person,
        "cina_referral_id": f"R-{person}",
        "cina_assessment_start_date": start,
        "cina_assessment_auth_date": authorised,
    }


# -- assessments -------------------------------------------------------------------------------


def test_assessments_45_working_days():
    # Start Monday 2 December 2024: day 45 is Thursday 6 February 2025 (see test_calendar).
    start = D(2024, 12, 2)
    tables = {
        "ssd_cin_episodes": [
            referral("P1", start),
            referral("P2", start),
            referral("P3", start),
            referral("P4", start, closed=D(2025, 1, 20)),
            referral("P5", start, closed=D(2025, 2, 12)),
        ],
        "ssd_cin_assessments": [
            assessment("P1", start, D(2025, 2, 6)),  # on the due date
            assessment("P2", start, D(2025, 2, 10)),  # Fri 7, Mon 10: 2 late
            assessment("P3", start, None),  # open
            assessment("P4", start, None),  # case closed before due: never owed
            assessment("P5", start, None),  # closed after due: missed, 7, 10, 11, 12 Feb
        ],
    }
    before = make(tables, as_at=D(2025, 1, 31))  # 3, 4, 5, 6 Feb: due in 4 working days
    after = make(tables, as_at=D(2025, 2, 10))  # 7, 10 Feb: 2 working days overdue
    due = D(2025, 2, 6)
    assert timeliness(before, "assessment_45wd") == [
        ("P1", "assessment_45wd", "A-P1", start, due, None, None, "due_soon"),
        ("P2", "assessment_45wd", "A-P2", start, due, None, None, "due_soon"),
        ("P3", "assessment_45wd", "A-P3", start, due, None, None, "due_soon"),
        ("P5", "assessment_45wd", "A-P5", start, due, None, None, "due_soon"),
    ]
    assert timeliness(after, "assessment_45wd") == [
        ("P1", "assessment_45wd", "A-P1", start, due, D(2025, 2, 6), 0, "on_time"),
        ("P2", "assessment_45wd", "A-P2", start, due, D(2025, 2, 10), 2, "late"),
        ("P3", "assessment_45wd", "A-P3", start, due, None, 2, "overdue"),
        ("P5", "assessment_45wd", "A-P5", start, due, None, 2, "overdue"),
    ]
    # Once the P5 referral closed (12 February) the missed assessment is late, by 4 days.
    closed = make(tables, as_at=D(2025, 3, 3))
    assert ("P5", "assessment_45wd", "A-P5", start, due, None, 4, "late") in timeliness(
        closed, "assessment_45wd"
    )


def test_closure_days_move_due_dates_and_lateness():
    start = D(2024, 12, 2)
    tables = {
        "ssd_cin_episodes": [referral("P1", start)],
        "ssd_cin_assessments": [assessment("P1", start, D(2025, 2, 10))],
    }
    closed = [Closure(D(2024, 12, 27), D(2024, 12, 31), "Christmas closure")]
    con = make(tables, as_at=D(2025, 3, 1), closures=closed)
    # Three closure days push day 45 to Tuesday 11 February: authorised on the 10th, in time.
    assert timeliness(con, "assessment_45wd") == [
        ("P1", "assessment_45wd", "A-P1", start, D(2025, 2, 11), D(2025, 2, 10), 0, "on_time")
    ]
    (reason,) = con.execute(
        "SELECT non_working_reason FROM _calendar WHERE date = DATE '2024-12-30'"
    ).fetchone()
    assert reason == "council closure: Christmas closure"


# -- initial conferences -----------------------------------------------------------------------


def s47(person: str, start, *, suffix="", end=None, nfa=None, outcome=None) -> dict:
    return {
        "s47e_s47_enquiry_id": f"S-{person}{suffix}",
        "s47e_person_id": person,
        "s47e_referral_id": f"R-{person}",
        "s47e_s47_start_date": start,
        "s47e_s47_end_date": end,
        "s47e_s47_nfa": nfa,
        "s47e_s47_outcome_json": outcome,
    }


def icpc(person: str, held, *, s47_id=None, transfer_in=None) -> dict:
    return {
        "icpc_icpc_id": f"I-{person}",
        "icpc_person_id": person,
        "icpc_s47_enquiry_id": s47_id,
        "icpc_icpc_date": held,
        "icpc_icpc_transfer_in": transfer_in,
    }


def test_initial_conferences_15_working_days():
    # Strategy discussion Friday 1 March 2024: 4-8 (5), 11-15 (10), 18-22 (15) -> Friday 22nd.
    # Thursday 21 March 2024: 22 (1), 25-28 (5), Easter, 2-5 April (9), 8-12 (14), 15 (15).
    mar1, mar21 = D(2024, 3, 1), D(2024, 3, 21)
    people = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
    tables = {
        "ssd_cin_episodes": [referral(p, D(2024, 2, 20)) for p in people],
        "ssd_s47_enquiry": [
            s47("P1", mar1),
            s47("P2", mar1),
            s47("P3", mar1),
            s47("P4", mar1, end=D(2024, 3, 8), nfa="Y"),  # no further action: none expected
            s47("P5", mar1, end=D(2024, 3, 8), outcome='{"CP_CONFERENCE_FLAG": "Y"}'),
            s47("P6", mar21),
            s47("P7", mar1),
        ],
        "ssd_initial_cp_conference": [
            icpc("P1", D(2024, 3, 22), s47_id="S-P1"),  # on the day
            icpc("P2", D(2024, 3, 25)),  # linked by date; Monday 25th, 1 late
            icpc("P7", D(2024, 3, 4), s47_id="S-P7", transfer_in="Y"),  # not measured
        ],
    }
    con = make(tables, as_at=D(2024, 4, 10))
    due, due_easter = D(2024, 3, 22), D(2024, 4, 15)
    # As at Wednesday 10 April: 25-28 March, 2-5, 8-10 April = 11 working days after the 22nd;
    # P6's conference is due in 3 (11, 12, 15 April).
    assert timeliness(con, "icpc_15wd") == [
        ("P1", "icpc_15wd", "I-P1", mar1, due, D(2024, 3, 22), 0, "on_time"),
        ("P2", "icpc_15wd", "I-P2", mar1, due, D(2024, 3, 25), 1, "late"),
        ("P3", "icpc_15wd", None, mar1, due, None, 11, "overdue"),
        ("P5", "icpc_15wd", None, mar1, due, None, 11, "overdue"),
        ("P6", "icpc_15wd", None, mar21, due_easter, None, None, "due_soon"),
    ]


# -- child protection reviews ------------------------------------------------------------------


def cp_plan(person: str, start, end=None, suffix="") -> dict:
    return {
        "cppl_cp_plan_id": f"CP-{person}{suffix}",
        "cppl_person_id": person,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
    }


def cp_review(person: str, held, n: int, plan: str | None = None) -> dict:
    return {
        "cppr_cp_review_id": f"CPR-{person}-{n}",
        "cppr_person_id": person,
        "cppr_cp_plan_id": plan if plan is not None else f"CP-{person}",
        "cppr_cp_review_date": held,
    }


def test_cp_reviews_three_then_six_months():
    tables = {
        "ssd_cin_episodes": [referral("P1", D(2023, 8, 1)), referral("P2", D(2023, 1, 2))],
        "ssd_cp_plans": [
            # 31 August + 3 months is 30 November (month end).
            cp_plan("P1", D(2023, 8, 31)),
            # Ended 1 June 2023 with no review: the first was due Monday 10 April.
            cp_plan("P2", D(2023, 1, 10), D(2023, 6, 1)),
        ],
        "ssd_cp_reviews": [
            cp_review("P1", D(2023, 11, 30), 1),
            # 30 November + 6 months is 30 May; held Monday 3 June: 31 May, 3 June = 2 late.
            cp_review("P1", D(2024, 6, 3), 2),
        ],
    }
    con = make(tables, as_at=D(2024, 11, 29))
    # Next due 3 December 2024; as at Friday 29 November: 2, 3 December = due in 2 working days.
    # P2: 10 April 2023 was Easter Monday. Working days after it up to 1 June: 11-14 April (4),
    # 17-21 (9), 24-28 (14), 2-5 May (18, 1 May a bank holiday), 9-12 (22, 8 May the
    # Coronation), 15-19 (27), 22-26 (32), 30-31 (34, 29 May a bank holiday), 1 June (35).
    assert timeliness(con, "cp_first_review_3m", "cp_review_6m") == [
        ("P1", "cp_first_review_3m", "CPR-P1-1", D(2023, 8, 31), D(2023, 11, 30),
         D(2023, 11, 30), 0, "on_time"),
        ("P1", "cp_review_6m", "CPR-P1-2", D(2023, 11, 30), D(2024, 5, 30), D(2024, 6, 3), 2,
         "late"),
        ("P1", "cp_review_6m", None, D(2024, 6, 3), D(2024, 12, 3), None, None, "due_soon"),
        ("P2", "cp_first_review_3m", None, D(2023, 1, 10), D(2023, 4, 10), None, 35, "late"),
    ]  # fmt: skip


def test_cp_review_due_on_a_leap_day():
    tables = {
        "ssd_cin_episodes": [referral("P1", D(2023, 5, 1))],
        "ssd_cp_plans": [cp_plan("P1", D(2023, 5, 31))],
        "ssd_cp_reviews": [cp_review("P1", D(2023, 8, 31), 1)],
    }
    con = make(tables, as_at=D(2024, 2, 28))
    # 31 August 2023 + 6 months is 29 February 2024, a leap day, due in 1 working day.
    assert timeliness(con, "cp_review_6m") == [
        ("P1", "cp_review_6m", None, D(2023, 8, 31), D(2024, 2, 29), None, None, "due_soon")
    ]


# -- visits ------------------------------------------------------------------------------------


def cp_visit(person: str, on, n: int, seen="Y", alone="Y", plan=None) -> dict:
    return {
        "cppv_cp_visit_id": f"V-{person}-{n}",
        "cppv_person_id": person,
        "cppv_cp_plan_id": plan if plan is not None else f"CP-{person}",
        "cppv_cp_visit_date": on,
        "cppv_cp_visit_seen": seen,
        "cppv_cp_visit_seen_alone": alone,
    }


def cp_visit_tables() -> dict:
    return {
        "ssd_cin_episodes": [referral("P1", D(2024, 2, 20))],
        "ssd_cp_plans": [cp_plan("P1", D(2024, 3, 4))],
        "ssd_cp_visits": [
            # Monday 4 March + 10 working days = Monday 18 March.
            cp_visit("P1", D(2024, 3, 14), 1),
            cp_visit("P1", D(2024, 3, 14), 2),  # the same day again: one visit
            cp_visit("P1", D(2024, 3, 20), 3, seen="N"),  # child not seen: does not count
            # 14 March + 10 = Thursday 28 March; visited 5 April: 2, 3, 4, 5 April = 4 late.
            cp_visit("P1", D(2024, 4, 5), 4),
        ],
    }


def test_cp_visits_every_10_working_days():
    con = make(cp_visit_tables(), as_at=D(2024, 4, 22))
    # 5 April + 10 = Friday 19 April; as at Monday 22nd, 1 working day overdue.
    assert timeliness(con, "cp_visit") == [
        ("P1", "cp_visit", "V-P1-1", D(2024, 3, 4), D(2024, 3, 18), D(2024, 3, 14), 0, "on_time"),
        ("P1", "cp_visit", "V-P1-4", D(2024, 3, 14), D(2024, 3, 28), D(2024, 4, 5), 4, "late"),
        ("P1", "cp_visit", None, D(2024, 4, 5), D(2024, 4, 19), None, 1, "overdue"),
    ]


def test_a_councils_own_visit_standard_changes_the_due_dates():
    rules = in_force()
    rules["cp_visit"] = replace(rules["cp_visit"], due=Interval(20, Unit.WORKING_DAYS))
    con = make(cp_visit_tables(), as_at=D(2024, 4, 22), rule_set=rules)
    # 5 April + 20: 8-12 (5), 15-19 (10), 22-26 (15), 29 April to 3 May (20).
    assert timeliness(con, "cp_visit")[-1] == (
        "P1", "cp_visit", None, D(2024, 4, 5), D(2024, 5, 3), None, None, "not_due",
    )  # fmt: skip
    (amount,) = con.execute(
        "SELECT amount FROM _timescale_rules WHERE rule_id = 'cp_visit'"
    ).fetchone()
    assert amount == 20


def test_cin_visits_every_20_working_days_and_missed_when_the_plan_ended():
    tables = {
        "ssd_cin_episodes": [referral("P1", D(2024, 1, 2)), referral("P2", D(2023, 9, 1))],
        "ssd_cin_plans": [
            {"cinp_cin_plan_id": "CIN-1", "cinp_person_id": "P1",
             "cinp_cin_plan_start_date": D(2024, 1, 15)},
            {"cinp_cin_plan_id": "CIN-2", "cinp_person_id": "P2",
             "cinp_cin_plan_start_date": D(2023, 10, 2),
             "cinp_cin_plan_end_date": D(2023, 12, 15)},
        ],
        "ssd_cin_visits": [
            {"cinv_cin_visit_id": "CV1", "cinv_person_id": "P1",
             "cinv_cin_visit_date": D(2024, 1, 30), "cinv_cin_visit_seen": "Y"},
            {"cinv_cin_visit_id": "CV2", "cinv_person_id": "P2",
             "cinv_cin_visit_date": D(2023, 10, 20), "cinv_cin_visit_seen": "Y"},
        ],
    }  # fmt: skip
    con = make(tables, as_at=D(2024, 3, 28))
    # P1: 15 January + 20 = 12 February, visited 30 January. 30 January + 20: 31 Jan to 2 Feb
    # (3), 5-9 (8), 12-16 (13), 19-23 (18), 26-27 (20) = 27 February; overdue by 28 Feb to
    # 28 March: 28, 29 Feb, 1 March (3), 4-8 (8), 11-15 (13), 18-22 (18), 25-28 (22).
    # P2: 20 October + 20 = 17 November; the plan ended 15 December without a visit: 20-24,
    # 27 Nov-1 Dec, 4-8, 11-15 = 20 working days late.
    assert timeliness(con, "cin_visit") == [
        ("P1", "cin_visit", "CV1", D(2024, 1, 15), D(2024, 2, 12), D(2024, 1, 30), 0, "on_time"),
        ("P1", "cin_visit", None, D(2024, 1, 30), D(2024, 2, 27), None, 22, "overdue"),
        ("P2", "cin_visit", "CV2", D(2023, 10, 2), D(2023, 10, 30), D(2023, 10, 20), 0,
         "on_time"),
        ("P2", "cin_visit", None, D(2023, 10, 20), D(2023, 11, 17), None, 20, "late"),
    ]  # fmt: skip


# -- looked-after children ---------------------------------------------------------------------


def episode(person, n, start, ceased=None, cla_id=None) -> dict:
    return {
        "clae_cla_episode_id": f"E-{person}-{n}",
        "clae_person_id": person,
        "clae_cla_id": cla_id or f"CLA-{person}",
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": ceased,
    }


def placement(person, n, start, end=None, kind="U6") -> dict:
    return {
        "clap_cla_placement_id": f"PL-{person}-{n}",
        "clap_person_id": person,
        "clap_cla_id": f"CLA-{person}",
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_end_date": end,
        "clap_cla_placement_type": kind,
    }


def cla_review(person, n, held, cancelled=None) -> dict:
    return {
        "clar_cla_review_id": f"CR-{person}-{n}",
        "clar_cla_id": f"CLA-{person}",
        "clar_cla_review_date": held,
        "clar_cla_review_cancelled": cancelled,
    }


def cla_visit(person, n, on, seen="Y") -> dict:
    return {
        "clav_cla_visit_id": f"CV-{person}-{n}",
        "clav_cla_id": f"CLA-{person}",
        "clav_person_id": person,
        "clav_cla_visit_date": on,
        "clav_cla_visit_seen": seen,
    }


def test_cla_reviews_20_working_days_3_months_6_months():
    tables = {
        # Two episodes, one period of care: the second starts the day the first ends.
        "ssd_cla_episodes": [
            episode("P1", 1, D(2023, 10, 2), D(2024, 1, 15)),
            episode("P1", 2, D(2024, 1, 15)),
        ],
        "ssd_cla_reviews": [
            cla_review("P1", 1, D(2023, 10, 25)),
            cla_review("P1", 2, D(2024, 1, 20), cancelled="Y"),  # cancelled: not a review
            cla_review("P1", 3, D(2024, 2, 1)),
        ],
    }
    con = make(tables, as_at=D(2024, 3, 28))
    # Monday 2 October + 20 = 30 October. 25 October + 3 months = 25 January; held Thursday
    # 1 February: 26, 29, 30, 31 January, 1 February = 5 late. Then 6 months: 1 August.
    assert timeliness(con, "cla_first_review_20wd", "cla_second_review_3m", "cla_review_6m") == [
        ("P1", "cla_first_review_20wd", "CR-P1-1", D(2023, 10, 2), D(2023, 10, 30),
         D(2023, 10, 25), 0, "on_time"),
        ("P1", "cla_second_review_3m", "CR-P1-3", D(2023, 10, 25), D(2024, 1, 25),
         D(2024, 2, 1), 5, "late"),
        ("P1", "cla_review_6m", None, D(2024, 2, 1), D(2024, 8, 1), None, None, "not_due"),
    ]  # fmt: skip


def test_cla_visits_six_weeks_then_three_months_in_long_term_foster_care():
    tables = {
        "ssd_cla_episodes": [episode("P1", 1, D(2023, 10, 2)), episode("P2", 1, D(2022, 1, 10))],
        "ssd_cla_placement": [
            placement("P1", 1, D(2023, 10, 2)),
            placement("P2", 1, D(2022, 1, 10), kind="U4"),  # long-term fostering
        ],
        "ssd_cla_visits": [
            cla_visit("P1", 1, D(2023, 10, 5)),
            cla_visit("P1", 2, D(2023, 11, 20)),  # due 16 November: 17th, 20th = 2 late
            cla_visit("P1", 3, D(2023, 12, 1), seen="N"),  # not seen: does not count
            cla_visit("P2", 1, D(2023, 1, 5)),
            cla_visit("P2", 2, D(2023, 2, 14)),  # from 5 January, within the first year: 6 weeks
            cla_visit("P2", 3, D(2023, 5, 10)),  # from 14 February, a year in: 3 months
        ],
    }
    con = make(tables, as_at=D(2023, 12, 29))
    # P2's first visit came nearly a year late, and its latest is long overdue; those counts
    # are too long to do by hand, so the Python calendar checks the SQL.
    first_late = working_days_between(D(2022, 2, 21), D(2023, 1, 5))
    overdue = working_days_between(D(2023, 8, 10), D(2023, 12, 29))
    # P1 now: 20 November + 6 weeks = 1 January 2024, a bank holiday; as at Friday 29
    # December, 0 working days to go (idx of 1 January = idx of 29 December): due soon.
    assert timeliness(con, "cla_visit_6w") == [
        ("P1", "cla_visit_6w", "CV-P1-1", D(2023, 10, 2), D(2023, 11, 13), D(2023, 10, 5), 0,
         "on_time"),
        ("P1", "cla_visit_6w", "CV-P1-2", D(2023, 10, 5), D(2023, 11, 16), D(2023, 11, 20), 2,
         "late"),
        ("P1", "cla_visit_6w", None, D(2023, 11, 20), D(2024, 1, 1), None, None, "due_soon"),
        ("P2", "cla_visit_6w", "CV-P2-1", D(2022, 1, 10), D(2022, 2, 21), D(2023, 1, 5),
         first_late, "late"),
        ("P2", "cla_visit_6w", "CV-P2-2", D(2023, 1, 5), D(2023, 2, 16), D(2023, 2, 14), 0,
         "on_time"),
        ("P2", "cla_visit_6w", "CV-P2-3", D(2023, 2, 14), D(2023, 5, 14), D(2023, 5, 10), 0,
         "on_time"),
        ("P2", "cla_visit_6w", None, D(2023, 5, 10), D(2023, 8, 10), None, overdue, "overdue"),
    ]  # fmt: skip


def test_cla_visits_within_a_week_of_each_placement():
    tables = {
        "ssd_cla_episodes": [episode("P1", 1, D(2024, 1, 15))],
        "ssd_cla_placement": [
            placement("P1", 1, D(2024, 1, 15), D(2024, 2, 1)),
            placement("P1", 2, D(2024, 2, 1), D(2024, 2, 5)),  # moved on before a visit
            placement("P1", 3, D(2024, 2, 5)),
        ],
        "ssd_cla_visits": [cla_visit("P1", 1, D(2024, 1, 23)), cla_visit("P1", 2, D(2024, 2, 20))],
    }
    con = make(tables, as_at=D(2024, 3, 28))
    # 15 January + 1 week = 22nd, visited 23rd: 1 late. 5 February + 1 week = 12th, visited
    # 20th: 13-16, 19, 20 = 6 late. The placement of 1 February ended on the 5th, before its
    # visit was due on the 8th, so it was never owed.
    assert timeliness(con, "cla_placement_visit_1w") == [
        ("P1", "cla_placement_visit_1w", "CV-P1-1", D(2024, 1, 15), D(2024, 1, 22),
         D(2024, 1, 23), 1, "late"),
        ("P1", "cla_placement_visit_1w", "CV-P1-2", D(2024, 2, 5), D(2024, 2, 12),
         D(2024, 2, 20), 6, "late"),
    ]  # fmt: skip


# -- care leavers and health -------------------------------------------------------------------


def test_pathway_plans_every_6_months():
    tables = {
        "ssd_person": [
            {"pers_person_id": "P1", "pers_dob": D(2005, 6, 1)},
            {"pers_person_id": "P2", "pers_dob": D(2005, 7, 1)},
            {"pers_person_id": "P3", "pers_dob": D(1998, 1, 1)},  # 26: no longer a care leaver
        ],
        "ssd_cla_episodes": [episode("P2", 1, D(2019, 1, 1), D(2023, 12, 1))],
        "ssd_care_leavers": [
            {"clea_table_id": "L1", "clea_person_id": "P1",
             "clea_pathway_plan_review_date": D(2023, 8, 31)},
            {"clea_table_id": "L2", "clea_person_id": "P2"},
            {"clea_table_id": "L3", "clea_person_id": "P3",
             "clea_pathway_plan_review_date": D(2023, 1, 1)},
        ],
    }  # fmt: skip
    con = make(tables, as_at=D(2024, 3, 28))
    # P1: 31 August + 6 months = 29 February 2024; as at Thursday 28 March: 1 March (1), 4-8
    # (6), 11-15 (11), 18-22 (16), 25-28 (20) working days overdue. P2 has no review recorded:
    # counted from leaving care on 1 December 2023, due 1 June 2024.
    assert timeliness(con, "pathway_plan_6m") == [
        ("P1", "pathway_plan_6m", None, D(2023, 8, 31), D(2024, 2, 29), None, 20, "overdue"),
        ("P2", "pathway_plan_6m", None, D(2023, 12, 1), D(2024, 6, 1), None, None, "not_due"),
    ]


def test_health_assessments_report_nothing_and_say_why():
    con = make({"ssd_cla_episodes": [episode("P1", 1, D(2024, 1, 15))]}, as_at=D(2024, 3, 28))
    assert timeliness(con, "cla_health_assessment") == []
    measured, reason = con.execute(
        "SELECT measured, not_measured_reason FROM _timescale_rules "
        "WHERE rule_id = 'cla_health_assessment'"
    ).fetchone()
    assert measured is False
    assert "health assessments" in reason
    checked, why = con.execute(
        "SELECT checked, reason FROM _drift_flag_coverage WHERE flag = 'cla_health_overdue'"
    ).fetchone()
    assert (checked, why) == (False, reason)


def test_from_annex_a_only_the_expectation_after_the_latest_event_is_measured():
    # Annex A lists hold each child's latest visit only, so earlier gaps cannot be judged.
    con = make(cp_visit_tables(), as_at=D(2024, 4, 22), source_kind="annex_a")
    assert timeliness(con, "cp_visit") == [
        ("P1", "cp_visit", None, D(2024, 4, 5), D(2024, 4, 19), None, 1, "overdue"),
    ]
