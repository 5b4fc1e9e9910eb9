"""A QA lead's journey in a real browser: start a draft of the framework for practice, add a
practice standard with what tests it, publish the draft with a note; then a practitioner reads
the new standard on a 320 px wide screen with JavaScript off. axe-core and a 320 px reflow check
on every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.framework.selectors import framework_in_force

from .conftest import assert_accessible, page_without_javascript
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Children are helped early"


def _checked(page) -> None:
    assert_accessible(page)
    assert_reflows(page)


def test_qa_lead_publishes_a_standard_and_a_practitioner_reads_it(
    page, browser, live_server, sign_in_as, council
):
    sign_in_as("qa_lead")
    page.goto(reverse("framework:home"))
    assert "This is an example framework" in page.inner_text("main")
    _checked(page)
    page.get_by_role("link", name="Change the framework").click()
    _checked(page)
    page.get_by_role("button", name="Start a draft").click()
    page.wait_for_url("**/framework/draft/")
    assert "Draft version 1" in page.inner_text("main")
    _checked(page)

    # Every page of the draft passes axe and reflows, before anything is changed.
    for url in (
        reverse("framework:header"),
        reverse("framework:item_edit", args=["standards", "assessment"]),
        reverse("framework:item_remove", args=["values", "respect"]),
        reverse("framework:discard"),
        reverse("framework:version", args=[1]),
        reverse("framework:versions"),
        reverse("framework:standard", args=["assessment"]),
    ):
        page.goto(url)
        _checked(page)

    page.goto(reverse("framework:draft"))
    page.get_by_role("link", name="Add a practice standard").click()
    _checked(page)
    page.get_by_role("button", name="Save the practice standard").click()
    assert "Enter a title" in page.inner_text(".govuk-error-summary")
    _checked(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("Help comes before problems grow.")
    page.get_by_label("What good looks like").fill("Help within a week.\nThe family chose it.")
    page.get_by_label("Good plans", exact=True).check()
    page.get_by_label("We start from what is working").check()
    page.get_by_label("Re-referrals within 12 months").check()
    page.get_by_label("Audit questions").fill("assessment")
    page.get_by_role("button", name="Save the practice standard").click()
    page.wait_for_url("**/framework/draft/#standards")
    assert f"The practice standard “{TITLE}” is saved" in page.inner_text("main")
    _checked(page)

    page.get_by_role("link", name="Publish this version").click()
    _checked(page)
    page.get_by_role("button", name="Publish version 1").click()
    assert "Say what changed in this version" in page.inner_text(".govuk-error-summary")
    _checked(page)
    page.get_by_label("What changed in this version").fill("A standard on early help.")
    page.get_by_role("button", name="Publish version 1").click()
    page.wait_for_url("**/framework/")
    assert "Version 1 is published and now in force" in page.inner_text("main")
    _checked(page)
    in_force = framework_in_force()
    assert in_force.number == 1
    assert in_force.framework.find("standards", "children-are-helped-early") is not None

    reader = page_without_javascript(
        browser,
        live_server,
        council["users"]["practitioner"],
        viewport={"width": 320, "height": 800},
    )
    try:
        reader.goto(reverse("framework:home"))
        assert "Version 1, in force since" in reader.inner_text("main")
        reader.get_by_role("link", name=TITLE).click()
        main = reader.inner_text("main")
        assert "Help within a week." in main
        assert "Re-referrals within 12 months" in main
        width = reader.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{reader.url} is {width} px wide at 320 px"
    finally:
        reader.context.close()
    page.goto(reverse("framework:standard", args=["children-are-helped-early"]))
    _checked(page)
