"""A senior leader's journey in a real browser: the improvement board, filtered to one team, one
indicator in full, and the children behind it; axe-core on every page on the way."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.indicators.tests.handmade import PERIOD_END, handmade_snapshot

from .conftest import assert_accessible, go, page_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("LOS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_board_to_the_children_behind_a_figure(page, sign_in_as, council):
    handmade_snapshot()
    sign_in_as("senior_leader")

    go(page, reverse("indicators:board"))
    assert page.get_by_role("heading", level=1).inner_text() == "Improvement board"
    _shot(page, "board")

    # Filter to the East team for the year to 31 March 2025.
    page.get_by_label("Period ending").select_option(PERIOD_END.isoformat())
    page.get_by_label("Team", exact=True).select_option(str(council["teams"]["east"].pk))
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(f"**team={council['teams']['east'].pk}**")
    assert "East team, for the period ending 31 March 2025" in page.inner_text("main")
    # The monthly figures behind a run chart open without JavaScript (a details element).
    page.get_by_text("Month by month", exact=False).first.click()
    assert_accessible(page)

    # Open one indicator.
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.wait_for_url("**/indicators/referrals/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Referrals"
    assert page.locator("svg[role='img'] title").count() == 1
    assert_accessible(page)
    _shot(page, "detail")

    # The children behind it, for the same team and period; the view is logged.
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page.get_by_role("link", name="The children behind this figure").click()
    page.wait_for_url("**/indicators/referrals/children/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Children behind the figure"
    table = page.locator("table")
    assert "C1" in table.inner_text() and "C2" not in table.inner_text()
    # One entry for the list and one for each child shown; none for a child not shown.
    logged = set(AccessLogEntry.objects.filter(pk__gt=before).values_list("person_id", flat=True))
    assert {"list:referrals", "C1"} <= logged and "C2" not in logged
    assert_accessible(page)
    _shot(page, "children")


def test_board_filters_work_without_javascript(browser, live_server, council):
    handmade_snapshot()
    page = page_without_javascript(browser, live_server, council["users"]["service_manager"])
    page.goto(reverse("indicators:board"))
    page.get_by_label("Service").select_option(str(council["services"]["east"].pk))
    page.get_by_role("button", name="Apply filters").click()
    assert "Safeguarding service" in page.inner_text("main")
    page.context.close()
