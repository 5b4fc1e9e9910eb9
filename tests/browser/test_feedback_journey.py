"""Feedback in a real browser: a practitioner makes a one-time link; a child opens it signed out,
answers and sees only a thank-you; the link then no longer works; a manager records what we did.
axe-core runs on the public pages and the staff pages on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.feedback.models import Feedback

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WENT_WELL = "My social worker explains things so I understand"


def make_link(page) -> str:
    page.goto(reverse("feedback:link_create"))
    assert_accessible(page)
    page.get_by_label("Team").select_option(label="East")
    page.get_by_label("A child or young person").check()
    page.get_by_role("button", name="Create the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Feedback link created"
    assert "It works once, and stops working on" in page.inner_text("main")
    assert_accessible(page)
    return page.locator("#feedback-link").input_value()


def test_one_time_link_journey(page, sign_in_as, council):
    sign_in_as("practitioner")
    link = make_link(page)

    # The child opens it, not signed in.
    page.context.clear_cookies()
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us what you think"
    assert_accessible(page)
    page.get_by_label("Happy", exact=True).check()
    page.get_by_label("What went well?").fill(WENT_WELL)
    page.get_by_label("Yes, you can share what I wrote").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/feedback/thank-you/")
    assert "Thank you" in page.inner_text("main")
    assert WENT_WELL not in page.content()
    assert_accessible(page)

    # The link does not work twice.
    response = page.goto(link)
    assert response is not None and response.status == 404
    assert "already been used or has expired" in page.inner_text("main")
    assert_accessible(page)
    assert Feedback.objects.count() == 1

    # A manager reads it and records what we did.
    sign_in_as("team_manager")
    page.goto(reverse("feedback:list"))
    assert_accessible(page)
    item = Feedback.objects.get()
    page.get_by_role("link", name=item.reference).click()
    assert WENT_WELL in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Record what we did").click()
    assert_accessible(page)
    page.get_by_label("What we did").fill("We shared this with the whole team.")
    page.get_by_label("The voice of the child").check()
    page.get_by_role("button", name="Save the response").click()
    assert "The response has been saved" in page.inner_text("main")
    page.goto(reverse("feedback:you_said_we_did"))
    assert "We shared this with the whole team." in page.inner_text("main")
    assert_accessible(page)
    page.goto(reverse("themes:detail", kwargs={"key": "voice-of-the-child"}))
    assert "Feedback from children and families" in page.inner_text("main")
    assert_accessible(page)


def test_an_empty_answer_shows_an_accessible_error(page, sign_in_as, council):
    sign_in_as("practitioner")
    link = make_link(page)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="Send").click()
    assert "Choose how you feel, or write something" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)


def test_the_public_page_works_without_javascript(browser, live_server, page, sign_in_as, council):
    sign_in_as("practitioner")
    link = make_link(page)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    child = context.new_page()
    child.goto(link)
    child.get_by_label("Not happy", exact=True).check()
    child.get_by_label("What could be better?").fill("Tell me sooner when things change")
    child.get_by_role("button", name="Send").click()
    child.wait_for_url("**/feedback/thank-you/")
    assert "Thank you" in child.inner_text("main")
    context.close()
    assert Feedback.objects.get().rating == "not_happy"
