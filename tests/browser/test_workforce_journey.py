"""The workforce pages in a real browser: a quality assurance lead enrols a newly qualified
social worker and records their 3-month review; adds a core course, a session and who attended;
then reads core training by team and the skills matrix. axe-core runs on every page on the way,
and the pages are read again at 320 px with JavaScript off."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.workforce.models import Attendance, Course, Enrolment, StageRecord
from lineofsight.workforce.tests import factories

from .conftest import assert_accessible, go, open_link, page_without_javascript, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_qa_lead_enrols_a_worker_and_records_learning(page, sign_in_as, council):
    today = datetime.date.today()
    newly = factories.worker(council["teams"]["east"], "Nia Newly")
    sign_in_as("qa_lead")

    # Early careers: enrol, then record the 3-month review.
    go(page, reverse("workforce:early_careers"))
    open_link(page, "Enrol a newly qualified social worker")
    page.get_by_label("Newly qualified social worker").select_option(
        label="Nia Newly (Practitioner)"
    )
    page.get_by_label("Team").select_option(label="East")
    page.get_by_label("Start date in the programme").fill(_date(today - datetime.timedelta(100)))
    page.get_by_label("Supervisor and assessor").select_option(
        label="Team manager Person (Team manager)"
    )
    press(page, "Enrol the worker", says="Nia Newly has been enrolled in the programme.")
    enrolment = Enrolment.objects.get(worker=newly)
    assert "Overdue" in page.inner_text("main")  # the 3-month review was due 10 days ago
    open_link(page, "3-month review")
    page.get_by_label("Date done").fill(_date(today))
    page.get_by_label("Note").fill("Settling in well; caseload kept small.")
    press(page, "Record the 3-month review", says="The 3-month review has been recorded.")
    assert StageRecord.objects.get(enrolment=enrolment).note.startswith("Settling in")

    # Learning and development: a core course, a session, and who attended.
    go(page, reverse("workforce:courses"))
    open_link(page, "Add a course")
    page.get_by_label("Title").fill("Signs of Safety foundations")
    page.get_by_label("Yes").check()
    page.get_by_label("The voice of the child").check()
    press(page, "Save the course", says="Signs of Safety foundations has been added.")
    open_link(page, "Add a session")
    page.get_by_label("Date of the session").fill(_date(today - datetime.timedelta(3)))
    press(page, "Add the session", says="The session has been added.")
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    page.get_by_label("Worker").select_option(label="Nia Newly (Practitioner)")
    page.get_by_label("Yes").check()
    press(page, "Record attendance", says="The attendance of Nia Newly has been recorded.")
    assert Attendance.objects.get(worker=newly).attended

    # Core training by team: East has 3 members, so its share is not shown.
    go(page, reverse("workforce:coverage"))
    main = page.inner_text("main")
    assert "Signs of Safety foundations" in main and "suppressed: fewer than 5" in main
    go(page, reverse("workforce:skills"))
    go(page, reverse("workforce:enrolment", args=[enrolment.pk]))
    assert Course.objects.get().core


def test_the_pages_work_without_javascript_at_320_px(browser, live_server, council):
    factories.enrolment(council, "east", name="Ella East")
    factories.session(council)
    no_js = page_without_javascript(
        browser,
        live_server,
        council["users"]["team_manager"],
        viewport={"width": 320, "height": 640},
    )
    try:
        for name, says in (
            ("workforce:early_careers", "Ella East"),
            ("workforce:coverage", "Signs of Safety foundations"),
            ("workforce:courses", "Signs of Safety foundations"),
            ("workforce:skills", "Practice leads"),
        ):
            no_js.goto(reverse(name))
            assert says in no_js.inner_text("main")
            width = no_js.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{name} is {width} px wide at 320 px"
    finally:
        no_js.context.close()
