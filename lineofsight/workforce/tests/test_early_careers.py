"""Early careers: stages due and overdue, the protected caseload flag, retention, and the rules
the services keep (scope, audit rows, optimistic locking). Figures are worked out by hand."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from lineofsight.accounts.models import Role
from lineofsight.history.models import ChangeEvent
from lineofsight.workforce import programme as programmes
from lineofsight.workforce import selectors, services
from lineofsight.workforce.models import Enrolment
from lineofsight.worklists.tests.snapshots import build_snapshot

from . import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_months_are_added_as_calendar_months():
    assert programmes.add_months(D(2026, 1, 15), 3) == D(2026, 4, 15)
    assert programmes.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert programmes.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


def test_the_programme_file_gives_the_stages_in_order():
    stages = programmes.programme().stages
    assert [(s.key, s.due_months) for s in stages] == [
        ("review-3", 3),
        ("observation-1", 4),
        ("review-6", 6),
        ("observation-2", 7),
        ("review-9", 9),
        ("observation-3", 10),
        ("final-panel", 12),
    ]
    assert stages[-1].outcomes == ("pass", "fail", "extended")


def test_a_programme_file_from_the_setting(settings, tmp_path):
    path = tmp_path / "asye.yml"
    path.write_text(
        "reviews: [4]\ndirect_observations: {count: 1, due_months: [8]}\n"
        "final_panel: {due_months: 12, outcomes: [pass, fail]}\nprotected_caseload_share: 0.8\n"
    )
    settings.EARLY_CAREERS_PROGRAMME_FILE = str(path)
    found = programmes.programme()
    assert [s.key for s in found.stages] == ["review-4", "observation-1", "final-panel"]
    assert found.protected_caseload_share == 0.8


def test_stages_due_and_overdue(council):
    # Started 15/01/2026; on 01/07/2026 the 3-month review (due 15/04) is done, the first
    # observation (due 15/05) is overdue, the 6-month review (15/07, 14 days away) is due, and
    # the second observation (15/08, 45 days away) is still to come.
    enrolment = factories.enrolment(council, start=D(2026, 1, 15))
    services.stage_record(
        actor=council["users"][Role.QA_LEAD],
        enrolment=enrolment,
        stage="review-3",
        done_on=D(2026, 4, 20),
        note="Settling in well.",
    )
    states = {
        s.stage.key: (s.due_on, s.state) for s in selectors.stage_statuses(enrolment, D(2026, 7, 1))
    }
    assert states["review-3"] == (D(2026, 4, 15), "done")
    assert states["observation-1"] == (D(2026, 5, 15), "overdue")
    assert states["review-6"] == (D(2026, 7, 15), "due")
    assert states["observation-2"] == (D(2026, 8, 15), "to_come")
    assert states["final-panel"] == (D(2027, 1, 15), "to_come")


def test_the_final_panel_needs_an_outcome_and_a_pass_completes(council):
    qa = council["users"][Role.QA_LEAD]
    enrolment = factories.enrolment(council, start=D(2025, 1, 6))
    with pytest.raises(services.WorkforceError, match="Choose the outcome"):
        services.stage_record(
            actor=qa, enrolment=enrolment, stage="final-panel", done_on=D(2026, 1, 10)
        )
    services.stage_record(
        actor=qa,
        enrolment=enrolment,
        stage="final-panel",
        done_on=D(2026, 1, 10),
        outcome="extended",
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_on is None
    record = enrolment.stages.get(stage="final-panel")
    services.stage_record(
        actor=qa,
        enrolment=enrolment,
        stage="final-panel",
        done_on=D(2026, 4, 10),
        outcome="pass",
        expected_version=record.version,
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_on == D(2026, 4, 10)
    # Once passed, stages left unrecorded are no longer overdue.
    states = {s.stage.key: s.state for s in selectors.stage_statuses(enrolment, D(2026, 5, 1))}
    assert states["observation-1"] == "not_recorded"
    assert selectors.enrolment_state(enrolment, enrolment.stages.all()) == "Completed"


def test_a_stage_saved_over_a_newer_save_is_refused(council):
    qa = council["users"][Role.QA_LEAD]
    enrolment = factories.enrolment(council, start=D(2026, 1, 15))
    services.stage_record(
        actor=qa, enrolment=enrolment, stage="review-3", done_on=D(2026, 4, 20), note="First"
    )
    services.stage_record(
        actor=qa,
        enrolment=enrolment,
        stage="review-3",
        done_on=D(2026, 4, 20),
        note="Second",
        expected_version=1,
    )
    with pytest.raises(services.ChangedMeanwhile):
        services.stage_record(
            actor=qa,
            enrolment=enrolment,
            stage="review-3",
            done_on=D(2026, 4, 21),
            note="Stale",
            expected_version=1,
        )
    assert enrolment.stages.get(stage="review-3").note == "Second"


def test_enrolment_edit_is_locked_and_recorded(council):
    qa = council["users"][Role.QA_LEAD]
    enrolment = factories.enrolment(council)
    saved = services.enrolment_update(
        actor=qa,
        enrolment=enrolment,
        expected_version=1,
        start_date=enrolment.start_date,
        assessor=qa,
    )
    assert saved.version == 2 and saved.assessor == qa
    with pytest.raises(services.ChangedMeanwhile):
        services.enrolment_update(
            actor=qa,
            enrolment=enrolment,
            expected_version=1,
            start_date=enrolment.start_date,
            assessor=council["users"][Role.TEAM_MANAGER],
        )
    actions = list(
        ChangeEvent.objects.filter(
            object_type="workforce.enrolment", object_id=str(enrolment.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["enrolment_create", "enrolment_update"]


def test_a_team_manager_manages_only_their_own_teams(council):
    manager = council["users"][Role.TEAM_MANAGER]  # in East
    east_worker = factories.worker(council["teams"]["east"], "Ella East")
    west_worker = factories.worker(council["teams"]["west"], "Wes West")
    mine = services.enrolment_create(
        actor=manager,
        worker=east_worker,
        team=council["teams"]["east"],
        start_date=D(2026, 9, 1),
        assessor=manager,
    )
    assert mine.team == council["teams"]["east"]
    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=manager,
            worker=west_worker,
            team=council["teams"]["west"],
            start_date=D(2026, 9, 1),
            assessor=manager,
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=council["users"][Role.SENIOR_LEADER],
            worker=east_worker,
            team=council["teams"]["east"],
            start_date=D(2026, 9, 1),
            assessor=manager,
        )
    assert list(selectors.enrolments_visible_to(manager)) == [mine]


def test_the_day_a_worker_left_is_recorded_after_they_leave(council):
    qa = council["users"][Role.QA_LEAD]
    enrolment = factories.enrolment(council, start=D(2025, 1, 6))
    enrolment.worker.is_active = False
    enrolment.worker.save(update_fields=["is_active"])
    saved = services.enrolment_update(
        actor=qa,
        enrolment=enrolment,
        expected_version=1,
        start_date=enrolment.start_date,
        assessor=enrolment.assessor,
        left_on=D(2026, 3, 31),
    )
    assert saved.left_on == D(2026, 3, 31)


def test_a_worker_is_enrolled_once_and_only_in_their_team(council):
    qa = council["users"][Role.QA_LEAD]
    person = factories.worker(council["teams"]["west"])
    with pytest.raises(services.WorkforceError, match="not a member of East"):
        services.enrolment_create(
            actor=qa,
            worker=person,
            team=council["teams"]["east"],
            start_date=D(2026, 9, 1),
            assessor=qa,
        )
    factories.enrolment(council, person=person)
    with pytest.raises(services.WorkforceError, match="already in the early careers"):
        factories.enrolment(council, person=person)


def test_protected_caseload_is_flagged_above_ninety_percent(council, settings):
    # Threshold 10 children: a protected caseload is at most 9. NQ-1 holds 10 (one child is
    # open in two cohorts, counted once): flagged. NQ-2 holds exactly 9: not flagged.
    settings.CASELOAD_THRESHOLD = 10
    rows = [
        {"person_id": f"A{n}", "cohort": "cin", "team_id": "T-W", "worker_id": "NQ-1"}
        for n in range(10)
    ]
    rows.append({"person_id": "A0", "cohort": "cp", "team_id": "T-W", "worker_id": "NQ-1"})
    rows += [
        {"person_id": f"B{n}", "cohort": "cin", "team_id": "T-W", "worker_id": "NQ-2"}
        for n in range(9)
    ]
    build_snapshot(tables={}, derived={"open_cases": rows}, as_at=D(2026, 6, 30))
    west = council["teams"]["west"]
    over = factories.enrolment(council, person=factories.worker(west, "Olu Over", pid="NQ-1"))
    at = factories.enrolment(council, person=factories.worker(west, "Ada At", pid="NQ-2"))
    unlinked = factories.enrolment(council, person=factories.worker(west, "Una Unlinked"))
    checks = selectors.caseload_checks([over, at, unlinked])
    assert checks[over.pk].limit == 9.0
    assert (checks[over.pk].cases, checks[over.pk].over) == (10, True)
    assert (checks[at.pk].cases, checks[at.pk].over) == (9, False)
    assert checks[unlinked.pk].cases is None and not checks[unlinked.pk].over


def test_no_case_data_says_so(council):
    enrolment = factories.enrolment(
        council, person=factories.worker(council["teams"]["west"], "Nia", pid="NQ-1")
    )
    check = selectors.caseload_checks([enrolment])[enrolment.pk]
    assert check.cases is None and check.why_unknown == "there is no case data yet"


def _completed(council, name: str, completed: D, *, active=True, left_on=None) -> Enrolment:
    west = council["teams"]["west"]
    person = factories.worker(west, name)
    enrolment = factories.enrolment(council, person=person, start=D(2023, 1, 1))
    person.is_active = active
    person.save(update_fields=["is_active"])
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_on=completed, left_on=left_on)
    enrolment.refresh_from_db()
    return enrolment


def test_retention_at_12_and_24_months(council):
    today = D(2026, 12, 1)
    made = [
        _completed(council, "One", D(2024, 6, 1)),  # still here: 12 and 24
        _completed(council, "Two", D(2024, 6, 1), active=False, left_on=D(2025, 9, 1)),  # 12 only
        _completed(council, "Three", D(2024, 9, 1), active=False),  # left, day unknown: neither
        *[_completed(council, f"Four {n}", D(2025, 3, 1)) for n in range(4)],  # 12 only due
        _completed(council, "Eight", D(2026, 6, 1)),  # completed too recently for either
    ]
    made.append(factories.enrolment(council, name="Still in"))  # not completed: left out
    twelve, twenty_four = selectors.retention(made, today)
    # 12 months: One, Two, Three and the four Fours completed at least 12 months ago (7);
    # all but Three were still here 12 months on (6): 6/7 = 85.7%.
    assert (twelve.completed, twelve.retained, twelve.share_text) == (7, 6, "85.7%")
    # 24 months: One, Two and Three (3); only One was still here (1): suppressed.
    assert (twenty_four.completed, twenty_four.retained) == (3, 1)
    assert twenty_four.share_text == "suppressed: fewer than 5"
    assert twenty_four.completed_text == "fewer than 5"
