"""The team pages: who sees them, which teams, the links to the evidence, and a query count that
does not grow with the number of teams."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lineofsight.accounts.models import Team

from . import records
from .snapshots import teams_snapshot

pytestmark = pytest.mark.django_db

INDEX = reverse("teams:index")


def _row_teams(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
                      r'href="/teams/\d+/">([^<]+)</a>', html)  # fmt: skip


@pytest.mark.parametrize("role", ["practitioner", "administrator"])
def test_practitioners_and_administrators_are_refused(client_for, council, role):
    assert client_for(role).get(INDEX).status_code == 403
    east = council["teams"]["east"].pk
    assert client_for(role).get(reverse("teams:detail", args=[east])).status_code == 403


def test_nobody_signs_in_first(client_for):
    response = client_for(None).get(INDEX)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    "role, teams",
    [("service_manager", ["East", "West"]), ("team_manager", ["East"]),
     ("senior_leader", ["Care Team", "Leavers", "East", "West"])],
)  # fmt: skip
def test_index_lists_the_users_teams(client_for, council, role, teams):
    teams_snapshot()
    response = client_for(role).get(INDEX)
    assert response.status_code == 200
    assert _row_teams(response.content.decode()) == teams


def test_another_teams_page_is_not_found(client_for, council):
    care, west = council["teams"]["cic"].pk, council["teams"]["west"].pk
    assert (
        client_for("service_manager").get(reverse("teams:detail", args=[care])).status_code == 404
    )
    assert client_for("team_manager").get(reverse("teams:detail", args=[west])).status_code == 404
    assert client_for("qa_lead").get(reverse("teams:detail", args=[99999])).status_code == 404


def test_detail_shows_the_team_with_links_to_its_evidence(client_for, council):
    teams_snapshot()
    records.supervision(council)
    records.audits(council)
    east = council["teams"]["east"].pk
    html = client_for("team_manager").get(reverse("teams:detail", args=[east])).content.decode()
    assert "East: workforce beside practice" in html
    assert "6 of 30 (20.0%)" in html
    assert "5 of 7 workers (71.4%)" in html
    assert "83.3% (5 of 6 audits)" in html
    for indicator_id in ("caseload_mean", "agency_worker_pct", "turnover_pct"):
        assert f'href="/indicators/{indicator_id}/?team={east}"' in html
    assert f'href="/indicators/audits_good_or_better_pct/?team={east}"' in html
    assert f'href="{reverse("worklists:team", args=[east])}"' in html
    assert f'href="{reverse("worklists:team", args=[east])}?flag=visit_overdue"' in html
    assert f'href="{reverse("supervision:one_to_one_team", args=[east])}"' in html
    assert f'href="{reverse("audits:programmes")}"' in html


def test_evidence_links_open_for_the_service_manager(client_for, council):
    """Each link on the index opens (200) for the user who sees it: none leads to a 403."""
    from lineofsight.workforce.tests import factories

    teams_snapshot()
    factories.course(council, "Core one")
    client = client_for("service_manager")
    html = client.get(INDEX).content.decode()
    links = set(
        re.findall(r'href="(/(?:indicators|worklists|supervision|audits|workforce)/[^"]*)"', html)
    )
    assert any("/indicators/caseload_mean/" in link for link in links)
    assert not any("/supervision/" in link for link in links)  # not a supervision lead
    assert reverse("workforce:coverage") in links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_council_figures_shown_once_above_the_table(client_for, council):
    teams_snapshot()
    html = client_for("qa_lead").get(INDEX).content.decode()
    assert html.count("Social worker vacancies") == 1
    assert "29.4%" in html and "cannot be split by team" in html
    assert html.index("29.4%") < html.index("<table")
    sm = client_for("service_manager").get(INDEX).content.decode()
    assert "29.4%" not in sm and "for the whole council only" in sm


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries)


def test_index_query_count_does_not_grow_per_team(
    client_for, council, django_assert_max_num_queries
):
    from lineofsight.workforce.tests import factories

    from .test_selectors import _health_check

    teams_snapshot()
    records.supervision(council)
    records.audits(council)
    factories.course(council, "Core one")
    _health_check(council, east=6, west=0)
    client = client_for("qa_lead")
    client.get(INDEX)  # warm caches
    with django_assert_max_num_queries(24):
        client.get(INDEX)
    four = _queries(client)
    for i in range(4):
        Team.objects.create(
            name=f"Extra {i}", service=council["services"]["care"], case_system_id=f"T-X{i}"
        )
    eight = _queries(client)
    assert eight == four


def test_training_column_only_for_those_who_read_the_workforce(client_for, council):
    from lineofsight.workforce.tests import factories

    teams_snapshot()
    factories.course(council, "Core one")
    assert "Core training attended" in client_for("service_manager").get(INDEX).content.decode()
    assert "Core training attended" not in client_for("analyst").get(INDEX).content.decode()


def test_health_check_on_the_index_and_the_teams_page(client_for, council):
    from .test_selectors import _health_check

    teams_snapshot()
    _health_check(council, east=6, west=0)
    client = client_for("service_manager")
    html = client.get(INDEX).content.decode()
    assert "High 7, Low 1" in html and "6 answered" in html and "Not shown" in html
    east = client.get(reverse("teams:detail", args=[council["teams"]["east"].pk])).content.decode()
    assert "6 people in East answered" in east and "Supervision that works" in east
    west = client.get(reverse("teams:detail", args=[council["teams"]["west"].pk])).content.decode()
    assert "The team's scores are not shown" in west
