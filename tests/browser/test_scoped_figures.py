"""Issue 11, item 3: pages whose figures are now suppressed and scoped, in a real browser with
axe-core: the team manager's board (their team's figures, council-level comparisons said so),
teams side by side and the group supervision evaluation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.indicators.tests.handmade import handmade_snapshot

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_managers_board_and_service_comparison_are_scoped_and_accessible(
    page, sign_in_as, council
):
    handmade_snapshot()
    sign_in_as("team_manager")
    page.goto(reverse("indicators:board"))
    main = page.inner_text("main")
    assert "East team, for the period ending" in main
    assert "for whole councils" in main
    assert page.get_by_role("option", name="Whole council").count() == 0
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in_as("service_manager")
    page.goto(reverse("worklists:service"))
    assert "fewer than 5" in page.inner_text("main")
    assert_accessible(page)
    page.goto(reverse("supervision:evaluation"))
    assert_accessible(page)
