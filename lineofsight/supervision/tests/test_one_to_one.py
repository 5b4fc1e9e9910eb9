"""One-to-one supervision: recording, editing over the lock, the import from the case system,
the team's status by the policy, and who sees what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry, Role, User
from lineofsight.history.models import ChangeEvent
from lineofsight.supervision import one_to_one_selectors as o2o
from lineofsight.supervision import one_to_one_services as services
from lineofsight.supervision.models import OneToOne, SupervisionProfile

TODAY = timezone.localdate()
DAYS = datetime.timedelta(days=1)


@pytest.fixture
def people(council):
    east, west = council["teams"]["east"], council["teams"]["west"]
    second = User.objects.create_user(
        email="second@example.org",
        full_name="Sam Second",
        role=Role.PRACTITIONER,
        professional_id="P-9",
    )
    second.memberships.create(team=east)
    outsider = User.objects.create_user(
        email="west.worker@example.org", full_name="Wes West", role=Role.PRACTITIONER
    )
    outsider.memberships.create(team=west)
    west_manager = User.objects.create_user(
        email="west.manager@example.org", full_name="Wendy West", role=Role.TEAM_MANAGER
    )
    west_manager.memberships.create(team=west)
    return {
        "manager": council["users"]["team_manager"],
        "worker": council["users"]["practitioner"],
        "second": second,
        "outsider": outsider,
        "west_manager": west_manager,
        "east": east,
        "west": west,
    }


def record(people, **overrides):
    values = {
        "actor": people["manager"],
        "team": people["east"],
        "held_on": TODAY - 3 * DAYS,
        "supervisor": people["manager"],
        "supervisee": people["worker"],
        "cases": "E1\nE2\n\nE1",
        "reflection": "Thinking about the child's view",
        "actions_agreed": "Visit E1 this week\n\nUpdate the plan",
    }
    values.update(overrides)
    return services.one_to_one_record(**values)


# -- services ----------------------------------------------------------------------------------


def test_a_manager_records_a_one_to_one_with_its_history(people):
    made = record(people)
    assert made.case_ids == ["E1", "E2"]
    assert made.action_lines == ["Visit E1 this week", "Update the plan"]
    event = ChangeEvent.objects.get(action="one_to_one_record", object_id=str(made.pk))
    assert event.actor == people["manager"]
    assert event.changes["cases"] == [None, "E1\nE2"]


def test_the_worker_must_be_in_the_team_and_the_recorder_must_lead_it(people):
    with pytest.raises(services.SupervisionError, match="is not a worker in East") as refused:
        record(people, supervisee=people["outsider"])
    assert refused.value.field == "supervisee"
    with pytest.raises(PermissionDenied):
        record(people, actor=people["worker"])
    with pytest.raises(PermissionDenied):
        record(people, actor=people["west_manager"])
    with pytest.raises(services.SupervisionError, match="does not supervise"):
        record(people, supervisor=people["second"])
    with pytest.raises(services.SupervisionError, match="today or earlier"):
        record(people, held_on=TODAY + DAYS)
    assert not OneToOne.objects.exists()


def test_the_same_supervision_is_recorded_once(people):
    record(people)
    with pytest.raises(services.SupervisionError, match="already recorded"):
        record(people, reflection="again")
    assert OneToOne.objects.count() == 1


def test_an_edit_over_someone_elses_save_is_refused_and_changes_nothing(people, council):
    made = record(people)
    qa = council["users"]["qa_lead"]
    saved = services.one_to_one_edit(
        actor=qa,
        record=made,
        expected_version=1,
        held_on=made.held_on,
        supervisor=made.supervisor,
        cases="E3",
        reflection="The QA lead's words",
        actions_agreed="",
    )
    assert saved.version == 2 and saved.updated_by == qa
    assert ChangeEvent.objects.filter(action="one_to_one_edit", object_id=str(made.pk)).count() == 1
    with pytest.raises(services.OneToOneChangedMeanwhile) as conflict:
        services.one_to_one_edit(
            actor=people["manager"],
            record=made,
            expected_version=1,
            held_on=made.held_on,
            supervisor=made.supervisor,
            cases="",
            reflection="The manager's words",
            actions_agreed="",
        )
    assert conflict.value.current.reflection == "The QA lead's words"
    made.refresh_from_db()
    assert (made.reflection, made.cases, made.version) == ("The QA lead's words", "E3", 2)


# -- import ------------------------------------------------------------------------------------

HEADER = (
    "supervision_date,supervisor_email,supervisee_email,supervisee_staff_id,cases,reflection,"
    "actions\n"
)


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def good_rows(people) -> list[str]:
    d1, d2 = (TODAY - 20 * DAYS).isoformat(), (TODAY - 5 * DAYS).strftime("%d/%m/%Y")
    return [
        f"{d1},team_manager@example.org,practitioner@example.org,,E1;E2,Went well,Visit E1",
        f"{d2},team_manager@example.org,,P-9,,Second worker,",
    ]


def test_an_import_records_every_row_and_a_repeat_adds_nothing(people):
    result = services.one_to_ones_import(
        actor=people["manager"], data=csv_bytes(*good_rows(people))
    )
    assert len(result.created) == 2 and result.already == 0
    by_worker = {r.supervisee: r for r in OneToOne.objects.all()}
    assert by_worker[people["worker"]].case_ids == ["E1", "E2"]
    assert by_worker[people["second"]].held_on == TODAY - 5 * DAYS  # found by staff id
    assert all(r.imported for r in by_worker.values())
    assert ChangeEvent.objects.filter(action="one_to_one_import").count() == 2

    again = services.one_to_ones_import(actor=people["manager"], data=csv_bytes(*good_rows(people)))
    assert again.created == [] and again.already == 2
    assert OneToOne.objects.count() == 2


def test_an_import_with_a_bad_row_saves_nothing_and_names_row_and_column(people):
    rows = [
        *good_rows(people),
        "31/02/2025,team_manager@example.org,nobody@example.org,,E1,x,",
        f"{TODAY.isoformat()},team_manager@example.org,west.worker@example.org,,E1 E2,x,",
    ]
    with pytest.raises(services.ImportRefused) as refused:
        services.one_to_ones_import(actor=people["manager"], data=csv_bytes(*rows))
    problems = refused.value.problems
    assert "Row 4, column supervision_date: enter a date like 2026-03-27 or 27/03/2026." in problems
    assert "Row 4, column supervisee_email: no active user has the email nobody@example.org." in (
        problems
    )
    assert any(
        p.startswith("Row 5, column supervisee_email: Wes West is not a worker") for p in problems
    )
    assert any(p.startswith("Row 5, column cases: E1 E2 is not a child's id") for p in problems)
    assert not any(p.startswith(("Row 2", "Row 3")) for p in problems)
    assert not OneToOne.objects.exists()
    assert not ChangeEvent.objects.filter(action="one_to_one_import").exists()


def test_an_import_without_a_needed_column_says_so(people):
    data = b"supervision_date,supervisor_email,cases,reflection,actions\n2025-01-01,a,b,c,d\n"
    with pytest.raises(services.ImportRefused) as refused:
        services.one_to_ones_import(actor=people["manager"], data=data)
    assert refused.value.problems == [
        "Row 1 (the header): missing column supervisee_email or supervisee_staff_id."
    ]


# -- status by the policy ----------------------------------------------------------------------


def test_the_team_page_lists_overdue_workers_first(people):
    # The practitioner was supervised 40 days ago (a month is due: overdue); the second worker
    # is newly qualified since 10 days ago and supervised 3 days ago (due in 4 days: on time).
    record(people, held_on=TODAY - 40 * DAYS)
    SupervisionProfile.objects.create(
        user=people["second"], newly_qualified_since=TODAY - 10 * DAYS
    )
    record(people, supervisee=people["second"], held_on=TODAY - 3 * DAYS)
    rows = o2o.team_status(people["east"], today=TODAY)
    assert [(r.worker, r.overdue) for r in rows] == [
        (people["worker"], True),
        (people["second"], False),
    ]
    assert rows[1].next_due == TODAY + 4 * DAYS
    assert rows[1].stage == "Newly qualified, first six weeks"


def test_the_evidence_for_an_audit_is_the_allocated_workers_last_six_months(people):
    record(people, held_on=TODAY - 300 * DAYS)
    record(people, held_on=TODAY - 60 * DAYS)
    record(people, held_on=TODAY - 35 * DAYS)
    found = o2o.worker_evidence("P-1", today=TODAY)
    assert found.worker == people["worker"]
    assert [h.record.held_on for h in found.held] == [TODAY - 35 * DAYS, TODAY - 60 * DAYS]
    # 60 days ago came 240 days after the one before (a month was due): late. 35 days ago came
    # 25 days after that: on time. The last was 35 days ago, so the next is overdue.
    assert [h.on_time for h in found.held] == [True, False]
    assert found.status.overdue
    assert o2o.worker_evidence("NOBODY", today=TODAY) is None


def test_the_profile_is_set_by_the_manager_over_the_lock(people):
    made = services.supervision_profile_set(
        actor=people["manager"],
        worker=people["worker"],
        expected_version=0,
        newly_qualified_since=TODAY - 5 * DAYS,
    )
    assert ChangeEvent.objects.filter(action="supervision_profile_create").exists()
    with pytest.raises(services.ProfileChangedMeanwhile):
        services.supervision_profile_set(
            actor=people["manager"],
            worker=people["worker"],
            expected_version=2,
            newly_qualified_since=None,
        )
    with pytest.raises(PermissionDenied):
        services.supervision_profile_set(
            actor=people["west_manager"],
            worker=people["worker"],
            expected_version=made.version,
            newly_qualified_since=None,
        )


# -- pages -------------------------------------------------------------------------------------


def test_pages_by_role(people, client_for, client):
    made = record(people)
    detail = reverse("supervision:one_to_one", kwargs={"pk": made.pk})
    edit = reverse("supervision:one_to_one_edit", kwargs={"pk": made.pk})
    # The supervisee reads it (its cases logged as viewed) but may not change it.
    response = client_for("practitioner").get(detail)
    assert response.status_code == 200 and "Thinking about the child" in response.text
    assert "Change this supervision" not in response.text
    assert AccessLogEntry.objects.filter(
        user=people["worker"], person_id="E2", purpose="supervision"
    ).exists()
    assert client_for("practitioner").get(edit).status_code == 403
    assert client_for("team_manager").get(edit).status_code == 200
    # Outside the team: 404.
    for outsider in (people["second"], people["west_manager"]):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
    client.force_login(people["west_manager"])
    assert client.get(edit).status_code == 404
    team_page = reverse("supervision:one_to_one_team", kwargs={"team_id": people["east"].pk})
    assert client.get(team_page).status_code == 404
    assert client_for("service_manager").get(team_page).status_code == 403
    assert client_for("team_manager").get(team_page).status_code == 200


def test_a_manager_records_through_the_form(people, client_for):
    response = client_for("team_manager").post(
        reverse("supervision:one_to_one_create"),
        {
            "team": people["east"].pk,
            "supervisee": people["second"].pk,
            "held_on": (TODAY - DAYS).strftime("%d/%m/%Y"),
            "supervisor": people["manager"].pk,
            "cases": "E4",
            "reflection": "Reflective",
            "actions_agreed": "",
        },
    )
    made = OneToOne.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("supervision:one_to_one", kwargs={"pk": made.pk})
    assert made.supervisee == people["second"] and made.created_by == people["manager"]


def test_an_edit_conflict_shows_what_the_other_person_saved(people, client_for, council):
    made = record(people)
    services.one_to_one_edit(
        actor=council["users"]["qa_lead"],
        record=made,
        expected_version=1,
        held_on=made.held_on,
        supervisor=made.supervisor,
        cases=made.cases,
        reflection="Saved first by QA",
        actions_agreed="",
    )
    response = client_for("team_manager").post(
        reverse("supervision:one_to_one_edit", kwargs={"pk": made.pk}),
        {
            "held_on": made.held_on.strftime("%d/%m/%Y"),
            "supervisor": made.supervisor_id,
            "cases": "",
            "reflection": "Mine",
            "actions_agreed": "",
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert "Someone else saved this supervision" in response.text
    assert "Saved first by QA" in response.text
    made.refresh_from_db()
    assert made.reflection == "Saved first by QA"


def test_the_import_page_lists_each_problem(people, client_for):
    bad = csv_bytes("not a date,team_manager@example.org,practitioner@example.org,,,x,")
    response = client_for("team_manager").post(
        reverse("supervision:one_to_one_import"),
        {"file": SimpleUploadedFile("supervision.csv", bad, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "Row 2, column supervision_date" in response.text
    assert "Nothing was imported" in response.text
    good = csv_bytes(*good_rows(people))
    response = client_for("team_manager").post(
        reverse("supervision:one_to_one_import"),
        {"file": SimpleUploadedFile("supervision.csv", good, content_type="text/csv")},
        follow=True,
    )
    assert "2 supervisions imported." in response.text
    assert OneToOne.objects.count() == 2


def test_overdue_supervision_is_on_the_team_managers_home_page(people, client_for):
    record(people, held_on=TODAY - 40 * DAYS)
    home = client_for("team_manager").get(reverse("home:home")).text
    assert "One-to-one supervision overdue" in home
    assert people["worker"].full_name in home
    # The QA lead, who leads every team, is not shown the panel.
    assert (
        "One-to-one supervision overdue" not in client_for("qa_lead").get(reverse("home:home")).text
    )


def test_the_oversight_tools_supervision_section_gets_the_workers_supervision(people):
    from django.template.loader import render_to_string

    from lineofsight.supervision.one_to_one_evidence import supervision_beside_audit

    record(people, held_on=TODAY - 10 * DAYS)
    assert supervision_beside_audit(people["manager"], tool_key="recording", worker_id="P-1") == []
    [item] = supervision_beside_audit(
        people["manager"], tool_key="oversight-and-supervision", worker_id="P-1"
    )
    assert item.section_key == "supervision"
    html = render_to_string(item.template, {"item": item})
    assert (TODAY - 10 * DAYS).strftime("%d/%m/%Y") in html and "on time" in html
    # Only dates and timeliness: nothing that was discussed.
    assert "Thinking about the child" not in html and "Visit E1" not in html
    [unknown] = supervision_beside_audit(
        people["manager"], tool_key="oversight-and-supervision", worker_id=""
    )
    assert "not known here" in render_to_string(unknown.template, {"item": unknown})
