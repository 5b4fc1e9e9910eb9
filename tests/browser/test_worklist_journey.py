"""A team manager's journey in a real browser: worklist, filter, chronology, nominate a case to
group supervision, record the discussion; axe-core on every page on the way."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.supervision import services
from lineofsight.supervision.models import SessionCase
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def test_worklist_to_group_supervision(page, sign_in_as, council):
    east_snapshot()
    sign_in_as("team_manager")

    # Set up a session for the team.
    page.goto(reverse("supervision:session_create"))
    assert_accessible(page)
    page.get_by_label("Date of the session").fill("01/07/2024")
    page.get_by_role("button", name="Set up the session").click()
    page.wait_for_url("**/supervision/sessions/*/")
    assert "Session set up" in page.inner_text("main")
    assert_accessible(page)

    # The team's worklist, filtered to children with an assessment past 45 working days.
    page.goto(reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk}))
    assert page.get_by_role("heading", level=1).inner_text() == "East"
    assert_accessible(page)
    page.get_by_label("Flag").select_option("assessment_over_45wd")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**flag=assessment_over_45wd**")
    table = page.locator("table", has=page.locator("caption", has_text="match the filters"))
    assert table.locator("tbody tr").count() == 2
    assert "Ben Brook" in table.inner_text()
    assert_accessible(page)

    # Sort by name, newest letter first, from the column header.
    page.get_by_role("link", name="Name").click()
    page.get_by_role("link", name="Name").click()
    headers = page.locator("th[aria-sort='descending']")
    assert headers.count() == 1 and "Name" in headers.inner_text()

    # Open a child's chronology; the view is logged.
    page.get_by_role("link", name="Chronology of child E2").click()
    page.wait_for_url("**/children/E2/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ben Brook"
    chronology = reverse("worklists:chronology", kwargs={"person_id": "E2"})
    assert AccessLogEntry.objects.filter(person_id="E2", path=chronology).count() == 1
    # The worklist that named Ben is logged too.
    assert AccessLogEntry.objects.filter(person_id="E2").exclude(path=chronology).exists()
    assert_accessible(page)
    page.go_back()

    # Tick Ben and bring him to the session.
    page.get_by_label("Choose Ben Brook (E2)").check()
    page.get_by_role("button", name="Nominate for group supervision").click()
    page.wait_for_url("**/supervision/sessions/*/")
    assert "1 child added to the session" in page.inner_text("main")
    assert SessionCase.objects.get().person_id == "E2"
    assert_accessible(page)

    # Record the discussion.
    page.get_by_role("link", name="Record the discussion of Ben Brook").click()
    page.wait_for_url("**/supervision/cases/*/")
    assert_accessible(page)
    page.get_by_label("Through the eyes of the child").fill("Ben wants someone to listen.")
    page.get_by_label("Hypotheses").fill("The assessment stalled when the worker changed.")
    page.get_by_label("What is working well").fill("School attendance is good.")
    page.get_by_label("What we are worried about").fill("No one has finished the assessment.")
    page.get_by_label("What needs to happen").fill("Finish the assessment this month.")
    page.get_by_label("Decisions", exact=True).fill("Manager to authorise by the 20th.")
    look_again = datetime.date.today() + datetime.timedelta(days=30)  # it must be still to come
    page.get_by_label("Date to look again at this case").fill(look_again.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save the discussion").click()
    page.wait_for_url("**/supervision/cases/*/")
    assert "The discussion of this case is saved" in page.inner_text("main")
    assert_accessible(page)
    case = SessionCase.objects.get()
    assert case.decisions == "Manager to authorise by the 20th." and case.version == 2


def test_nominating_works_without_javascript(browser, live_server, council):
    east_snapshot()
    manager = council["users"]["team_manager"]
    services.session_create(
        actor=manager,
        team=council["teams"]["east"],
        held_on=datetime.date(2024, 7, 1),
        facilitator=manager,
    )
    client = Client()
    client.force_login(manager)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk}))
    page.get_by_label("Choose Amy Ashby (E1)").check()
    page.get_by_role("button", name="Nominate for group supervision").click()
    assert "1 child added to the session" in page.inner_text("main")
    context.close()
