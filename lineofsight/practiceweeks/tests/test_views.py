from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lineofsight.actions import sources
from lineofsight.framework.evidence import Leaning
from lineofsight.history.models import ChangeEvent
from lineofsight.practiceweeks import selectors, services, views
from lineofsight.practiceweeks.models import Observation, ObservationStatus, PracticeWeek, Visit

from . import factories

pytestmark = pytest.mark.django_db


def _observation_post(version: int, **extra) -> dict:
    data = {name: "" for _, _, name in services.FINDING_FIELDS}
    data.update(
        {
            "version": str(version),
            "leadership__strength": "Managers know every child in the team",
            "case_examples": "",
            "children_said": "",
            "parents_carers_said": "",
            "save": "",
        }
    )
    data.update(extra)
    return data


# -- who sees what -----------------------------------------------------------------------------


def test_roles_that_do_not_use_practice_weeks_get_403(client_for, council):
    for role in ("practitioner", "analyst", "administrator"):
        assert client_for(role).get(reverse("practiceweeks:weeks")).status_code == 403


def test_an_outsider_team_manager_gets_404(client_for, council):
    week = factories.week(council)
    observation = factories.observation(council, factories.visit(council, week), submit=True)
    tm = client_for("team_manager")  # East; the visit is to the Care Team
    assert tm.get(reverse("practiceweeks:week_detail", args=[week.pk])).status_code == 404
    assert (
        tm.get(reverse("practiceweeks:observation_detail", args=[observation.pk])).status_code
        == 404
    )
    assert week not in selectors.week_list(council["users"]["team_manager"])


def test_another_assessors_draft_is_404(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week, assessor=council["users"]["senior_leader"])
    draft = factories.observation(council, visit)
    response = client_for("service_manager").get(
        reverse("practiceweeks:observation_detail", args=[draft.pk])
    )
    assert response.status_code == 404
    # The quality assurance lead sees drafts.
    qa = client_for("qa_lead").get(reverse("practiceweeks:observation_detail", args=[draft.pk]))
    assert qa.status_code == 200


