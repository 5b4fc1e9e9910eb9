"""Getting around, as each role in a real browser: the service navigation shows the role's main
areas and marks the current one; the home page shows the role's figures and what needs doing.
axe-core on every page visited, and each page reflows in a 320 CSS pixel wide window."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.actions.tests.test_actions import _action
from lineofsight.casework.models import SourceKind
from lineofsight.home.tests.test_home_navigation import EXPECTED_AREAS
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import assert_accessible, page_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each role's home page shows (panel headings and figure labels), and an area to go to
# (checked with axe and at 320 pixels; every other area is checked for its marking).
HOME = {
    Role.PRACTITIONER: (["Your caseload", "Your improvement actions"],
                        ["Children with a visit overdue"], "Concerns"),
    Role.TEAM_MANAGER: (["East team's children", "Your team's improvement actions"],
                        ["Children with a visit overdue", "Overdue"], "Supervision"),
    Role.SERVICE_MANAGER: (["Your teams' children", "Action plans for your teams"],
                           ["Open improvement actions"], "Concerns"),
    Role.QA_LEAD: (["Audit programmes at a glance", "Improvement actions across the service"],
                   ["Audits waiting for a moderator's grade"], "Concerns"),
    Role.SENIOR_LEADER: (["Your decisions and the board"],
                         ["Role requests waiting for your decision"], "Improvement board"),
    Role.ANALYST: (["Case data"], ["Imports waiting for your review"], "Imports"),
    Role.ADMINISTRATOR: ([], [], "Timescales"),
}  # fmt: skip


def assert_accessible_and_reflows(page) -> None:
    assert_accessible(page)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} CSS pixels wide in a 320 pixel window"
    page.set_viewport_size(size)


def _current(nav) -> list[tuple[str, str]]:
    links = nav.locator("a[aria-current]")
    return [
        (links.nth(i).inner_text().strip(), links.nth(i).get_attribute("aria-current"))
        for i in range(links.count())
    ]


@pytest.fixture
def working_day(council):
    """Case data, improvement actions in East and an import waiting for review."""
    east_snapshot()
    qa = council["users"]["qa_lead"]
    for days in (-3, 5):
        _action(
            council,
            actor=qa,
            owner=council["users"]["practitioner"],
            person_id="",
            due_date=datetime.date.today() + datetime.timedelta(days=days),
        )
    ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.REVIEW)


@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_around_from_home(role, page, sign_in_as, working_day):
    sign_in_as(role)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main areas")
    titles = [t.strip() for t in nav.get_by_role("link").all_inner_texts()]
    assert titles == EXPECTED_AREAS[role]
    assert _current(nav) == [("Home", "page")]

    headings, figures, area = HOME[role]
    main = page.locator("main")
    for heading in headings:
        assert main.get_by_role("heading", name=heading, level=2).is_visible(), heading
    terms = [t.strip() for t in main.locator("dt.govuk-summary-list__key").all_inner_texts()]
    for label in figures:
        assert label in terms, f"{label} not among {terms}"
    assert_accessible_and_reflows(page)

    # Each area, when visited, is the one marked current.
    for title in EXPECTED_AREAS[role][1:]:
        page.goto("/")
        page.get_by_role("navigation", name="Main areas").get_by_role(
            "link", name=title, exact=True
        ).click()
        page.wait_for_load_state()
        if "/admin/" in page.url:
            continue  # Django's admin has its own header
        assert _current(page.get_by_role("navigation", name="Main areas")) == [(title, "page")]

    # One of the role's areas, from the home page, checked in full.
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main areas")
    nav.get_by_role("link", name=area, exact=True).click()
    page.wait_for_load_state()
    assert _current(page.get_by_role("navigation", name="Main areas")) == [(area, "page")]
    assert_accessible_and_reflows(page)


def test_the_practitioners_figures_lead_to_their_children(page, sign_in_as, working_day):
    sign_in_as(Role.PRACTITIONER)
    page.goto("/")
    # The figure is suppressed (one child), but its link opens the list that names the child.
    row = page.locator(".govuk-summary-list__row", has_text="Children with a visit overdue")
    assert "fewer than 5" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url("**/worklists/mine/?flag=visit_overdue")
    assert "Amy Ashby" in page.inner_text("main")
    nav = page.get_by_role("navigation", name="Main areas")
    assert _current(nav) == [("My caseload", "page")]
    # The worklist's own page (its table at 320 pixels) is the worklist journey's to check.
    assert_accessible(page)


def test_the_navigation_works_without_javascript_at_320_pixels(browser, live_server, council):
    page = page_without_javascript(
        browser,
        live_server,
        council["users"]["team_manager"],
        viewport={"width": 320, "height": 800},
    )
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main areas")
    # No script: no menu button, every area listed and reachable.
    assert not nav.get_by_role("button", name="Menu").is_visible()
    nav.get_by_role("link", name="Concerns").click()
    page.wait_for_url("**" + reverse("concerns:list"))
    assert _current(page.get_by_role("navigation", name="Main areas")) == [("Concerns", "page")]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


def test_with_javascript_a_narrow_window_gets_a_menu_button(page, sign_in_as, council):
    sign_in_as(Role.QA_LEAD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main areas")
    menu = nav.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert not nav.get_by_role("link", name="Concerns").is_visible()
    menu.click()
    nav.get_by_role("link", name="Concerns").click()
    page.wait_for_url("**" + reverse("concerns:list"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
