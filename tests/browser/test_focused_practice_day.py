"""A focused practice day in a real browser, with axe-core on every page: a practice week ended
weeks ago with an improvement action for the Care Team about plans; the quality assurance lead
plans a focused practice day re-checking it (a two-day date is refused, saying why) and a visit;
the assessor (the service manager, who leads Safeguarding) records and submits an observation of
the Care Team; the QA lead tags its themes, and the action shows the day's finding as its
re-check on the day's page and on the week's. The list filters the days, and the pages work
without JavaScript at 320 px."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.actions import services as action_services
from lineofsight.actions.models import SourceType
from lineofsight.practiceweeks.models import Observation, PracticeWeek, WeekKind
from lineofsight.practiceweeks.reports import week_dates
from lineofsight.practiceweeks.tests import factories

from .conftest import assert_accessible, fill_in, go, open_link, page_without_javascript, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _earlier_week(council) -> PracticeWeek:
    """The practice week of six weeks ago, with its action plan: one action for the Care Team."""
    week = factories.week(
        council,
        title="Practice week, spring",
        starts_on=timezone.localdate() - datetime.timedelta(days=42),
        days=4,
    )
    action_services.action_create(
        actor=council["users"]["qa_lead"],
        source_type=SourceType.PRACTICE_WEEK,
        source_id=week.pk,
        issue="Plans are not reviewed when a child's situation changes",
        action="Managers check plan review dates in supervision",
        owner=council["users"]["qa_lead"],
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        team=council["teams"]["cic"],
        themes=["planning"],
    )
    return week


def _fits_320(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_focused_practice_day_rechecks_the_weeks_actions(
    page, sign_in_as, council, browser, live_server
):
    week = _earlier_week(council)
    today = timezone.localdate()

    # The QA lead plans the focused practice day.
    sign_in_as("qa_lead")
    go(page, reverse("practiceweeks:weeks"))
    open_link(page, "Plan a focused practice day")
    assert page.get_by_role("heading", level=1).inner_text() == "Plan a focused practice day"
    page.get_by_label("Practice week it re-checks").select_option(
        label=f"Practice week, spring ({week_dates(week)})"
    )
    fill_in(
        page,
        {
            "Title": "Focused practice day, plans",
            "First day": _uk(today),
            "Last day": _uk(today + datetime.timedelta(days=1)),
            "Purpose and focus": "Re-check the review of plans in the Care Team.",
        },
    )
    page.get_by_role("group", name="Services in scope").get_by_label("Children in Care").check()
    press(page, "Create the focused practice day", says="A focused practice day is one day")
    assert page.title().startswith("Error: ")
    page.get_by_label("Last day").fill(_uk(today))
    press(page, "Create the focused practice day", says="has been created")
    assert page.get_by_role("heading", level=1).inner_text() == "Focused practice day, plans"
    assert "Focused practice day, " in page.locator(".govuk-caption-l").inner_text()
    day = PracticeWeek.objects.get(kind=WeekKind.FOCUSED_DAY)
    assert day.rechecks.title == "Practice week, spring"
    # Before anything is observed, the week's action is not re-tested yet.
    assert "Not re-tested yet" in page.inner_text("main")

    # ...and a visit on the day: the service manager to the Care Team.
    open_link(page, "Plan a visit")
    page.get_by_label("Assessor", exact=True).select_option(
        label="Service manager Person (Service manager, Safeguarding)"
    )
    page.get_by_label("Team to visit").select_option(label="Care Team (Children in Care)")
    page.get_by_label("Date of the visit").fill(_uk(today))
    page.get_by_label("Time the visit starts").fill("09:30")
    page.get_by_label("Local contact").fill("Duty senior, 01234 567890")
    press(page, "Add the visit", says="has been added to the timetable")

    # The assessor records and submits the observation.
    sign_in_as("service_manager")
    go(page, reverse("practiceweeks:weeks"))
    page.get_by_role("table", name="Your visits as an assessor").get_by_role(
        "link", name="Care Team"
    ).click()
    assert_accessible(page)
    open_link(page, "Record your observation")
    page.locator("#id_leadership__strength").fill("Plans are reviewed in supervision each month")
    page.locator("#id_voice_of_child__area").fill("Some direct work is summarised, not quoted")
    page.get_by_role("button", name="Save and check before submitting").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check and submit your observation"
    assert_accessible(page)
    press(page, "Submit the observation", says="submitted and is now locked")
    observation = Observation.objects.get(visit__week=day)

    # The QA lead tags the finding with the action's theme: the re-check shows on both pages.
    sign_in_as("qa_lead")
    go(page, reverse("practiceweeks:observation_detail", args=[observation.pk]))
    open_link(page, "Tag themes")
    plans = observation.findings.get(text="Plans are reviewed in supervision each month")
    group = page.locator(f"#id_t{plans.pk}").locator("xpath=ancestor::details")
    group.locator("summary").click()
    group.get_by_label("Plans and planning").check()
    press(page, "Save the themes", says="The themes have been saved")

    go(page, reverse("practiceweeks:week_detail", args=[day.pk]))
    card = page.locator(".govuk-summary-card", has_text="Managers check plan review dates")
    assert "Plans are reviewed in supervision each month" in card.inner_text()
    assert "Some direct work is summarised" not in card.inner_text()  # no shared theme
    open_link(page, "Practice week, spring")
    assert "Re-checks of the improvement actions" in page.inner_text("main")
    card = page.locator(".govuk-summary-card", has_text="Managers check plan review dates")
    assert "Plans are reviewed in supervision each month" in card.inner_text()
    assert "Focused practice day, plans" in page.inner_text("main")

    # The list says which is which, and shows the days alone when asked.
    go(page, reverse("practiceweeks:weeks"))
    both = page.get_by_role("table", name="Practice weeks and focused practice days")
    assert "Focused practice day" in both.inner_text() and "Practice week" in both.inner_text()
    page.get_by_label("Show").select_option(label="Focused practice days only")
    page.get_by_role("button", name="Show").click()
    days = page.get_by_role("table", name="Focused practice days")
    assert "Focused practice day, plans" in days.inner_text()
    assert "Practice week, spring</a>" not in days.inner_html()
    assert_accessible(page)

    # Without JavaScript, at 320 px: the list's filter and the day's page.
    plain = page_without_javascript(
        browser,
        live_server,
        council["users"]["senior_leader"],
        viewport={"width": 320, "height": 800},
    )
    plain.goto(reverse("practiceweeks:weeks"))
    plain.get_by_label("Show").select_option(label="Focused practice days only")
    plain.get_by_role("button", name="Show").click()
    assert "kind=focused_day" in plain.url
    _fits_320(plain)
    plain.get_by_role("link", name="Focused practice day, plans").click()
    assert "Plans are reviewed in supervision each month" in plain.inner_text("main")
    _fits_320(plain)
    plain.context.close()
