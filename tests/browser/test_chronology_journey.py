"""The child's chronology and the auditor's side panel in a real browser: codes read as words,
newest or oldest first, the way back to the list, and the child's case notes beside the audit's
questions; axe-core on every page, and each page reflows in a 320 CSS pixel wide window."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.audits.tests import factories
from lineofsight.worklists.tests.snapshots import AS_AT, build_snapshot, east_derived, east_tables

from .conftest import assert_accessible, page_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_320(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px"


def _snapshot_with_notes():
    tables = east_tables()
    start = datetime.date(2024, 3, 1)
    tables["case_notes"] = [
        {
            "note_id": f"N{i:03d}",
            "note_person_id": "E1",
            "note_date": (start + datetime.timedelta(days=i)).isoformat(),
            "note_author_id": "P-2",
            "note_type": "Child protection visit",
            "note_text": f"Visit {i}: Amy showed me her room and said school was going well.",
        }
        for i in range(14)
    ]
    tables["ssd_cin_episodes"][0].update(
        {"cine_close_date": "2024-05-01", "cine_close_reason": "RC8"}
    )
    return build_snapshot(tables=tables, derived=east_derived(), as_at=AS_AT)


def _audit_of_e1(council):
    """The team manager's audit of E1, whose case notes fill the side panel."""
    _snapshot_with_notes()
    programme = factories.programme(council["users"]["qa_lead"])
    return factories.audit(
        programme,
        person_id="E1",
        team=council["teams"]["east"],
        auditor=council["users"]["team_manager"],
    )


def test_chronology_in_words_newest_first_and_back_to_the_worklist(page, sign_in_as, council):
    _snapshot_with_notes()
    sign_in_as("team_manager")
    team = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    page.goto(team)
    page.get_by_role("link", name="Chronology of child E1").click()
    page.wait_for_url("**/children/E1/")
    main = page.inner_text("main")
    assert "Reason for closure: Case closed after assessment, no further action" in main
    assert "Category of need: Abuse or neglect" in main
    assert "newest first" in page.locator("caption").inner_text()
    dates = page.locator("tbody time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True)
    # Case notes below the events, newest first.
    notes = page.locator("#case-notes ~ .govuk-summary-card")
    assert "Visit 13" in notes.first.inner_text()
    assert_accessible(page)

    # Oldest first, and the way back still leads to the worklist.
    page.get_by_role("link", name="Oldest first").click()
    page.wait_for_url("**order=oldest**")
    dates = page.locator("tbody time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates)
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_url(f"**{team}")

    page.set_viewport_size({"width": 320, "height": 800})
    for params in ("", "?order=oldest"):
        page.goto(reverse("children:chronology", args=["E1"]) + params)
        _fits_320(page)


def test_the_auditor_reads_case_notes_beside_the_questions(page, sign_in_as, council):
    audit = _audit_of_e1(council)
    edit = reverse("audits:audit_edit", args=[audit.pk])
    sign_in_as("team_manager")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(edit)
    panel = page.locator("aside.los-audit-context")
    assert "The latest 10 of 14 case notes" in panel.inner_text()
    assert "Visit 13" in panel.inner_text() and "Visit 3:" not in panel.inner_text()
    # Beside the questions on a wide screen.
    form, side = page.locator("#audit-form").bounding_box(), panel.bounding_box()
    assert side["x"] >= form["x"] + form["width"]
    assert_accessible(page)
    assert AccessLogEntry.objects.filter(person_id="E1", purpose="audit", path=edit).exists()

    # The link to every note opens the chronology at its case notes.
    with page.context.expect_page() as opened:
        panel.get_by_role("link", name="Every case note and event").click()
    chronology = opened.value
    chronology.wait_for_load_state()
    assert "Visit 0:" in chronology.inner_text("main")  # all 14 fit on the first page
    chronology.close()

    # At 320 pixels the panel stacks below the questions, and nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(edit)
    form, side = page.locator("#audit-form").bounding_box(), panel.bounding_box()
    assert side["y"] >= form["y"] + form["height"]
    _fits_320(page)
    assert_accessible(page)


def test_the_side_panel_works_without_javascript(browser, live_server, council):
    audit = _audit_of_e1(council)
    page = page_without_javascript(
        browser, live_server, audit.auditor, viewport={"width": 320, "height": 800}
    )
    page.goto(reverse("audits:audit_edit", args=[audit.pk]))
    assert "Visit 13" in page.inner_text("aside")
    _fits_320(page)
    page.goto(reverse("children:chronology", args=["E1"]) + "?order=oldest")
    assert "oldest first" in page.locator("caption").inner_text()
    _fits_320(page)
    page.context.close()
