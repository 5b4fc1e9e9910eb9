"""Every indicator on the hand-made council (handmade.py), worked out by hand.

Period: 1 April 2024 to 31 March 2025. Working days exclude weekends and bank holidays (none
fall in the spans counted below). Population: Hartlepool (805), 21,090 children (ONS mid-2024).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lineofsight.actions.models import ImprovementAction, Status
from lineofsight.audits.grades import Grade
from lineofsight.audits.tests import factories
from lineofsight.indicators import engine
from lineofsight.indicators.tests.handmade import PERIOD_END, handmade_snapshot
from lineofsight.publishedstats import loader

pytestmark = pytest.mark.django_db

POPULATION = 21090.0  # loader.child_population("805", 2024)


def _rate(numerator: float, denominator: float, *, per: int = 100) -> tuple:
    """(value, numerator, denominator) of an indicator that is a rate per `per`."""
    return (per * numerator / denominator, numerator, denominator)


def _count(number: int) -> tuple:
    """(value, numerator, denominator) of an indicator that is a count."""
    return (number, number, None)


# id: (value, numerator, denominator)
EXPECTED = {
    # R1b 3 Jun 2024, R2b 1 May 2024, R3 2 Sep 2024, R10 20 Jul 2024 (R1a, R2a, R9 before)
    "referrals": _count(4),
    # R1b is 5 months after R1a (10 Jan 2024); R2b is 14 months after R2a: 1 / 4
    "rereferral_12m_pct": _rate(1, 4),
    # R2b ended in no further action: 1 / 4
    "nfa_pct": _rate(1, 4),
    # A1: 3 Jun -> 26 Jul 2024 = 19 (4-28 Jun) + 20 (1-26 Jul) = 39 working days: in time
    # A3: 2 Sep -> 15 Nov 2024 = 20 (Sep) + 23 (Oct) + 11 (1-15 Nov) = 54: late. 1 / 2
    "assessment_45wd_pct": _rate(1, 2),
    # Q1: s47 5 Jun -> ICPC 28 Jun 2024 = 2 + 5 + 5 + 5 = 17 working days: late
    # Q3: s47 10 Sep -> ICPC 1 Oct 2024 = 3 + 5 + 5 + 1 + 1 = 15: in time (the limit). 1 / 2
    "s47_to_icpc_15wd_pct": _rate(1, 2),
    # open on 31 Mar 2025: R1b, R3, R9 (R2b no further action, R10 closed 1 Feb 2025)
    "cin_at_period_end": _count(3),
    # P1 (C1), P3b (C3), P9 (C9); P3a ended in 2021
    "cp_at_period_end": _count(3),
    "cp_per_10k": _rate(3, POPULATION, per=10000),
    # P9 started 1 Dec 2022, on or before 31 Mar 2023: 1 / 3
    "cp_open_2y_pct": _rate(1, 3),
    # started in the year: P1 (first plan) and P3b (C3 had P3a): 1 / 2
    "cp_second_plan_pct": _rate(1, 2),
    # due in the year: C1 12 Jul 2024 (visited 10 Jul: on time), C1 24 Jul 2024 (none: overdue),
    # C3 15 Oct 2024 (10 working days after P3b started; none: overdue). P9's first visit was
    # due in Dec 2022. 1 / 3
    "cp_visits_in_time_pct": _rate(1, 3),
    # C1 first review due 28 Sep 2024, held 20 Sep (on time); next due 20 Mar 2025, held 25 Mar
    # (late); C3's first review due 1 Jan 2025, none (overdue). 1 / 3
    "cp_reviews_in_time_pct": _rate(1, 3),
    # C4 and C11 (C10 left care on 1 Feb 2025)
    "cla_at_period_end": _count(2),
    "cla_per_10k": _rate(2, POPULATION, per=10000),
    # C4: PL4a (to 10 May 2024), PL4b, PL4c = 3; C11: PL11 = 1. 1 / 2
    "cla_3plus_placements_pct": _rate(1, 2),
    # due in the year: C4 1 May 2024 (held 25 Apr: on time), C4 25 Oct 2024 (held 1 Nov: late),
    # C10 first review 30 Aug 2024 (20 working days after 1 Aug; never held: late),
    # C11 first review 31 Mar 2025 (held 27 Mar: on time). 2 / 4
    "cla_reviews_in_time_pct": _rate(2, 4),
    # 6-weekly: C4 due 25 Jun 2024 (6 weeks after 14 May; next visit 5 Dec: late), C4 due
    # 16 Jan 2025 (none: overdue), C10 due 12 Sep 2024 (none before leaving care: late).
    # Placement visits within a week: C4 PL4b due 17 May 2024 (14 May: on time), PL4c due
    # 27 Nov 2024 (5 Dec: late), C11 PL11 due 10 Mar 2025 (7 Mar: on time). 2 / 6
    "cla_visits_in_time_pct": _rate(2, 6),
    # C5 aged 19 (in touch), C6 aged 18 (not in touch); C7 is 23. 1 / 2
    "care_leavers_in_touch_pct": _rate(1, 2),
    # registered, not agency, holding cases on 31 Mar 2025: W-E1 (C1, C9) 1.0 FTE,
    # W-C1 (C4, C11) 1.0 FTE: 4 / 2.0
    "caseload_mean": _rate(4, 2.0, per=1),
    # threshold 1 (set below): W-E1 2 > 1, W-C1 2 > 1, W-E2 (agency) 1. 2 / 3
    "caseload_over_threshold_pct": _rate(2, 3),
    # with a registered social worker on 31 Mar 2025: C1, C3, C4, C9, C11 (C5's adviser is not
    # registered; C10's ended 1 Feb). C4 had W-C1, W-W1 (May-Jul) and W-E2 (Aug): 1 / 5
    "children_3plus_workers_pct": _rate(1, 5),
    # registered FTE: W-E1 1.0 + W-E2 0.5 (agency) + W-C1 1.0 + W-W1 0.8 = 3.3. 0.5 / 3.3
    "agency_worker_pct": _rate(0.5, 3.3),
    # audits first submitted in the year: Good, Outstanding, Requires improvement (one from
    # 2023 left out): 2 / 3
    "audits_good_or_better_pct": _rate(2, 3),
    # moderations graded in the year: same grade once, different once: 1 / 2
    "moderation_agreement_pct": _rate(1, 2),
    # due 1 Mar 2025 and open; due 1 Feb, closed 15 Apr 2025 (after the period end): 2
    # (due 1 Mar but closed 20 Mar: no; due 1 May 2025: not yet due)
    "actions_overdue": _count(2),
    # Case notes dated in the year, checked at import (CN5 is from March 2024): CN1 gives Amy's
    # words, CN4 says what the missed visits mean for Zoe, CN3 gives a decision with its reason.
    "recording_child_voice_pct": _rate(1, 4),
    "recording_analysis_pct": _rate(1, 4),
    "recording_decision_reason_pct": _rate(1, 4),
    # CN2: "LAC review" and "Placement"; its acronyms LAC and CAMHS are not spelled out.
    "recording_discouraged_per_100": _rate(2, 4),
    "recording_acronyms_per_100": _rate(2, 4),
}


@pytest.fixture
def council_records(council):
    """Audits, moderations and actions for the records indicators (see EXPECTED)."""
    tz = timezone.get_current_timezone()

    def at(day: str) -> datetime.datetime:
        return datetime.datetime.combine(
            datetime.date.fromisoformat(day), datetime.time(12), tzinfo=tz
        )

    qa = council["users"]["qa_lead"]
    east = council["teams"]["east"]
    west = council["teams"]["west"]
    programme = factories.programme(qa)
    graded = []
    for person, team, grade, final, submitted in (
        ("C1", east, Grade.GOOD, None, "2024-06-01"),
        ("C3", east, Grade.REQUIRES_IMPROVEMENT, Grade.OUTSTANDING, "2024-12-01"),
        ("C2", west, Grade.REQUIRES_IMPROVEMENT, None, "2025-03-31"),
        ("C9", east, Grade.GOOD, None, "2023-12-01"),
    ):
        audit = factories.audit(programme, person_id=person, team=team)
        audit.overall_grade = grade
        audit.final_grade = final
        audit.first_submitted_at = at(submitted)
        audit.save()
        graded.append(audit)
    draw = factories.draw(programme, qa)
    for audit, moderator_grade, when in (
        (graded[0], Grade.GOOD, "2024-07-01"),
        (graded[1], Grade.OUTSTANDING, "2025-01-10"),
        (graded[3], Grade.GOOD, "2023-12-20"),
    ):
        factories.moderation(
            audit, draw, qa, auditor=qa, moderator_grade=moderator_grade, graded_at=at(when)
        )
    owner = council["users"]["team_manager"]
    for due, status, closed, team in (
        ("2025-03-01", Status.OPEN, None, east),
        ("2025-02-01", Status.DONE, "2025-04-15", west),
        ("2025-03-01", Status.DONE, "2025-03-20", east),
        ("2025-05-01", Status.IN_PROGRESS, None, east),
    ):
        ImprovementAction.objects.create(
            source_type="audit",
            source_id="1",
            team=team,
            issue="An issue",
            action="An action",
            due_date=datetime.date.fromisoformat(due),
            owner=owner,
            created_by=owner,
            created_at=at("2025-01-02"),
            status=status,
            closed_at=at(closed) if closed else None,
        )
    return council


@pytest.fixture
def snapshot(settings):
    settings.COUNCIL_CODE = "805"
    settings.CASELOAD_THRESHOLD = 1
    return handmade_snapshot()


def test_population_is_hartlepool():
    assert loader.child_population("805", 2024) == POPULATION


CENSUS_INDICATORS = {
    "turnover_pct",
    "vacancy_pct",
    "csww_agency_worker_pct",
    "sickness_days_per_fte",
    "csww_caseload_mean",
    "leavers_under_2y_pct",
}


def test_every_indicator_by_hand(snapshot, council_records):
    got = engine.compute(snapshot=snapshot, period_end=PERIOD_END)
    # The handmade snapshot has no workforce census: those indicators say so (test_csww.py
    # works them by hand).
    census = [v for v in got if "csww_workers" in v.indicator.tables]
    assert {v.indicator.id for v in census} == CENSUS_INDICATORS
    assert all(v.value is None and v.no_data_reason for v in census)
    values = [v for v in got if v not in census]
    assert [v.indicator.id for v in values] == list(EXPECTED)
    for v in values:
        value, numerator, denominator = EXPECTED[v.indicator.id]
        assert v.value == pytest.approx(value), v.indicator.id
        assert v.numerator == pytest.approx(numerator), v.indicator.id
        if denominator is None:
            assert v.denominator is None, v.indicator.id
        else:
            assert v.denominator == pytest.approx(denominator), v.indicator.id
        assert v.no_data_reason == ""
        assert v.period_start == datetime.date(2024, 4, 1)
        assert v.period_end == PERIOD_END


def test_east_team_only(snapshot, council_records):
    east = council_records["teams"]["east"]
    got = {
        v.indicator.id: v
        for v in engine.compute(snapshot=snapshot, period_end=PERIOD_END, team_ids=[east.pk])
    }
    # C1 and C3 are allocated in East; C2 counts for West (its referral's team, no allocation)
    # and C10 for Care (its latest referral, allocation ended)
    assert got["referrals"].value == 2
    assert got["rereferral_12m_pct"].value == pytest.approx(50.0)  # R1b of R1b, R3
    assert got["cp_at_period_end"].value == 3  # C1, C3, C9 all East
    assert got["cla_at_period_end"].value == 0
    assert got["cla_3plus_placements_pct"].value is None
    assert got["cla_3plus_placements_pct"].no_data_reason
    # workers of East: W-E1 (2 children, 1.0 FTE, employed) and W-E2 (agency, 0.5 FTE)
    assert got["caseload_mean"].value == pytest.approx(2.0)
    assert got["agency_worker_pct"].value == pytest.approx(100 * 0.5 / 1.5)
    # a rate per 10,000 is for the whole council
    assert got["cp_per_10k"].value is None
    # records: East audits C1 (Good) and C3 (Outstanding); East actions: one overdue
    assert got["audits_good_or_better_pct"].value == pytest.approx(100.0)
    assert got["actions_overdue"].value == 1
    assert got["referrals"].team_id == east.pk


def _behind(snapshot, indicator_id: str, **kwargs) -> list:
    return engine.children_behind(
        snapshot=snapshot, indicator_id=indicator_id, period_end=PERIOD_END, **kwargs
    )


def test_children_behind(snapshot, council):
    east = council["teams"]["east"]
    rows = _behind(snapshot, "rereferral_12m_pct")
    assert [(r.person_id, r.counted_in) for r in rows] == [
        ("C1", "numerator"),
        ("C10", "denominator"),
        ("C2", "denominator"),
        ("C3", "denominator"),
    ]
    assert rows[0].detail == "referral 3 June 2024; previous 10 January 2024"
    assert rows[0].team_id == east.pk
    assert rows[1].team_id == council["teams"]["cic"].pk
    only_east = _behind(snapshot, "rereferral_12m_pct", team_ids=[east.pk])
    assert [r.person_id for r in only_east] == ["C1", "C3"]
    # workers are not children
    assert _behind(snapshot, "caseload_mean") == []


def test_children_behind_records(snapshot, council_records):
    rows = _behind(snapshot, "audits_good_or_better_pct")
    assert [(r.person_id, r.counted_in) for r in rows] == [
        ("C1", "numerator"),
        ("C3", "numerator"),
        ("C2", "denominator"),
    ]
    assert _behind(snapshot, "actions_overdue") == []


def test_trend_months(snapshot):
    got = engine.trend(snapshot=snapshot, period_end=PERIOD_END, months=12, ids=["referrals"])
    series = got["referrals"]
    assert [v.period_end for v in series][:2] == [
        datetime.date(2024, 4, 30),
        datetime.date(2024, 5, 31),
    ]
    assert series[-1].period_end == PERIOD_END
    assert len(series) == 12
    # year to 30 Apr 2024 (from 1 May 2023): R1a (10 Jan 2024) only
    assert series[0].value == 1
    # year to 31 May 2024: R1a, R2b
    assert series[1].value == 2
    assert series[-1].value == 4
