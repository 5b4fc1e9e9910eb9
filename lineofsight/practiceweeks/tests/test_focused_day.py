"""Focused practice days: a one-day practice week that re-checks an earlier week's improvement
actions. The week ended weeks ago; the day is today. The service manager (Safeguarding) visits the
Care Team on the day; the East team manager is outside it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.actions import services as action_services
from lineofsight.actions.models import SourceType
from lineofsight.history.models import ChangeEvent
from lineofsight.practiceweeks import selectors, services
from lineofsight.practiceweeks.demo import FOCUSED_DAY_TITLE, make_demo_week
from lineofsight.practiceweeks.models import ObservationStatus, PracticeWeek, WeekKind

from . import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _week(council) -> PracticeWeek:
    return factories.week(
        council, title="Practice week, spring", starts_on=TODAY() - datetime.timedelta(days=40)
    )


def _action(council, week, *, team, themes, text):
    return action_services.action_create(
        actor=council["users"]["qa_lead"],
        source_type=SourceType.PRACTICE_WEEK,
        source_id=week.pk,
        issue=f"Issue: {text}",
        action=text,
        owner=council["users"]["qa_lead"],
        due_date=TODAY() + datetime.timedelta(days=30),
        team=team,
        themes=themes,
    )


def _day_with_findings(council, week, *, submit: bool = True):
    """The focused day today, a visit to the Care Team, and its observation with themes."""
    day = factories.focused_day(council, week, on=TODAY())
    visit = factories.visit(council, day, starts_at=factories.at(TODAY(), 9))
    observation = factories.observation(
        council,
        visit,
        submit=submit,
        texts={
            "voice_of_child__strength": "Children's own words are in their records",
            "leadership__area": "Plan reviews are late",
            "parent_carer__strength": "Parents had the report in time",
        },
        themes={
            "Children's own words are in their records": ["voice-of-the-child", "recording"],
            "Plan reviews are late": ["planning"],
            "Parents had the report in time": ["parent-carer-experience"],
        },
    )
    return day, observation


def _plan_day_post(week, *, first: datetime.date, last: datetime.date) -> dict:
    return {
        "kind": WeekKind.FOCUSED_DAY,
        "title": "Focused practice day, May",
        "rechecks": week.pk,
        "starts_on": first.strftime("%d/%m/%Y"),
        "ends_on": last.strftime("%d/%m/%Y"),
        "purpose": "Re-check recording.",
    }


# -- the service ---------------------------------------------------------------------------------


def test_a_focused_day_is_planned_with_the_week_it_rechecks_and_history(council):
    week = _week(council)
    day = factories.focused_day(council, week, on=TODAY())
    assert day.kind == WeekKind.FOCUSED_DAY and day.is_focused_day
    assert day.rechecks == week and list(week.focused_days.all()) == [day]
    assert day.starts_on == day.ends_on == TODAY()
    event = ChangeEvent.objects.get(
        object_type="practiceweeks.practiceweek", object_id=str(day.pk), action="week_create"
    )
    assert event.changes["kind"] == [None, "focused_day"]
    assert event.changes["rechecks"] == [None, "Practice week, spring"]


def test_a_focused_day_is_one_day_only(council):
    week = _week(council)
    with pytest.raises(services.PracticeWeekError, match="one day") as refused:
        services.week_create(
            actor=council["users"]["qa_lead"],
            kind=WeekKind.FOCUSED_DAY,
            rechecks=week,
            title="Two days",
            starts_on=TODAY(),
            ends_on=TODAY() + datetime.timedelta(days=1),
        )
    assert refused.value.field == "ends_on"
    assert not PracticeWeek.objects.filter(title="Two days").exists()
    # Nor can it be stretched afterwards.
    day = factories.focused_day(council, week, on=TODAY())
    with pytest.raises(services.PracticeWeekError, match="one day"):
        services.week_update(
            actor=council["users"]["qa_lead"],
            week=day,
            expected_version=day.version,
            title=day.title,
            starts_on=day.starts_on,
            ends_on=day.starts_on + datetime.timedelta(days=2),
            purpose="",
            reflection="",
            services=[],
            teams=[],
            rechecks=week,
        )


def test_a_focused_day_must_recheck_a_practice_week_that_has_ended(council):
    week = _week(council)
    qa = council["users"]["qa_lead"]

    def plan(rechecks, on=None):
        on = on or TODAY()
        return services.week_create(
            actor=qa,
            kind=WeekKind.FOCUSED_DAY,
            rechecks=rechecks,
            title="A day",
            starts_on=on,
            ends_on=on,
        )

    with pytest.raises(services.PracticeWeekError, match="Choose the practice week") as refused:
        plan(None)
    assert refused.value.field == "rechecks"
    day = plan(week)
    with pytest.raises(services.PracticeWeekError, match="choose a practice week"):
        plan(day)  # a focused day re-checks a week, not another day
    with pytest.raises(services.PracticeWeekError, match="after it has ended"):
        plan(week, on=week.ends_on)
    # A practice week re-checks nothing, whatever it is given.
    other = services.week_create(
        actor=qa, title="Week", starts_on=TODAY(), ends_on=TODAY(), rechecks=week
    )
    assert other.kind == WeekKind.PRACTICE_WEEK and other.rechecks is None


def test_a_visit_on_a_focused_day_must_be_on_that_day(council):
    day = factories.focused_day(council, _week(council), on=TODAY())
    with pytest.raises(services.PracticeWeekError, match="on the focused practice day"):
        factories.visit(council, day, starts_at=factories.at(TODAY() + datetime.timedelta(days=1)))
    assert factories.visit(council, day, starts_at=factories.at(TODAY(), 9)).week == day


def test_a_week_that_focused_days_recheck_stays_a_practice_week(council):
    week = _week(council)
    factories.focused_day(council, week, on=TODAY())
    with pytest.raises(services.PracticeWeekError, match="stays a practice week"):
        services.week_update(
            actor=council["users"]["qa_lead"],
            week=week,
            expected_version=week.version,
            kind=WeekKind.FOCUSED_DAY,
            title=week.title,
            starts_on=week.starts_on,
            ends_on=week.starts_on,
            purpose="",
            reflection="",
            services=[],
            teams=[],
        )


def test_findings_are_linked_to_the_weeks_actions_by_theme_and_team(council):
    week = _week(council)
    cic, east = council["teams"]["cic"], council["teams"]["east"]
    voice = _action(council, week, team=cic, themes=["voice-of-the-child"], text="Quote children")
    planning = _action(council, week, team=cic, themes=["planning"], text="Review plans")
    elsewhere = _action(
        council, week, team=east, themes=["voice-of-the-child"], text="Quote children in East"
    )
    anywhere = _action(council, week, team=None, themes=["recording"], text="Record promptly")
    untagged = _action(council, week, team=cic, themes=[], text="Something untagged")
    day, observation = _day_with_findings(council, week)
    qa = council["users"]["qa_lead"]

    def found(rows):
        return {r.action.pk: sorted(f.text for f in r.findings) for r in rows}

    on_day = found(selectors.action_rechecks(qa, day))
    assert on_day == {
        voice.pk: ["Children's own words are in their records"],
        planning.pk: ["Plan reviews are late"],
        elsewhere.pk: [],  # the same theme, but the day did not visit East
        anywhere.pk: ["Children's own words are in their records"],  # no one team: any team
        untagged.pk: [],
    }
    # The earlier week's page reads the same re-check, from every focused day of it.
    assert found(selectors.action_rechecks(qa, week)) == on_day


def test_only_submitted_observations_recheck_an_action(council):
    week = _week(council)
    action = _action(
        council, week, team=council["teams"]["cic"], themes=["planning"], text="Review plans"
    )
    day, observation = _day_with_findings(council, week, submit=False)
    assert observation.status == ObservationStatus.DRAFT
    [row] = selectors.action_rechecks(council["users"]["qa_lead"], day)
    assert row.action == action and row.findings == ()


def test_a_focused_day_compares_with_the_week_it_rechecks_and_weeks_skip_days(council):
    qa = council["users"]["qa_lead"]
    week = _week(council)
    day = factories.focused_day(council, week, on=TODAY() - datetime.timedelta(days=5))
    later = factories.week(council, title="Practice week, autumn", starts_on=TODAY(), days=4)
    assert selectors.previous_week(qa, day) == week
    assert selectors.previous_week(qa, later) == week  # not the focused day in between
    assert list(selectors.week_list(qa, WeekKind.FOCUSED_DAY)) == [day]
    assert day not in selectors.week_list(qa, WeekKind.PRACTICE_WEEK)


def test_the_demonstration_week_has_a_focused_day_rechecking_it(council):
    qa = council["users"]["qa_lead"]
    week = make_demo_week(actor=qa)
    day = PracticeWeek.objects.get(title=FOCUSED_DAY_TITLE)
    assert day.kind == WeekKind.FOCUSED_DAY and day.rechecks == week
    assert day.starts_on == day.ends_on and week.ends_on < day.starts_on <= TODAY()
    submitted = [v.observation for v in day.visits.all() if v.observation.is_locked]
    assert len(submitted) >= 2
    for visit in day.visits.select_related("team", "assessor"):
        assert visit.team.service_id not in services.own_service_ids(visit.assessor)
    # Running it again makes nothing more.
    make_demo_week(actor=qa)
    assert PracticeWeek.objects.filter(kind=WeekKind.FOCUSED_DAY).count() == 1


# -- the pages -----------------------------------------------------------------------------------


def test_planning_a_focused_day_on_the_form(client_for, council):
    week = _week(council)
    qa = client_for("qa_lead")
    url = reverse("practiceweeks:week_create") + "?kind=focused_day"
    page = qa.get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Plan a focused practice day</h1>' in page
    assert "Practice week it re-checks" in page
    # Two days: refused by the service, saying so on the form; nothing is saved.
    response = qa.post(
        url, _plan_day_post(week, first=TODAY(), last=TODAY() + datetime.timedelta(1))
    )
    assert response.status_code == 400
    assert "A focused practice day is one day" in response.content.decode()
    assert not PracticeWeek.objects.filter(kind=WeekKind.FOCUSED_DAY).exists()
    response = qa.post(url, _plan_day_post(week, first=TODAY(), last=TODAY()))
    day = PracticeWeek.objects.get(kind=WeekKind.FOCUSED_DAY)
    assert response.status_code == 302 and response["Location"] == reverse(
        "practiceweeks:week_detail", args=[day.pk]
    )
    assert day.rechecks == week
    # The plain form still plans a practice week, as before.
    assert "Plan a practice week</h1>" in qa.get(reverse("practiceweeks:week_create")).text


def test_the_list_shows_both_kinds_and_filters_them(client_for, council):
    week = _week(council)
    day = factories.focused_day(council, week, title="Focused practice day, May", on=TODAY())
    sl = client_for("senior_leader")
    both = sl.get(reverse("practiceweeks:weeks")).content.decode()
    assert week.title in both and day.title in both
    assert "Practice weeks and focused practice days" in both
    assert "Re-checks Practice week, spring" in both
    only_days = sl.get(reverse("practiceweeks:weeks"), {"kind": "focused_day"}).content.decode()
    assert day.title in only_days and "Practice week, spring</a>" not in only_days
    only_weeks = sl.get(reverse("practiceweeks:weeks"), {"kind": "practice_week"}).text
    assert week.title in only_weeks and day.title not in only_weeks


def test_both_pages_show_the_recheck_of_each_action(client_for, council):
    week = _week(council)
    _action(council, week, team=council["teams"]["cic"], themes=["planning"], text="Review plans")
    day, _ = _day_with_findings(council, week)
    sl = client_for("senior_leader")
    day_page = sl.get(reverse("practiceweeks:week_detail", args=[day.pk])).content.decode()
    assert "Focused practice day, " in day_page
    assert "Re-check of the practice week's actions" in day_page
    assert "Review plans" in day_page and "Plan reviews are late" in day_page
    week_page = sl.get(reverse("practiceweeks:week_detail", args=[week.pk])).content.decode()
    assert "Re-checks of the improvement actions" in week_page
    assert day.title in week_page and "Plan reviews are late" in week_page
    report = sl.get(reverse("practiceweeks:report", args=[day.pk])).content.decode()
    assert "Focused practice day: " in report and "Plan reviews are late (Care Team)" in report


def test_focused_day_pages_by_role(client_for, council):
    week = _week(council)
    day, observation = _day_with_findings(council, week)
    detail = reverse("practiceweeks:week_detail", args=[day.pk])
    create = reverse("practiceweeks:week_create") + "?kind=focused_day"
    edit = reverse("practiceweeks:week_edit", args=[day.pk])
    post = _plan_day_post(week, first=TODAY(), last=TODAY())
    # The team manager (East) is outside the day: it does not exist for them.
    tm = client_for("team_manager")
    assert tm.get(detail).status_code == 404
    assert tm.post(edit, post).status_code == 404
    assert tm.get(reverse("practiceweeks:analysis", args=[day.pk])).status_code == 403
    # Read-only roles read it but cannot plan or change one.
    for role in ("senior_leader", "service_manager"):
        reader = client_for(role)
        assert reader.get(detail).status_code == 200
        assert reader.get(create).status_code == 403
        assert reader.post(create, post).status_code == 403
        assert reader.post(edit, post).status_code == 403
    # Roles that do not use practice weeks.
    for role in ("practitioner", "analyst", "administrator"):
        assert client_for(role).get(detail).status_code == 403
    assert PracticeWeek.objects.filter(kind=WeekKind.FOCUSED_DAY).count() == 1
    # The quality assurance lead changes it, and it stays a focused day.
    qa = client_for("qa_lead")
    assert qa.get(edit).status_code == 200
    changed = {**post, "title": "Focused practice day, renamed", "version": day.version}
    changed["kind"] = WeekKind.PRACTICE_WEEK  # a posted kind does not change what it is
    assert qa.post(edit, changed).status_code == 302
    day.refresh_from_db()
    assert day.title == "Focused practice day, renamed" and day.is_focused_day
    assert ChangeEvent.objects.filter(
        object_type="practiceweeks.practiceweek", object_id=str(day.pk), action="week_update"
    ).exists()
