"""Recording in a real browser: a practitioner checks a draft with a discouraged term and an
acronym and sees them highlighted, with JavaScript (checked as they type) and without (the form
is sent); a team manager opens the quality of recording in their team. axe-core on every page,
and each page reflows in a 320 CSS pixel wide window."""

from __future__ import annotations

import pytest

from lineofsight.recording.tests.pages_snapshot import check_row, recording_snapshot

from .conftest import assert_accessible, page_without_javascript

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CHECK = "/recording/check/"
DRAFT = (
    "I visited Maya at her placement. The LAC review is next week. "
    "Maya said she wants to stay because she feels safe with her carers."
)


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _marked(page) -> list[str]:
    return page.locator("[data-annotated] mark").evaluate_all("els => els.map(e => e.textContent)")


def _highlighted_words(page) -> str:
    return " ".join(_marked(page))


def test_a_practitioner_checks_a_draft_with_javascript(page, sign_in_as):
    sign_in_as("practitioner")
    page.goto(CHECK)
    assert "Nothing you type here is kept" in page.inner_text("main")
    assert_accessible(page)
    _fits_320(page)

    # Checked as they type: the results come without sending the form.
    page.get_by_label("Your text").fill(DRAFT)
    page.get_by_label("The child's first name (optional)").fill("Maya")
    page.wait_for_selector("[data-annotated] mark")
    assert page.url.endswith(CHECK)
    words = _highlighted_words(page)
    assert "placement" in words and "LAC" in words
    assert "Checked as you type" in page.inner_text("[data-check-status]")
    assert_accessible(page)

    # Sending the form gives the same results, and the text stays in the box.
    page.get_by_role("button", name="Check my writing").click()
    page.wait_for_load_state()
    assert "placement" in _highlighted_words(page)
    assert page.get_by_label("Your text").input_value() == DRAFT
    findings = page.locator(".los-finding")
    assert findings.count() >= 2
    # A number in the text leads to its finding in the list.
    page.locator("[data-annotated] sup a").first.click()
    assert page.url.endswith("#finding-1")
    assert "May be there" in page.inner_text(".los-markers")
    assert_accessible(page)
    _fits_320(page)


def test_a_practitioner_checks_a_draft_without_javascript(browser, live_server, council):
    page = page_without_javascript(browser, live_server, council["users"]["practitioner"])
    try:
        page.goto(CHECK)
        page.get_by_label("Your text").fill(DRAFT)
        page.get_by_role("button", name="Check my writing").click()
        page.wait_for_selector("[data-annotated] mark")
        words = _highlighted_words(page)
        assert "placement" in words and "LAC" in words
        assert page.get_by_label("Your text").input_value() == DRAFT
        _fits_320(page)
        # An empty box is a clear error on the field.
        page.get_by_label("Your text").fill("")
        page.get_by_role("button", name="Check my writing").click()
        assert "Enter or paste the text you want to check" in page.inner_text(
            ".govuk-error-summary"
        )
    finally:
        page.context.close()


def test_a_team_manager_opens_the_quality_of_recording_in_their_team(page, sign_in_as):
    rows = [
        check_row(f"E-{i}", "E1", f"2024-05-{i + 1:02d}", "P-1", voice=i < 6, discouraged=1)
        for i in range(8)
    ]
    rows += [check_row(f"W-{i}", "W1", f"2024-05-{i + 1:02d}", "P-9") for i in range(6)]
    recording_snapshot(rows)
    sign_in_as("team_manager")
    page.goto("/recording/quality/")
    main = page.inner_text("main")
    assert "East" in main and "West" not in main
    assert "75.0%" in main  # 6 of 8 notes with the child's voice
    assert "Practitioner Person" in main
    assert_accessible(page)
    _fits_320(page)
    page.get_by_label("Period ends on").fill("31/05/2024")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert "01/06/2023 to 31/05/2024" in page.inner_text("main")
    assert_accessible(page)
