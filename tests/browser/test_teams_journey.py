"""The team pages in Chromium with axe-core: a service manager compares their teams, opens one
and follows a figure to its evidence; at 320 CSS pixels, with JavaScript off, the page itself
never scrolls sideways and the wide table scrolls inside its own labelled, focusable region."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.teams.tests import records
from lineofsight.teams.tests.snapshots import teams_snapshot

from .conftest import assert_accessible, page_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_320(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"


def test_service_manager_compares_teams_and_follows_a_figure(page, sign_in_as, council):
    from lineofsight.teams.tests.test_selectors import _health_check
    from lineofsight.workforce.tests import factories

    teams_snapshot()
    records.supervision(council)
    factories.course(council, "Core one")
    _health_check(council, east=6, west=0)
    sign_in_as("service_manager")
    page.goto(reverse("teams:index"))
    assert_accessible(page)
    table = page.get_by_role("table", name="2 teams", exact=False)
    assert table.get_by_role("rowheader").count() == 2
    main = page.inner_text("main")
    # Supervision: East's seven, and six newer staff not yet due: 11 of 13 on time.
    assert "20.0%" in main and "6.0" in main and "33.3%" in main and "84.6%" in main
    assert "for the whole council only" in main  # the council's census figures are not shown
    assert "High 7, Low 1" in main and "Core one" in main

    page.get_by_role("link", name="East", exact=True).click()
    page.wait_for_url(f"**{reverse('teams:detail', args=[council['teams']['east'].pk])}")
    assert page.get_by_role("heading", level=1).inner_text() == "East: workforce beside practice"
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Evidence\s*: average caseload")).click()
    assert "/indicators/caseload_mean/" in page.url and "team=" in page.url
    assert "East team" in page.inner_text("main")
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Worklist\s*: East$")).click()
    assert page.url.endswith(reverse("worklists:team", args=[council["teams"]["east"].pk]))
    assert_accessible(page)


def test_teams_at_320_pixels_without_javascript(browser, live_server, page, sign_in_as, council):
    teams_snapshot()
    sign_in_as("senior_leader")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("teams:index"))
    _fits_320(page)
    assert_accessible(page)

    quiet = page_without_javascript(
        browser,
        live_server,
        council["users"]["senior_leader"],
        viewport={"width": 320, "height": 800},
    )
    quiet.goto(reverse("teams:index"))
    _fits_320(quiet)
    assert "29.4%" in quiet.inner_text("main")  # vacancies, once, for the whole council
    region = quiet.get_by_role("region", name="4 teams", exact=False)
    assert region.count() == 1
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert region.get_attribute("tabindex") == "0"
    quiet.goto(reverse("teams:detail", args=[council["teams"]["east"].pk]))
    _fits_320(quiet)
    assert "Children with a drift flag" in quiet.inner_text("main")
    quiet.context.close()
