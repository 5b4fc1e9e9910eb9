"""A safeguarding concern in a real browser, with axe-core on every page: the auditor raises it
from inside the audit form; the team manager sees it at once on their home page and in the list
of open concerns; the raiser cannot answer it; the team manager records the response."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.concerns.models import Concern
from lineofsight.concerns.tests.helpers import concern_council

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_concern_raised_from_an_audit_is_seen_and_answered(page, sign_in_as, council, mailoutbox):
    c = concern_council(council)
    audit = c["audit"]

    # The auditor (West's manager) is completing the audit of an East file.
    sign_in_as("west_manager")
    page.goto(reverse("audits:audit_edit", args=[audit.pk]))
    assert_accessible(page)
    page.get_by_role("link", name="Raise an immediate safeguarding concern").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Raise an immediate safeguarding concern"
    )
    assert c["users"]["team_manager"].full_name in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Raise the concern now").click()
    assert "Describe the safeguarding concern" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("What is the concern?").fill(
        "Bruising noted at the last visit, not followed up."
    )
    page.get_by_role("button", name="Raise the concern now").click()
    assert "The concern has been raised and sent" in page.inner_text("main")
    assert "You raised this concern" in page.inner_text("main")
    assert_accessible(page)
    concern = Concern.objects.get()
    assert {m.to[0] for m in mailoutbox} >= {
        c["users"]["team_manager"].email,
        c["users"]["qa_lead"].email,
        c["users"]["second_qa"].email,
    }

    # The East team manager sees it at once on their home page and in the list.
    sign_in_as("team_manager")
    page.goto("/")
    panel = page.get_by_role("region", name="Safeguarding concerns awaiting a response")
    assert f"Case-file audit {audit.reference}" in panel.inner_text()
    assert_accessible(page)
    panel.get_by_role("link", name="See every open concern and its deadline").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Safeguarding concerns"
    table = page.get_by_role("table", name="Open concerns (1)")
    assert "Team managers" in table.inner_text()
    assert_accessible(page)
    table.get_by_role("link", name=f"Case-file audit {audit.reference}").click()
    assert "E042" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("What has been done").fill("Child seen at school today; safety plan agreed.")
    page.get_by_role("button", name="Record the response").click()
    assert "Your response has been recorded and sent" in page.inner_text("main")
    assert "Responded" in page.inner_text("main")
    assert_accessible(page)

    concern.refresh_from_db()
    assert concern.responded_by == c["users"]["team_manager"]
    assert c["users"]["west_manager"].email in {m.to[0] for m in mailoutbox}

    # The pages reflow at 320 CSS pixels: nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    for url in (
        "/",
        reverse("concerns:list"),
        reverse("concerns:detail", args=[concern.pk]),
        raise_url := reverse("concerns:raise", args=["audit", audit.pk]),
    ):
        if url == raise_url:
            sign_in_as("west_manager")
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"
