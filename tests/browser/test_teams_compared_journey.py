"""Issue 12: comparing teams and the children behind a figure, in Chromium with axe-core, at a
desktop width and in a 320 CSS pixel window (WCAG 2.2 reflow, 1.4.10): the page itself never
scrolls sideways; the wide table scrolls inside its own labelled, focusable region."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.indicators.tests.handmade import handmade_snapshot
from lineofsight.worklists.flags import FLAGS
from lineofsight.worklists.tests.snapshots import AS_AT, build_snapshot, east_tables

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_reflows(page) -> None:
    """At 320 CSS pixels nothing makes the page scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _every_flag_in_two_teams() -> None:
    """East and West with 30 children each and every drift flag, so the table is wide."""
    cases, flags = [], []
    for team in ("T-E", "T-W"):
        for i in range(30):
            pid = f"{team[-1]}{i:02}"
            cases.append({"person_id": pid, "cohort": "cp", "team_id": team, "worker_id": "P-1"})
            for n, flag_id in enumerate(FLAGS):
                if (i + n) % 3 == 0:
                    flags.append(
                        {"person_id": pid, "flag": flag_id, "since": "2024-05-01", "detail": ""}
                    )
    build_snapshot(
        tables=east_tables(), derived={"open_cases": cases, "drift_flags": flags}, as_at=AS_AT
    )


def test_service_manager_compares_and_sorts_teams_at_320_pixels(page, sign_in_as, council):
    _every_flag_in_two_teams()
    sign_in_as("service_manager")
    page.goto(reverse("worklists:service"))
    assert_accessible(page)
    table = page.locator("table")
    assert table.get_by_role("rowheader", name="Safeguarding: all teams").count() == 1
    assert "%" in page.inner_text("main")

    # Sort by a flag's share: a link, and the header says how the column is sorted.
    page.get_by_role("link", name="Visit overdue", exact=True).click()
    assert "sort=visit_overdue" in page.url and "order=desc" in page.url
    header = page.locator('th[aria-sort="descending"]')
    assert header.inner_text().startswith("Visit overdue")
    assert page.locator('th[aria-sort="none"]').count() == len(FLAGS) + 2
    assert_accessible(page)

    # At 320 px the page does not scroll sideways; the table scrolls in its own region,
    # which a keyboard user can reach and which says what it holds.
    assert_reflows(page)
    page.set_viewport_size({"width": 320, "height": 800})
    region = page.get_by_role("region", name="2 teams, sorted by visit overdue", exact=False)
    assert region.count() == 1
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    assert region.evaluate("el => document.activeElement === el")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A sort the table does not have is refused, saying so.
    response = page.goto(reverse("worklists:service") + "?sort=nonsense")
    assert response.status == 400
    assert "Sort the table by one of its columns" in page.inner_text("main")
    assert_accessible(page)


def test_indicator_page_by_team_and_children_not_met_at_320_pixels(page, sign_in_as, council):
    handmade_snapshot()
    sign_in_as("qa_lead")
    page.goto(reverse("indicators:detail", kwargs={"indicator_id": "cp_visits_in_time_pct"}))
    by_team = page.get_by_role("table", name="team by team", exact=False)
    assert by_team.get_by_role("rowheader", name="East").count() == 1
    assert by_team.get_by_role("rowheader", name="Leavers").count() == 1
    assert_accessible(page)
    assert_reflows(page)

    page.get_by_role("link", name="The children behind this figure").click()
    page.get_by_role("link", name="Not met only").click()
    assert "met=no" in page.url
    main = page.inner_text("main")
    assert "Met the measure" in main and "did not meet the measure" in main
    assert page.locator("tbody .govuk-tag--green").count() == 0
    assert page.locator("tbody .govuk-tag--red").count() >= 1
    assert_accessible(page)
    assert_reflows(page)