def test_read_only_roles_get_403_when_they_act(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week)
    observation = factories.observation(council, visit, submit=True)
    sl = client_for("senior_leader")
    assert sl.get(reverse("practiceweeks:week_detail", args=[week.pk])).status_code == 200
    assert sl.post(reverse("practiceweeks:week_edit", args=[week.pk]), {}).status_code == 403
    assert sl.post(reverse("practiceweeks:visit_create", args=[week.pk]), {}).status_code == 403
    assert (
        sl.post(reverse("practiceweeks:observation_themes", args=[observation.pk]), {}).status_code
        == 403
    )
    assert (
        sl.post(reverse("practiceweeks:observation_edit", args=[visit.pk]), {}).status_code == 403
    )
    sm = client_for("service_manager")
    assert (
        sm.post(
            reverse("practiceweeks:observation_reopen", args=[observation.pk]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_a_team_manager_sees_their_own_teams_submitted_observation(client_for, council):
    week = factories.week(council)
    visit = factories.visit(
        council,
        week,
        assessor=council["users"]["qa_lead"],
        team=council["teams"]["east"],
        starts_at=factories.at(timezone.localdate(), 0),
    )
    observation = factories.observation(council, visit)
    tm = client_for("team_manager")
    url = reverse("practiceweeks:observation_detail", args=[observation.pk])
    assert tm.get(url).status_code == 404  # still a draft
    services.observation_submit(
        actor=visit.assessor, observation=observation, expected_version=observation.version
    )
    assert tm.get(url).status_code == 200
    weeks_page = tm.get(reverse("practiceweeks:weeks")).content.decode()
    assert week.title in weeks_page
    assert tm.get(reverse("practiceweeks:week_detail", args=[week.pk])).status_code == 200
    assert tm.get(reverse("practiceweeks:analysis", args=[week.pk])).status_code == 403


# -- planning ----------------------------------------------------------------------------------


def test_planning_a_week_and_a_visit(client_for, council):
    qa = client_for("qa_lead")
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = qa.post(
        reverse("practiceweeks:week_create"),
        {
            "title": "Practice week, summer",
            "starts_on": day.strftime("%d/%m/%Y"),
            "ends_on": (day + datetime.timedelta(days=4)).strftime("%d/%m/%Y"),
            "purpose": "Focus on the voice of the child.",
            "services": [council["services"]["care"].pk],
        },
    )
    week = PracticeWeek.objects.get(title="Practice week, summer")
    assert response.status_code == 302
    visit_data = {
        "assessor": council["users"]["service_manager"].pk,
        "team": council["teams"]["cic"].pk,
        "day": day.strftime("%d/%m/%Y"),
        "time": "09:30",
        "local_contact": "A. Senior, 01234 000000",
        "team_size": "8",
        "team_context": "Rural patch",
        "team_structure": "One manager, seven workers",
        "observes_family": "on",
        "family_activity": "A home visit",
    }
    response = qa.post(reverse("practiceweeks:visit_create", args=[week.pk]), visit_data)
    assert response.status_code == 302
    visit = Visit.objects.get(week=week)
    assert timezone.localtime(visit.starts_at).strftime("%H:%M") == "09:30"
    assert visit.observes_family


def test_a_visit_to_the_assessors_own_service_is_refused_on_the_form(client_for, council):
    week = factories.week(council)
    response = client_for("qa_lead").post(
        reverse("practiceweeks:visit_create", args=[week.pk]),
        {
            "assessor": council["users"]["service_manager"].pk,
            "team": council["teams"]["west"].pk,
            "day": week.starts_on.strftime("%d/%m/%Y"),
            "time": "10:00",
            "local_contact": "Someone",
        },
    )
    assert response.status_code == 400
    assert "own service" in response.content.decode()
    assert not Visit.objects.exists()


def test_consent_page_refuses_after_the_visit_begins(client_for, council):
    week = factories.week(council)
    visit = factories.visit(
        council,
        week,
        observes_family=True,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    page = client_for("service_manager").get(reverse("practiceweeks:consent", args=[visit.pk]))
    assert "can no longer be recorded" in page.content.decode()


# -- recording ---------------------------------------------------------------------------------


def test_a_possible_name_brings_a_warning_then_saves_when_confirmed(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week)
    sm = client_for("service_manager")
    url = reverse("practiceweeks:observation_edit", args=[visit.pk])
    data = _observation_post(0, case_examples="The worker visited Jayden at home.")

    response = sm.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-warning-text" in page and "Jayden" in page
    assert "use initials or a role" in page
    assert not Observation.objects.exists()

    response = sm.post(url, {**data, "names_checked": "on"})
    assert response.status_code == 302
    observation = Observation.objects.get(visit=visit)
    assert observation.case_examples == "The worker visited Jayden at home."
    event = ChangeEvent.objects.get(action="observation_save", object_id=str(observation.pk))
    assert event.changes["names_confirmed_not_children"][1] == ["Jayden"]


def test_a_stale_form_is_refused_with_409(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week)
    sm = client_for("service_manager")
    url = reverse("practiceweeks:observation_edit", args=[visit.pk])
    assert sm.post(url, _observation_post(0)).status_code == 302
    response = sm.post(url, _observation_post(0, leadership__strength="Overwrites?"))
    assert response.status_code == 409
    assert "after you opened it" in response.content.decode()
    assert Observation.objects.get(visit=visit).findings.get().text.startswith("Managers know")
    # What they saved is listed, field by field, under the form (web/includes/conflict.html).
    shown = response.content.decode().split('id="what-they-saved"')[1]
    assert "Managers know" in shown


def test_observing_a_family_without_consent_is_refused_on_the_form(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week, observes_family=True)
    response = client_for("service_manager").post(
        reverse("practiceweeks:observation_edit", args=[visit.pk]),
        _observation_post(0, family_meeting_observed="on", family_meeting_notes="Calm"),
    )
    assert response.status_code == 400
    assert "no consent was recorded" in response.content.decode()


def test_submit_then_reopen_through_the_pages(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week, starts_at=factories.at(timezone.localdate(), 0))
    observation = factories.observation(council, visit)
    sm = client_for("service_manager")
    response = sm.post(
        reverse("practiceweeks:observation_submit", args=[observation.pk]),
        {"version": observation.version},
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.SUBMITTED
    edit = sm.get(reverse("practiceweeks:observation_edit", args=[visit.pk]))
    assert edit.status_code == 302  # locked: sent to the observation

    qa = client_for("qa_lead")
    response = qa.post(
        reverse("practiceweeks:observation_reopen", args=[observation.pk]),
        {"reason": "A case example needs correcting."},
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.status, observation.number) == (ObservationStatus.DRAFT, 2)
    page = qa.get(reverse("practiceweeks:observation_detail", args=[observation.pk]))
    assert "A case example needs correcting." in page.content.decode()
    version_page = qa.get(reverse("practiceweeks:observation_version", args=[observation.pk, 1]))
    assert "Caseloads are high" in version_page.content.decode()


def test_tagging_themes_through_the_page(client_for, council):
    week = factories.week(council)
    observation = factories.observation(council, factories.visit(council, week), submit=True)
    finding = observation.findings.get(text="Caseloads are high")
    response = client_for("qa_lead").post(
        reverse("practiceweeks:observation_themes", args=[observation.pk]),
        {
            "version": observation.version,
            f"t{finding.pk}": ["workforce-and-wellbeing"],
            f"f{finding.pk}": "Caseload pressure",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.themes == ["workforce-and-wellbeing", "caseload-pressure"]
    analysis = client_for("senior_leader").get(reverse("practiceweeks:analysis", args=[week.pk]))
    page = analysis.content.decode()
    assert "Caseload pressure" in page
    assert "fewer than 5 of fewer than 5 teams: cannot be said" in page


# -- raising actions, the actions registry and triangulation -----------------------------------


def test_raise_action_link(monkeypatch, council):
    week = factories.week(council)
    team = council["teams"]["cic"]
    monkeypatch.setattr(views, "reverse", lambda name: "/actions/raise/")
    assert views.raise_action_url(week, "planning", team) == (
        f"/actions/raise/?source_type=practice_week&source_id={week.pk}&theme=planning"
        f"&team={team.pk}"
    )


def test_no_raise_action_link_until_the_actions_app_offers_one(monkeypatch, council):
    from django.urls import NoReverseMatch

    def missing(name):
        raise NoReverseMatch(name)

    monkeypatch.setattr(views, "reverse", missing)
    assert views.raise_action_url(factories.week(council), "planning", None) == ""


def test_the_week_is_registered_as_an_action_source(council):
    week = factories.week(council)
    info = sources.describe(council["users"]["service_manager"], "practice_week", str(week.pk))
    assert info is not None
    assert week.title in info.title
    assert info.url == reverse("practiceweeks:week_detail", args=[week.pk])
    assert info.team is None
    for user, source_id in (
        (council["users"]["practitioner"], str(week.pk)),
        (council["users"]["team_manager"], str(week.pk)),  # no visit to East
        (council["users"]["qa_lead"], "999999"),
        (council["users"]["qa_lead"], "not-a-number"),
    ):
        with pytest.raises(Http404):
            sources.describe(user, "practice_week", source_id)


def test_observations_for_theme(council):
    week = factories.week(council)
    factories.observation(
        council,
        factories.visit(council, week),
        submit=True,
        themes={
            "Caseloads are high": ["workforce-and-wellbeing"],
            "Managers are visible and supervision is regular": ["workforce-and-wellbeing"],
        },
    )
    evidence = selectors.observations_for_theme(
        council["users"]["senior_leader"], "workforce-and-wellbeing"
    )
    assert {(e.summary, e.leaning) for e in evidence} == {
        ("Caseloads are high", Leaning.CONCERN),
        ("Managers are visible and supervision is regular", Leaning.STRENGTH),
    }
    assert all(e.source == "Practice week" and e.team_name == "Care Team" for e in evidence)
    assert (
        selectors.observations_for_theme(
            council["users"]["practitioner"], "workforce-and-wellbeing"
        )
        == []
    )
    assert (
        selectors.observations_for_theme(
            council["users"]["team_manager"], "workforce-and-wellbeing"
        )
        == []
    )
    assert selectors.observations_for_theme(council["users"]["qa_lead"], "planning") == []
