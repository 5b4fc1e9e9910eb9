"""The staff health check in a real browser: a quality assurance lead opens a survey of the East
team and sends the links; five members of staff answer through their own links, signed out (one
on a 320 px wide phone, one without JavaScript); a used link no longer works; the lead closes the
survey and reads the results, which show the team's figures and nobody's own answers. axe-core
runs on every page on the way."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lineofsight.feedback.models import HealthCheckAnswer
from lineofsight.feedback.tests.healthcheck_support import add_staff

from .conftest import assert_accessible, go, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/feedback/health-check/answer/[A-Za-z0-9_-]+/")
# What each of the five answers to every statement: the council's score is the mean,
# (100 + 75 + 75 + 50 + 25) / 5 = 65, moderate, for every standard.
ANSWERS = ["Strongly agree", "Agree", "Agree", "Neither agree nor disagree", "Disagree"]


def open_survey(page) -> None:
    go(page, reverse("feedback:healthcheck_list"))
    page.get_by_role("button", name="Open a survey").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Autumn staff health check")
    today = timezone.localdate()
    page.get_by_label("Opens on").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Closes on").fill((today + datetime.timedelta(days=14)).strftime("%d/%m/%Y"))
    page.get_by_label("East", exact=True).check()
    press(page, "Open the survey", says="Autumn staff health check")


def answer_everything(page, label: str) -> None:
    for radio in page.get_by_role("radio", name=label, exact=True).all():
        radio.check()


def test_health_check_journey(browser, live_server, page, sign_in_as, council):
    # East has the practitioner and the team manager; three more people join it.
    add_staff(council, "east", 3)
    sign_in_as("qa_lead")
    open_survey(page)
    press(page, "Send links to staff", says="Links sent: 5.")
    # The emails link to the service's address (SITE_URL); the test server has its own.
    links = ["/" + LINK.search(m.body).group(0).split("/", 3)[3] for m in mail.outbox]
    assert len(links) == 5 and len({m.to[0] for m in mail.outbox}) == 5

    # Five members of staff answer, signed out.
    page.context.clear_cookies()
    for n, (link, label) in enumerate(zip(links, ANSWERS, strict=True)):
        if n == 3:  # one on a phone, 320 px wide
            page.set_viewport_size({"width": 320, "height": 640})
        if n == 4:  # one without JavaScript
            context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
            person = context.new_page()
        else:
            person = page
        person.goto(link)
        assert person.get_by_role("heading", level=1).inner_text() == "Staff health check"
        if n in (0, 3):
            assert_accessible(person)
        if n == 3:
            assert person.evaluate("document.documentElement.scrollWidth") <= 320
        if n == 0:  # sending with nothing chosen says what is missing
            person.get_by_role("button", name="Send my answers").click()
            assert "Choose an answer for this statement" in person.inner_text(
                ".govuk-error-summary"
            )
            assert_accessible(person)
        answer_everything(person, label)
        person.get_by_role("button", name="Send my answers").click()
        person.wait_for_url("**/feedback/health-check/thank-you/")
        assert "Thank you" in person.inner_text("main")
        if n == 0:
            assert_accessible(person)
        if n == 4:
            context.close()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert HealthCheckAnswer.objects.count() == 5

    # A link works once.
    response = page.goto(links[0])
    assert response is not None and response.status == 404
    assert "already been used" in page.inner_text("main")
    assert_accessible(page)

    # The lead closes the survey and reads the results.
    sign_in_as("qa_lead")
    go(page, reverse("feedback:healthcheck_list"))
    page.get_by_role("link", name="Autumn staff health check").click()
    assert_accessible(page)
    press(page, "Close the survey now", says="The survey is closed")
    main = page.inner_text("main")
    assert "Whole council" in main and "5 people answered" in main
    assert "East" in main
    assert "Safe workloads and case allocation" in main
    assert page.locator("td", has_text=re.compile(r"^65$")).count() == 2 * 8
    assert "Moderate" in main
    for saved in HealthCheckAnswer.objects.all():
        assert str(saved.pk) not in page.content()
    assert page.get_by_role("link", name="Download the results (CSV)").count() == 1
    # The results reflow at 320 px: only a table's own region may scroll sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
