"""A text box says how much it takes, in a real browser: with JavaScript, GOV.UK's character count
keeps the count as the person types; too much text is refused with an accessible error that keeps
what was typed. axe-core runs on the form and on the error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.feedback.models import Feedback

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_text_box_counts_and_refuses_too_much(page, sign_in_as, council):
    sign_in_as("team_manager")
    page.goto(reverse("feedback:create"))
    assert_accessible(page)
    box = page.get_by_label("What they said")
    box.fill("Pasted from Word")
    # The character count has replaced the static hint with a live count.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.govuk-character-count__status')]"
        ".some(e => /characters remaining/.test(e.textContent))"
    )
    box.fill("x" * 4001)
    page.get_by_label("Compliment", exact=True).check()
    page.get_by_label("Carer (including foster carer)").check()
    page.get_by_label("How did it reach us?").select_option(label="Phone")
    page.get_by_label("Team", exact=True).select_option(label="East")
    page.get_by_role("button", name="Record the feedback").click()
    assert "What they said must be 4,000 characters or fewer" in page.inner_text(
        ".govuk-error-summary"
    )
    assert len(page.get_by_label("What they said").input_value()) == 4001  # kept as typed
    assert_accessible(page)
    assert not Feedback.objects.exists()
