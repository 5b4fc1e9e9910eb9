"""A filter in a list page's address that cannot be used is an error the page explains (400,
with an error summary), never the whole list shown as if it had been filtered. The lists of
actions, feedback, the access log and supervision's evaluation have their own tests."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.indicators import catalogue
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db


def _team(council) -> str:
    return reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})


def _export(council) -> str:
    return reverse("worklists:team_export", kwargs={"team_id": council["teams"]["east"].pk})


@pytest.mark.parametrize(
    ("role", "url", "params", "message"),
    [
        ("team_manager", _team, {"flag": "<script>"}, "Choose a flag from the list"),
        ("team_manager", _team, {"cohort": "everyone"}, "Choose a cohort from the list"),
        ("team_manager", _team, {"sort": "evil;drop"}, "Sort by one of the columns"),
        ("team_manager", _team, {"order": "sideways"}, "Sort in ascending or descending order"),
        ("team_manager", _export, {"cohort": "everyone"}, "Choose a cohort from the list"),
        ("practitioner", lambda c: reverse("worklists:mine"), {"cohort": "x"}, "cohort"),
    ],
)
def test_a_worklist_refuses_a_filter_it_cannot_use(client_for, council, role, url, params, message):
    east_snapshot()
    client = client_for(role)
    assert client.get(url(council)).status_code == 200
    response = client.get(url(council), params)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    # No child is listed (a whole-word match: a random token may hold the letters "E1").
    assert not re.search(r"(?<![\w-])E1(?![\w-])", text)


def test_the_indicators_refuse_a_period_or_area_they_cannot_use(client_for, council):
    east_snapshot()
    client = client_for("analyst")
    indicator = catalogue.catalogue()[0]
    for url in (
        reverse("indicators:board"),
        reverse("indicators:detail", kwargs={"indicator_id": indicator.id}),
        reverse("indicators:children", kwargs={"indicator_id": indicator.id}),
        reverse("indicators:children_export", kwargs={"indicator_id": indicator.id}),
    ):
        for params, message in (
            ({"period": "yesterday"}, "Choose a period from the list"),
            ({"period": "2031-01-01"}, "Choose a period from the list"),
            ({"team": "east"}, "Choose a team or service from the list"),
        ):
            response = client.get(url, params)
            assert response.status_code == 400, (url, params)
            assert message in response.content.decode()


def test_moderation_agreement_refuses_weights_it_does_not_know(client_for, council):
    client = client_for("qa_lead")
    assert client.get(reverse("audits:agreement"), {"weights": "quadratic"}).status_code == 200
    response = client.get(reverse("audits:agreement"), {"weights": "cubic"})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "from the list" in response.text
