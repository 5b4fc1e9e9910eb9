"""A practice week from planning to report in a real browser, with axe-core on every page: the
quality assurance lead plans a week and a visit (with a family's consent); the assessor (the
service manager, who leads Safeguarding) records an observation of the Care Team, is warned
about a possible child's name, and submits; the QA lead tags themes, writes the reflection,
reads the analysis, raises an action from a theme and downloads the report."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.practiceweeks.models import Observation, PracticeWeek
from lineofsight.web.documents import docx_text

from .conftest import assert_accessible, fill_in, go, open_link, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_practice_week_from_plan_to_report(page, sign_in_as, council):
    # The week starts today, so the visit can be observed and submitted in the same journey (an
    # observation cannot be submitted before its visit's date).
    first = timezone.localdate()
    visit_day = first

    # The QA lead plans the week.
    sign_in_as("qa_lead")
    go(page, reverse("practiceweeks:weeks"))
    open_link(page, "Plan a practice week")
    fill_in(
        page,
        {
            "Title": "Practice week, spring",
            "First day": _uk(first),
            "Last day": _uk(first + datetime.timedelta(days=4)),
            "Purpose and focus": "To see practice with children at first hand.",
        },
    )
    page.get_by_role("group", name="Services in scope").get_by_label("Children in Care").check()
    page.get_by_role("button", name="Create the practice week").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Practice week, spring"
    assert_accessible(page)

    # ...and a visit: the service manager to the Care Team, observing a meeting with a carer.
    open_link(page, "Plan a visit")
    page.get_by_label("Assessor", exact=True).select_option(
        label="Service manager Person (Service manager, Safeguarding)"
    )
    page.get_by_label("Team to visit").select_option(label="Care Team (Children in Care)")
    page.get_by_label("Date of the visit").fill(_uk(visit_day))
    page.get_by_label("Time the visit starts").fill("23:59")  # consent comes before the visit
    fill_in(
        page,
        {
            "Local contact": "Duty senior, 01234 567890",
            "Size of the team": "9",
            "The team's context": "Children in care across the north.",
        },
    )
    page.get_by_label("The visit includes observing").check()
    page.get_by_label("What will be observed").fill("A review meeting with a foster carer")
    press(page, "Add the visit", says="has been added to the timetable")
    open_link(page, "Care Team")
    open_link(page, "Record the family's consent")
    page.get_by_label("Who gave consent").fill("The foster carer")
    page.get_by_label("Spoken, by phone").check()
    page.get_by_label("Date consent was given").fill(_uk(timezone.localdate()))
    page.get_by_label("Time consent was given").fill("00:00")
    press(page, "Record consent", says="consent has been recorded")

    # The assessor records the observation.
    sign_in_as("service_manager")
    go(page, reverse("practiceweeks:weeks"))
    page.get_by_role("table", name="Your visits as an assessor").get_by_role(
        "link", name="Care Team"
    ).click()
    assert_accessible(page)
    open_link(page, "Record your observation")
    page.locator("#id_leadership__strength").fill("Managers are visible\nSupervision is regular")
    page.locator("#id_leadership__area").fill("Caseloads are high")
    page.locator("#id_voice_of_child__strength").fill("Direct work shows each child's wishes")
    page.locator("#id_parent_carer__area").fill("Reports reach parents late")
    page.locator("#id_good_practice__strength").fill("Workers ring a child before a first visit")
    page.get_by_label("Case examples").fill("The worker helped Jayden back into college.")
    page.get_by_label("What children and young people said").fill("J said they feel listened to.")
    page.get_by_label("I observed a home visit").check()
    page.get_by_label("What you observed of the family meeting").fill("The carer led the review.")
    page.get_by_role("button", name="Save and check before submitting").click()
    assert "look like people's names" in page.inner_text("main")
    assert "Jayden" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("none of them is a child's name").check()
    page.get_by_role("button", name="Save and check before submitting").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check and submit your observation"
    assert_accessible(page)
    press(page, "Submit the observation", says="submitted and is now locked")
    observation = Observation.objects.get()
    week = PracticeWeek.objects.get()

    # The QA lead tags themes, writes the reflection, and produces the report.
    sign_in_as("qa_lead")
    go(page, reverse("practiceweeks:observation_detail", args=[observation.pk]))
    open_link(page, "Tag themes")
    caseloads = observation.findings.get(text="Caseloads are high")
    group = page.locator(f"#id_t{caseloads.pk}").locator("xpath=ancestor::details")
    group.locator("summary").click()
    group.get_by_label("Workforce and wellbeing").check()
    group.get_by_label("Other themes").fill("Caseload pressure")
    press(page, "Save the themes", says="The themes have been saved")

    go(page, reverse("practiceweeks:week_edit", args=[week.pk]))
    page.get_by_label("Reflection on the process").fill(
        "Assessors asked for the team's structure earlier."
    )
    page.get_by_role("button", name="Save the practice week").click()
    assert_accessible(page)
    page.get_by_role("link", name="Analysis").click()
    # One team visited: too few to say how widely, and the count reads "fewer than 5".
    assert "fewer than 5 of fewer than 5 teams: cannot be said" in page.inner_text("main")
    assert_accessible(page)
    # An action raised from a theme goes into the report's action plan (the actions app's form).
    page.get_by_role(
        "link", name="Raise an action about Workforce and wellbeing for Care Team"
    ).click()
    # (Fields by name: the labels belong to the actions app and may be reworded.)
    page.locator("#id_issue").fill("Caseloads in the Care Team are too high")
    page.locator("#id_action").fill("Review allocation across the service")
    page.locator("#id_risk_if_not_done").fill("Visits to children slip")
    page.locator("input[name=priority][value=high]").check()
    page.locator("#id_due_date").fill("2030-01-31")  # a date input
    page.locator("#id_owner").select_option(
        label="Quality assurance lead Person (Quality assurance lead)"
    )
    page.get_by_role("button", name="Raise the action").click()
    assert "has been raised" in page.inner_text("main")
    page.goto(reverse("practiceweeks:analysis", args=[week.pk]))
    page.get_by_role("link", name="Read and download the report").click()
    assert "Assessors asked for the team's structure earlier." in page.inner_text("main")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as a Word document (DOCX)").click()
    text = docx_text(Path(download.value.path()).read_bytes())
    for section in ("Purpose and process", "Reflection on the process", "Action plan"):
        assert section in text
    assert "Caseloads are high (Care Team)" in text
    assert "Review allocation across the service" in text
