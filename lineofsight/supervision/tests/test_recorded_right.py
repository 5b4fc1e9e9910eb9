"""Group supervision is recorded right: a session is facilitated by a manager of the team (or a
quality assurance lead); dates to look again and due dates are still to come; an action's owner
may see the child, the allocated worker first; a filter that cannot be used is an error."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import Role, Team, User
from lineofsight.actions.models import ImprovementAction
from lineofsight.supervision import selectors, services
from lineofsight.supervision.forms import SessionForm
from lineofsight.supervision.models import Session, SessionCase

from .test_journey import DISCUSSION, create_session, nominate

pytestmark = pytest.mark.django_db


def _uk(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _post_session(client, council, facilitator: User):
    return client.post(
        reverse("supervision:session_create"),
        {
            "team": council["teams"]["east"].pk,
            "held_on": "01/07/2024",
            "facilitator": facilitator.pk,
        },
    )


def test_a_session_is_facilitated_by_a_manager_of_the_team_or_a_qa_lead(client_for, council, east):
    client = client_for("team_manager")
    west_manager = User.objects.create_user(
        email="west.tm@example.org", password="x", full_name="Wendy West", role=Role.TEAM_MANAGER
    )
    west_manager.memberships.create(team=council["teams"]["west"])
    page = client.get(reverse("supervision:session_create")).text
    assert "Practitioner Person" not in page and "Wendy West" not in page  # not offered
    for person in (council["users"]["practitioner"], council["users"]["analyst"], west_manager):
        response = _post_session(client, council, person)
        assert response.status_code == 400, person
        assert "a quality assurance lead to facilitate the session" in response.text
    assert not Session.objects.exists()
    assert _post_session(client, council, council["users"]["qa_lead"]).status_code == 302
    assert _post_session(client, council, council["users"]["team_manager"]).status_code == 302


def test_a_manager_of_another_team_offered_is_refused_for_this_team(council):
    west_manager = User.objects.create_user(
        email="west.tm@example.org", password="x", full_name="Wendy West", role=Role.TEAM_MANAGER
    )
    west_manager.memberships.create(team=council["teams"]["west"])
    teams = Team.objects.filter(pk__in=[council["teams"]["east"].pk, council["teams"]["west"].pk])
    data = {"team": council["teams"]["east"].pk, "held_on": "01/07/2024"}
    form = SessionForm(
        {**data, "facilitator": west_manager.pk},
        teams=teams,
        people=selectors.people_who_may_facilitate(teams),
    )
    assert not form.is_valid()
    assert form.errors["facilitator"][0].startswith("Wendy West is not a manager of East")
    form = SessionForm(
        {**data, "team": council["teams"]["west"].pk, "facilitator": west_manager.pk},
        teams=teams,
        people=selectors.people_who_may_facilitate(teams),
    )
    assert form.is_valid(), form.errors


def test_the_service_refuses_a_facilitator_who_is_not_a_manager_of_the_team(council):
    with pytest.raises(services.SupervisionError, match="not a manager of East"):
        services.session_create(
            actor=council["users"]["team_manager"],
            team=council["teams"]["east"],
            held_on=datetime.date(2024, 7, 1),
            facilitator=council["users"]["practitioner"],
        )
    assert not Session.objects.exists()


def _case(client, council) -> SessionCase:
    session = create_session(client, council)
    nominate(client, council, session, "E1")
    return SessionCase.objects.get(session=session, person_id="E1")


def test_a_date_to_look_again_in_the_past_is_refused(client_for, council, east):
    client = client_for("team_manager")
    case = _case(client, council)
    url = reverse("supervision:case", args=[case.pk])
    past = _uk(_days(-1))
    response = client.post(url, {**DISCUSSION, "look_again_on": past, "version": 1})
    assert response.status_code == 400
    assert "The date to look again must be today or later" in response.text
    assert f'value="{past}"' in response.text
    case.refresh_from_db()
    assert case.look_again_on is None and case.version == 1
    with pytest.raises(services.SupervisionError, match="today or later"):
        services.session_case_record(
            actor=council["users"]["team_manager"],
            case=case,
            expected_version=1,
            **{k: v for k, v in DISCUSSION.items() if k != "look_again_on"},
            look_again_on=_days(-3),
        )


def test_an_action_due_in_the_past_is_refused_and_owners_may_see_the_child(
    client_for, council, east
):
    client = client_for("team_manager")
    case = _case(client, council)
    url = reverse("supervision:action_create", args=[case.pk])
    page = client.get(url).text
    select = re.search(r'<select[^>]*name="owner".*?</select>', page, re.S).group(0)
    labels = [html.unescape(x) for x in re.findall(r"<option[^>]*>([^<]*)<", select)]
    # E1 is allocated to P-1, the practitioner: first, and said so. No administrator.
    assert labels[0] == "Practitioner Person (Practitioner, the child's allocated worker)"
    assert not any(label.startswith("Administrator") for label in labels)
    data = {
        "issue": "Not seen alone",
        "action": "See her alone at school",
        "owner": council["users"]["practitioner"].pk,
        "due_date": _uk(_days(-1)),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The due date must be today or later" in response.text
    assert not ImprovementAction.objects.exists()
    assert client.post(url, {**data, "due_date": _uk(_days(7))}).status_code == 302


def test_an_unusable_team_filter_on_the_evaluation_is_an_error(client_for, council):
    client = client_for("qa_lead")
    assert client.get(reverse("supervision:evaluation")).status_code == 200
    response = client.get(reverse("supervision:evaluation"), {"team": "abc"})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "from the list" in response.text
