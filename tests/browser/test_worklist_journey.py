"""A team manager's journey in a real browser: worklist, filter, chronology, nominate a case to
group supervision, record the discussion; axe-core on every page on the way. Issue 12: the
counts above the table, the days overdue, last visit and next due columns, children ticked on
two pages brought to the next session (with JavaScript and without), and every page of it
reflowing in a 320 CSS pixel wide window."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.supervision import services
from lineofsight.supervision.models import SessionCase
from lineofsight.worklists import views as worklist_views
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import assert_accessible, fill_in, go, page_without_javascript, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worklist_to_group_supervision(page, sign_in_as, council):
    east_snapshot()
    sign_in_as("team_manager")

    # Set up a session for the team.
    go(page, reverse("supervision:session_create"))
    page.get_by_label("Date of the session").fill("01/07/2024")
    press(page, "Set up the session", says="Session set up", url="**/supervision/sessions/*/")

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
    page.wait_for_url(re.compile(r"sort=name"))
    page.get_by_role("link", name="Name").click()
    page.wait_for_url(re.compile(r"order=desc"))
    headers = page.locator("th[aria-sort='descending']")
    headers.first.wait_for()  # the sorted page, not the one it was clicked from
    assert headers.count() == 1 and "Name" in headers.inner_text()

    # Open a child's chronology; the view is logged.
    page.get_by_role("link", name="Chronology of child E2").click()
    page.wait_for_url("**/children/E2/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ben Brook"
    chronology = reverse("children:chronology", kwargs={"person_id": "E2"})
    assert AccessLogEntry.objects.filter(person_id="E2", path=chronology).count() == 1
    # The worklist that named Ben is logged too.
    assert AccessLogEntry.objects.filter(person_id="E2").exclude(path=chronology).exists()
    assert_accessible(page)
    page.go_back()

    # Tick Ben and bring him to the session.
    page.get_by_label("Choose Ben Brook (E2)").check()
    page.get_by_role("button", name="Bring to supervision").click()
    page.wait_for_url("**/supervision/sessions/*/")
    assert "1 child added to the session" in page.inner_text("main")
    assert SessionCase.objects.get().person_id == "E2"
    assert_accessible(page)

    # Record the discussion.
    page.get_by_role("link", name="Record the discussion of Ben Brook").click()
    page.wait_for_url("**/supervision/cases/*/")
    assert_accessible(page)
    fill_in(
        page,
        {
            "Through the eyes of the child": "Ben wants someone to listen.",
            "Hypotheses": "The assessment stalled when the worker changed.",
            "What is working well": "School attendance is good.",
            "What we are worried about": "No one has finished the assessment.",
            "What needs to happen": "Finish the assessment this month.",
        },
    )
    page.get_by_label("Decisions", exact=True).fill("Manager to authorise by the 20th.")
    look_again = datetime.date.today() + datetime.timedelta(days=30)  # it must be still to come
    page.get_by_label("Date to look again at this case").fill(look_again.strftime("%d/%m/%Y"))
    press(
        page,
        "Save the discussion",
        says="The discussion of this case is saved",
        url="**/supervision/cases/*/",
    )
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
    page = page_without_javascript(browser, live_server, manager)
    page.goto(reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk}))
    page.get_by_label("Choose Amy Ashby (E1)").check()
    page.get_by_role("button", name="Bring to supervision").click()
    assert "1 child added to the session" in page.inner_text("main")
    page.context.close()


# -- issue 12: the worklist at a glance, and children brought from two pages -------------------


def fits_320(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px"


def table_scrolls_in_its_region(page) -> None:
    """The table is wider than the window but scrolls inside its own focusable, named region."""
    region = page.get_by_role("region", name=re.compile("children"))
    assert region.get_attribute("tabindex") == "0"
    wider = region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert wider, "at 320px the table should scroll inside its region"
    region.focus()
    page.keyboard.press("ArrowRight")


def upcoming_session(council):
    manager = council["users"]["team_manager"]
    today = timezone.localdate()
    services.session_create(  # held a week ago: not the next one
        actor=manager,
        team=council["teams"]["east"],
        held_on=today - datetime.timedelta(days=7),
        facilitator=manager,
    )
    return services.session_create(
        actor=manager,
        team=council["teams"]["east"],
        held_on=today + datetime.timedelta(days=3),
        facilitator=manager,
    )


def east_worklist(council) -> str:
    team = council["teams"]["east"].pk
    return reverse("worklists:team", kwargs={"team_id": team}) + "?sort=child&order=asc"


@pytest.fixture
def three_to_a_page(monkeypatch):
    monkeypatch.setattr(worklist_views, "PAGE_SIZE", 3)  # East's five children: two pages


def test_worklist_at_a_glance_and_children_from_two_pages(
    page, sign_in_as, council, three_to_a_page
):
    east_snapshot()
    session = upcoming_session(council)
    sign_in_as("team_manager")
    page.set_viewport_size({"width": 1280, "height": 720})
    go(page, east_worklist(council))

    # The counts are above the table and in view without scrolling.
    summary = page.locator("dl[aria-labelledby=worklist-summary]")
    assert "Children\n5" in summary.inner_text().replace("\t", "\n")
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720
    # Amy's row: 65 days overdue, last seen (not alone) on 10/04/2024.
    amy = page.locator("tr", has=page.get_by_role("link", name="Chronology of child E1"))
    text = amy.inner_text()
    assert "65 days" in text and "10/04/2024" in text and "Seen, not alone" in text

    # Tick Amy and Ben, then go to the next page: the ticks go with it.
    page.get_by_label("Choose Amy Ashby (E1)").check()
    page.get_by_label("Choose Ben Brook (E2)").check()
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    assert "2 children selected" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Choose Dan Dale (E4)").check()
    assert page.get_by_label("Group supervision session").input_value() == str(session.pk)
    page.get_by_role("button", name="Bring to supervision").click()
    page.wait_for_url(f"**/supervision/sessions/{session.pk}/")
    assert "3 children added to the session" in page.inner_text("main")
    assert sorted(session.cases.values_list("person_id", flat=True)) == ["E1", "E2", "E4"]
    assert_accessible(page)

    # At 320 pixels wide nothing scrolls sideways but the table, inside its region.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(east_worklist(council))
    assert "children selected" not in page.inner_text("main")  # cleared once brought
    fits_320(page)
    table_scrolls_in_its_region(page)
    assert_accessible(page)
    page.get_by_label("Choose Cara Cole (E3)").check()
    page.get_by_role("button", name="Keep ticked children").click()
    page.get_by_role("link", name="Review the children selected").click()
    page.wait_for_url("**/selection/")
    assert "Cara Cole" in page.inner_text("main")
    fits_320(page)
    assert_accessible(page)


def test_children_from_two_pages_without_javascript(browser, live_server, council, three_to_a_page):
    east_snapshot()
    session = upcoming_session(council)
    page = page_without_javascript(
        browser,
        live_server,
        council["users"]["team_manager"],
        viewport={"width": 320, "height": 800},
    )
    page.goto(east_worklist(council))
    fits_320(page)
    page.get_by_label("Choose Amy Ashby (E1)").check()
    page.get_by_role("button", name="Keep ticked children").click()
    assert "1 child selected" in page.inner_text("main")
    assert page.get_by_label("Choose Amy Ashby (E1)").is_checked()
    page.get_by_role("link", name="Next page").click()
    assert "1 child selected" in page.inner_text("main")
    page.get_by_label("Choose Eve Eaton (E5)").check()
    page.get_by_role("button", name="Bring to supervision").click()
    assert "2 children added to the session" in page.inner_text("main")
    assert sorted(session.cases.values_list("person_id", flat=True)) == ["E1", "E5"]
    fits_320(page)
    page.context.close()
