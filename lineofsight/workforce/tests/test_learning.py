"""Learning and development: courses, sessions and attendance, coverage of core training per
team (worked out by hand), the skills matrix, and training needs as improvement actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lineofsight.accounts.models import Role
from lineofsight.history.models import ChangeEvent
from lineofsight.workforce import selectors, services, sources
from lineofsight.workforce.models import Attendance

from . import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def _attend(council, session, people, attended=True):
    for person in people:
        services.attendance_record(
            actor=council["users"][Role.QA_LEAD], session=session, worker=person, attended=attended
        )


def test_core_training_coverage_per_team(council):
    east, west = council["teams"]["east"], council["teams"]["west"]
    # East: the practitioner and team manager of the test council, and 8 more: 10 members, and
    # one more who has left (not counted). West: 4 members.
    east_people = [council["users"][Role.PRACTITIONER], council["users"][Role.TEAM_MANAGER]]
    east_people += [factories.worker(east, f"East {n}") for n in range(8)]
    gone = factories.worker(east, "East Gone")
    west_people = [factories.worker(west, f"West {n}") for n in range(4)]
    core = factories.course(council, "Core one")
    optional = factories.course(council, "Optional", core=False)
    first = factories.session(council, core, held_on=D(2026, 3, 2))
    second = factories.session(council, core, held_on=D(2026, 4, 2))
    # East: 4 at the first session, 1 of them again at the second, and 1 more at the second: 5
    # different members attended (the leaver's attendance is not counted); 1 booked but absent.
    _attend(council, first, east_people[:4] + [gone])
    _attend(council, second, east_people[3:5])
    _attend(council, second, east_people[5:6], attended=False)
    _attend(council, first, west_people)
    _attend(council, factories.session(council, optional), east_people)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    courses, rows = selectors.team_coverage(council["users"][Role.QA_LEAD])
    assert courses == [core]
    by_team = {r.team.name: r for r in rows}
    assert by_team["East"].members == 10
    cell = by_team["East"].cells[0]
    # 5 of 10: 50%.
    assert (cell.attended, cell.members, cell.text, cell.gap) == (5, 10, "50%", True)
    # West: 4 of 4, withheld because the team has fewer than 5 members.
    west_cell = by_team["West"].cells[0]
    assert (west_cell.attended, west_cell.members) == (4, 4)
    assert west_cell.text == "suppressed: fewer than 5"
    assert by_team["Care Team"].cells[0].text == "No data"


def test_a_team_manager_reads_coverage_of_their_own_teams_only(council):
    factories.course(council)
    _, rows = selectors.team_coverage(council["users"][Role.TEAM_MANAGER])
    assert [r.team.name for r in rows] == ["East"]


def test_attendance_is_recorded_once_per_worker_and_session(council):
    session = factories.session(council)
    person = council["users"][Role.PRACTITIONER]
    _attend(council, session, [person], attended=False)
    _attend(council, session, [person], attended=True)
    assert Attendance.objects.get(session=session, worker=person).attended is True
    actions = ChangeEvent.objects.filter(object_type="workforce.attendance").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["attendance_record", "attendance_update"]


def test_no_one_attends_a_session_still_to_come(council):
    session = factories.session(council, held_on=datetime.date.today() + datetime.timedelta(5))
    with pytest.raises(services.WorkforceError, match="not been held yet"):
        _attend(council, session, [council["users"][Role.PRACTITIONER]])


def test_courses_are_the_councils_configuration(council):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=council["users"][Role.TEAM_MANAGER], title="Mine")
    with pytest.raises(services.WorkforceError, match="practice themes"):
        services.course_create(
            actor=council["users"][Role.QA_LEAD], title="Bad", themes=["no-such-theme"]
        )
    course = services.course_create(
        actor=council["users"][Role.QA_LEAD],
        title="Systemic practice",
        themes=["voice-of-the-child"],
        practice_models=["systemic"],
        core=True,
    )
    assert course.practice_models == ["systemic"]
    saved = services.course_update(
        actor=council["users"][Role.QA_LEAD],
        course=course,
        expected_version=1,
        title="Systemic practice, part one",
        summary="",
        themes=[],
        practice_models=["systemic"],
        core=False,
    )
    assert (saved.version, saved.core) == (2, False)
    with pytest.raises(services.ChangedMeanwhile):
        services.course_update(
            actor=council["users"][Role.QA_LEAD],
            course=course,
            expected_version=1,
            title="Stale",
            summary="",
            themes=[],
            practice_models=[],
            core=True,
        )


def test_the_skills_matrix_by_theme(council):
    qa = council["users"][Role.QA_LEAD]
    services.skill_add(
        actor=qa,
        worker=council["users"][Role.PRACTITIONER],
        theme="voice-of-the-child",
        role="lead",
    )
    services.skill_add(
        actor=qa,
        worker=council["users"][Role.TEAM_MANAGER],
        theme="voice-of-the-child",
        role="champion",
    )
    with pytest.raises(services.WorkforceError, match="already named"):
        services.skill_add(
            actor=qa,
            worker=council["users"][Role.PRACTITIONER],
            theme="voice-of-the-child",
            role="champion",
        )
    matrix = {t.key: t for t in selectors.skills_matrix()}
    voice = matrix["voice-of-the-child"]
    assert [s.worker for s in voice.leads] == [council["users"][Role.PRACTITIONER]]
    assert [s.worker for s in voice.champions] == [council["users"][Role.TEAM_MANAGER]]
    assert matrix["assessment-quality"].leads == []
    services.skill_remove(actor=qa, skill=voice.leads[0])
    assert selectors.skills_matrix()[0].leads == []


def test_a_training_need_describes_its_gap_within_the_users_scope(council):
    course = factories.course(council)
    west = council["teams"]["west"]
    qa, manager = council["users"][Role.QA_LEAD], council["users"][Role.TEAM_MANAGER]
    info = sources.describe_training_need(qa, f"course-{course.pk}-team-{west.pk}")
    assert info.team == west
    assert info.title == f"Learning and development: {course.title}, West"
    assert info.url == f"/workforce/courses/{course.pk}/"
    # The East team manager cannot raise one about West, nor anyone about what is not there.
    with pytest.raises(Http404):
        sources.describe_training_need(manager, f"course-{course.pk}-team-{west.pk}")
    with pytest.raises(Http404):
        sources.describe_training_need(qa, "course-999999")
    with pytest.raises(Http404):
        sources.describe_training_need(council["users"][Role.PRACTITIONER], f"course-{course.pk}")
    theme = sources.describe_training_need(qa, "theme-voice-of-the-child")
    assert theme.title == "Learning and development: The voice of the child"


def test_the_training_need_source_is_registered():
    from lineofsight.actions import sources as action_sources

    assert action_sources.resolver_for("training_need") is sources.describe_training_need


def test_the_raise_link_appears_once_the_actions_app_knows_the_source(council):
    from lineofsight.actions.models import SourceType

    qa, practitioner = council["users"][Role.QA_LEAD], council["users"][Role.PRACTITIONER]
    url = sources.training_need_url(qa, "course-1", theme="voice-of-the-child")
    if sources.SOURCE_TYPE in SourceType.values:
        assert url.startswith("/actions/") and "source_type=training_need" in url
        assert "source_id=course-1" in url and "theme=voice-of-the-child" in url
    else:
        assert url == ""
    assert sources.training_need_url(practitioner, "course-1") == ""  # may not raise actions


def test_a_session_shows_the_attendance_of_the_readers_teams_only(council):
    session = factories.session(council)
    east_person = council["users"][Role.PRACTITIONER]
    west_person = factories.worker(council["teams"]["west"], "Wes West")
    _attend(council, session, [east_person, west_person])
    seen = selectors.session_attendance(council["users"][Role.TEAM_MANAGER], session)
    assert [a.worker for a in seen] == [east_person]
    assert len(selectors.session_attendance(council["users"][Role.QA_LEAD], session)) == 2
