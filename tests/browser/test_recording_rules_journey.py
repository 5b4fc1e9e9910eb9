"""A QA lead's journey in a real browser: change a term in the council's word list, switch a
noisy check off, then open a case note and dismiss one of its findings with a reason. axe-core
and a 320 px reflow check on every page on the way; no JavaScript is needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.recording.models import FindingDismissal
from lineofsight.recording.selectors.rules import rules_in_force
from lineofsight.recording.tests.test_rules_support import check_rows, notes_snapshot

from .conftest import assert_accessible
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page) -> None:
    assert_accessible(page)
    assert_reflows(page)


def test_qa_lead_tunes_the_rules_and_dismisses_a_finding(page, sign_in_as, council):
    notes_snapshot(check_rows({"discouraged": 40, "passive": 30}))
    sign_in_as("qa_lead")

    page.goto(reverse("recording:rules"))
    _checked(page)
    page.get_by_role("link", name="Change abscond").click()
    _checked(page)
    page.get_by_label("What to write instead").fill("went missing, or say what happened")
    page.get_by_role("button", name="Save the term").click()
    page.wait_for_url("**/recording/rules/")
    main = page.inner_text("main")
    assert "The term “abscond” is saved" in main
    assert "went missing, or say what happened" in main
    _checked(page)

    page.get_by_role("button", name="Switch off passive voice where who acted matters").click()
    page.wait_for_url("**/recording/rules/")
    assert "Passive voice where who acted matters: switched off" in page.inner_text("main")
    assert "Rule switched off: Passive voice where who acted matters" in page.inner_text("main")
    _checked(page)
    rules = rules_in_force()
    assert not rules.is_on("passive-voice")
    assert rules.terms[0].preferred == "went missing, or say what happened"

    page.goto(reverse("recording:note", args=["N-AMY"]))
    _checked(page)
    assert page.locator("mark").count() >= 2
    page.get_by_text("Dismiss finding 1").first.click()
    page.get_by_role("button", name="Dismiss finding 1").click()
    assert "Say why this finding does not apply" in page.inner_text(".govuk-error-summary")
    _checked(page)
    page.get_by_label("Why does finding 1 not apply?").fill("Amy used this word herself.")
    page.get_by_role("button", name="Dismiss finding 1").click()
    page.wait_for_url("**/recording/notes/N-AMY/")
    main = page.inner_text("main")
    assert "The finding is dismissed" in main and "Amy used this word herself." in main
    _checked(page)
    assert FindingDismissal.objects.get().dismissed_by == council["users"]["qa_lead"]
