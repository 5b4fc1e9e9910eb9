"""An improvement action from an indicator, in a real browser with axe-core on every page: the
quality assurance lead raises it, finds it on the indicator's action plan and on the board of
actions by theme, and records a re-check."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.actions.models import ImprovementAction
from lineofsight.actions.tests.test_plans import SIX  # the six columns of the seed plan

from .conftest import assert_accessible, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_action_from_an_indicator_on_its_plan_and_the_board(page, sign_in_as, council):
    sign_in_as("qa_lead")
    due = timezone.localdate() + datetime.timedelta(days=21)

    # The raise page, reached from the indicator with its source in the query string.
    page.goto(reverse("actions:raise") + "?source_type=indicator&source_id=referrals")
    assert page.get_by_role("heading", level=1).inner_text() == "Raise an improvement action"
    assert_accessible(page)

    # A mistake first: the error summary must be accessible too.
    page.get_by_role("button", name="Raise the action").click()
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    page.get_by_label("Issue identified").fill("Re-referrals within a year are rising")
    page.get_by_label("Action to be taken").fill("Review closures with a second manager")
    page.get_by_label("Anticipated risk if not completed").fill("Families come back in crisis")
    page.get_by_role("group", name="Priority").get_by_label("High").check()
    page.get_by_label("Proposed date for completion").fill(due.isoformat())
    page.get_by_label("Team the action is about").select_option(label="East")
    page.get_by_label("Who is responsible for completing it").select_option(
        label="Team manager Person (Team manager)"
    )
    page.get_by_role("group", name="Practice themes").get_by_label("Quality of assessment").check()
    page.get_by_label("Other themes").fill("Front door")
    page.get_by_role("button", name="Raise the action").click()

    action = ImprovementAction.objects.get()
    assert action.themes == ["assessment-quality", "front-door"]
    assert page.get_by_role("heading", level=1).inner_text() == f"Improvement action {action.pk}"
    assert_accessible(page)

    # Its plan: the seed's six columns, under its main theme.
    page.get_by_role("link", name="See the action plan").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Action plan: Indicator")
    table = page.locator("table").first
    for column in SIX:
        assert column in table.inner_text()
    assert "Review closures with a second manager" in table.inner_text()
    assert page.get_by_role("heading", name="Quality of assessment").is_visible()
    assert_accessible(page)

    # The board: counted under both its themes.
    page.get_by_role("link", name="All actions by theme").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Improvement actions by theme"
    summary = page.locator("table").first
    row = summary.locator("tr", has_text="Quality of assessment")
    # One action: a count of 1 to 4 reads "fewer than 5" (issue 11).
    assert row.locator("td").all_inner_texts() == ["fewer than 5", "0", "0", "0"]
    front_door = summary.locator("tr", has_text="Front door").locator("td").first
    assert front_door.inner_text() == "fewer than 5"
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Overdue")
    press(page, "Show actions", says="No actions match.")

    # Later, a re-check by a focused practice day.
    page.goto(reverse("actions:detail", args=[action.pk]))
    page.get_by_role("group", name="How was practice looked at again?").get_by_label(
        "Focused practice day"
    ).check()
    page.get_by_role("group", name="Has practice changed?").get_by_label(
        "Practice has improved"
    ).check()
    page.get_by_label("What the re-check found").fill("Closures now have a second look")
    press(page, "Record the re-check", says="by focused practice day")
