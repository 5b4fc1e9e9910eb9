"""Line of sight on the framework's standards, in Chromium with axe-core: a service manager opens
the list of standards, opens one, changes the period with JavaScript off, and follows a link to
the evidence behind a figure; every page is accessible and reflows at 320 CSS pixels (WCAG 2.2,
1.4.10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.standards.tests.factories import STANDARD, voice_audit
from lineofsight.themes.tests import evidence

from .conftest import assert_accessible, page_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Children are seen and heard"


def assert_reflows(page) -> None:
    """At 320 CSS pixels nothing makes the page scroll sideways, and it is still accessible."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _evidence(council) -> None:
    """This period: 9 of 11 answers "yes" (East and West, both in the manager's service), one
    "no" in East's audit E2; 400 days ago, 6 of 8. Feedback from a child to East."""
    voice_audit(council, "E1", "east", ("yes", "yes", "partly", "not_applicable"))
    voice_audit(council, "E2", "east", ("yes", "yes", "yes", "no"))
    voice_audit(council, "W3", "west", ("yes", "yes", "yes", "yes"))
    voice_audit(council, "E4", "east", ("yes", "yes", "yes", "yes"), days_ago=400)
    voice_audit(council, "W5", "west", ("yes", "yes", "no", "no"), days_ago=400)
    evidence.feedback(council, team="east", by="qa_lead")


def test_service_manager_follows_a_standard_to_its_evidence(
    page, sign_in_as, council, browser, live_server
):
    _evidence(council)
    sign_in_as("service_manager")

    # The list of standards: a headline for each.
    page.goto(reverse("standards:index"))
    assert_accessible(page)
    row = page.get_by_role("row", name=TITLE, exact=False)
    assert "82%" in row.inner_text() and "75%" in row.inner_text()
    assert_reflows(page)

    # One standard: this period beside the one before, with the interval.
    page.get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    main = page.inner_text("main")
    assert "52% to 95%" in main and "41% to 93%" in main
    assert_accessible(page)
    assert_reflows(page)

    # With JavaScript off, the period is changed by the form: the last 6 months, beside the 6
    # before them (no audit was submitted then).
    plain = page_without_javascript(
        browser,
        live_server,
        council["users"]["service_manager"],
        viewport={"width": 320, "height": 800},
    )
    try:
        plain.goto(reverse("standards:detail", kwargs={"key": STANDARD}))
        plain.get_by_label("Period", exact=True).select_option(label="The last 6 months to today")
        plain.get_by_role("button", name="Show this period").click()
        assert "period=6m" in plain.url
        side = plain.get_by_role("row", name="Audit answers that meet the standard", exact=False)
        cells = side.locator("td").all_inner_texts()
        assert cells[0].startswith("82%") and cells[1] == "No data"
        assert plain.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        plain.context.close()

    # Follow the "no" answer to the audit behind it: the audit's own (scoped) page.
    page.goto(reverse("standards:detail", kwargs={"key": STANDARD}) + "?period=6m")
    audits = page.get_by_role(
        "region", name="Answers to the standard's audit questions", exact=False
    )
    audits.get_by_role("link").first.click()
    assert "/audits/" in page.url
    assert_accessible(page)

    # And the standard's practice theme: every source about it.
    page.goto(reverse("standards:detail", kwargs={"key": STANDARD}))
    page.locator("#themes ~ ul").get_by_role("link", name="The voice of the child").click()
    assert page.url.endswith(reverse("themes:detail", kwargs={"key": "voice-of-the-child"}))
    assert_accessible(page)


def test_evaluating_the_framework_is_accessible_at_320_pixels(page, sign_in_as, council):
    sign_in_as("service_manager")
    page.goto(reverse("standards:evaluation"))
    assert page.get_by_role("heading", level=1).inner_text() == "Evaluating the framework"
    assert "No data yet:" in page.inner_text("main")
    assert_accessible(page)
    assert_reflows(page)
