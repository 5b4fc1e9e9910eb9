"""Action plans on the home page (actions.home): per team, scoped, exact counts of actions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ..home import home_panels
from .test_actions import _action

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 1)


@pytest.fixture
def actions(council):
    qa = council["users"]["qa_lead"]
    east, west, cic = (council["teams"][k] for k in ("east", "west", "cic"))
    _action(council, actor=qa, team=east, person_id="")
    _action(council, actor=qa, team=east, person_id="", due_date=PAST)  # overdue
    _action(council, actor=qa, team=west, owner=qa, person_id="", due_date=PAST)  # overdue
    _action(council, actor=qa, team=cic, owner=qa, person_id="")  # another service


def _figures(panel) -> dict[str, tuple[str, str]]:
    return {f.label: (f.value, f.url) for f in panel.figures}


def test_a_team_manager_sees_their_teams_actions(council, actions):
    (panel,) = home_panels(council["users"]["team_manager"])
    figures = _figures(panel)
    assert figures["Open improvement actions"] == ("2", reverse("actions:list") + "?state=open")
    assert figures["Overdue"] == ("1", reverse("actions:list") + "?state=overdue")
    (item,) = panel.items
    east = council["teams"]["east"].pk
    assert (item.text, item.detail, item.tag) == ("East team", "2 open, 1 overdue", "Overdue")
    assert item.url == f"{reverse('actions:board')}?team={east}&status=overdue"


def test_a_service_manager_sees_an_action_plan_per_team(council, actions):
    (panel,) = home_panels(council["users"]["service_manager"])
    assert panel.title == "Action plans for your teams"
    assert _figures(panel)["Open improvement actions"][0] == "3"  # not the Care Team's
    assert _figures(panel)["Overdue"][0] == "2"
    details = {item.text: item.detail for item in panel.items}
    assert details == {"East team": "2 open, 1 overdue", "West team": "1 open, 1 overdue"}


def test_leaders_see_the_totals_and_others_nothing(council, actions):
    (panel,) = home_panels(council["users"]["senior_leader"])
    assert _figures(panel)["Open improvement actions"][0] == "4"
    assert _figures(panel)["Overdue"][0] == "2"
    for role in ("practitioner", "analyst", "administrator"):
        assert home_panels(council["users"][role]) == []


def test_small_counts_of_actions_are_shown_exactly(council, actions):
    # Actions are the user's own work, each listed behind the figure: not suppressed.
    (panel,) = home_panels(council["users"]["team_manager"])
    assert "fewer than 5" not in {f.value for f in panel.figures}
