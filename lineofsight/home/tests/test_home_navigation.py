"""The service navigation bar and each role's home page (home.navigation, home.views.home)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.actions.tests.test_actions import _action
from lineofsight.home.navigation import ROLE_AREAS, service_navigation
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db

EXPECTED_AREAS = {
    Role.PRACTITIONER: [
        "Home", "My caseload", "Audits", "My actions", "Concerns", "Feedback", "My writing",
    ],
    Role.TEAM_MANAGER: [
        "Home", "Worklists", "Supervision", "Audits", "Actions", "Concerns", "Feedback",
        "Recording",
    ],
    Role.SERVICE_MANAGER: [
        "Home", "Teams", "Worklists", "Action plans", "Concerns", "Audits", "Practice weeks",
        "Workforce",
    ],
    Role.QA_LEAD: [
        "Home", "Audit programmes", "Audits and moderation", "Practice weeks", "Concerns",
        "Themes", "Recording", "Framework", "Access log",
    ],
    Role.SENIOR_LEADER: [
        "Home", "Improvement board", "Committee reports", "Actions", "Concerns", "Themes",
        "Line of sight", "Role approvals",
    ],
    Role.ANALYST: [
        "Home", "Imports", "Indicators", "Targets", "Teams", "Committee reports", "Region",
    ],
    Role.ADMINISTRATOR: ["Home", "People and teams", "Role approvals", "Timescales", "Access log"],
}  # fmt: skip


def _nav(html: str) -> list[tuple[str, str | None]]:
    """(title, aria-current) of each item of the service navigation in a page."""
    block = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
    assert block, "the page has no service navigation"
    items = []
    for link in re.finditer(r"<a class=\"govuk-service-navigation__link\"[^>]*>(.*?)</a>",
                            block.group(0), re.S):  # fmt: skip
        current = re.search(r'aria-current="(\w+)"', link.group(0))
        title = re.sub(r"<[^>]+>", "", link.group(1)).strip()
        items.append((title, current.group(1) if current else None))
    return items


@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_its_own_areas_with_home_marked(client_for, role):
    html = client_for(role).get(reverse("home:home")).text
    nav = _nav(html)
    assert [title for title, _ in nav] == EXPECTED_AREAS[role]
    assert [(t, c) for t, c in nav if c] == [("Home", "page")]


@pytest.mark.parametrize(
    ("role", "path", "current"),
    [
        ("team_manager", "/worklists/team/3/", ("Worklists", "true")),
        ("team_manager", "/children/E1/", ("Worklists", "true")),
        ("service_manager", "/worklists/service/", ("Teams", "page")),
        ("service_manager", "/worklists/", ("Worklists", "page")),
        ("qa_lead", "/audits/tools/", ("Audit programmes", "true")),
        ("qa_lead", "/audits/12/", ("Audits and moderation", "true")),
        ("practitioner", "/actions/17/", ("My actions", "true")),
        ("senior_leader", "/reports/committee/new/", ("Committee reports", "true")),
        ("analyst", "/imports/snapshots/", ("Imports", "true")),
    ],
)
def test_the_area_a_page_belongs_to_is_marked_current(council, role, path, current):
    items = service_navigation(council["users"][role], path)
    marked = [(i.title, "page" if i.exact else "true") for i in items if i.current]
    assert marked == [current]


def test_the_current_area_is_marked_on_a_real_page(client_for):
    html = client_for("qa_lead").get(reverse("concerns:list")).text
    assert ("Concerns", "page") in _nav(html)
    assert ("Home", None) in _nav(html)


def test_someone_awaiting_approval_sees_home_only(council, client_for):
    user = council["users"]["team_manager"]
    user.approved_role = ""
    user.save(update_fields=["approved_role"])
    assert [i.title for i in service_navigation(user, "/")] == ["Home"]


def test_every_area_is_a_named_page():
    for areas in ROLE_AREAS.values():
        for area in areas:
            reverse(area.url_name)  # raises if an area names no page


def test_a_senior_leader_sees_role_requests_and_the_board(client_for):
    response = client_for("senior_leader").get(reverse("home:home"))
    (panel,) = [p for p in response.context["panels"] if p.key == "leadership"]
    assert panel.figures[0].label == "Role requests waiting for your decision"
    assert panel.figures[0].value == "0"
    assert [item.url for item in panel.items] == [
        reverse("indicators:board"),
        reverse("reports:committee"),
    ]
    assert 'class="govuk-summary-list los-home-figures"' in response.text


def test_a_team_managers_home_page_shows_team_figures_in_few_queries(
    council, client_for, django_assert_max_num_queries
):
    east_snapshot()
    for _ in range(6):
        _action(council, actor=council["users"]["qa_lead"], person_id="")
    client = client_for("team_manager")
    client.get(reverse("home:home"))  # the snapshot's rows are read once per process
    # 18 before the one-to-one supervision panel, which reads the team's workers, their
    # supervision profiles and their latest supervision (three queries for one team).
    with django_assert_max_num_queries(21):
        response = client.get(reverse("home:home"))
    keys = [p.key for p in response.context["panels"]]
    assert "team_caseload" in keys and "action_plans" in keys
    text = response.text
    assert "East team&#x27;s children" in text
    assert "Children with a visit overdue" in text
    assert "Open improvement actions" in text
