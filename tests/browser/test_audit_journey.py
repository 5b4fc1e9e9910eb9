"""A case-file audit from start to finish in a real browser, with axe-core on every page:
the QA lead creates a programme and draws the sample; an auditor completes and submits an
audit beside the child's record; the practitioner responds; the QA lead moderates it blind,
records the agreed grade, and reads the report."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.audits import services as audit_services
from lineofsight.audits.models import Audit, Moderation
from lineofsight.audits.tests import casefile_extract

from .conftest import assert_accessible, fill_in, go, open_link, press, sign_in_with_the_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def casework(settings, tmp_path, council):
    settings.VAR_DIR = tmp_path / "var"
    settings.SNAPSHOT_DIR = settings.VAR_DIR / "snapshots"
    audit_services.audit_tools_load()
    return casefile_extract.import_snapshot(tmp_path / "extract", per_team=6)


def test_an_audit_from_allocation_to_moderation(page, sign_in_as, council, casework):
    # The QA lead creates a programme and draws the sample.
    sign_in_as("qa_lead")
    go(page, reverse("audits:programmes"))
    open_link(page, "Create a programme")
    fill_in(
        page,
        {
            "Name of the programme": "Golden threads, summer",
            "Start date": "2026-06-01",
            "End date": "2026-08-31",
        },
    )
    page.get_by_label("Audit tool").select_option(label="Golden threads (version 1)")
    for cohort in ("Child in need", "Child protection", "Looked after", "Care leaver"):
        page.get_by_role("group", name="Cohorts to sample").get_by_label(cohort).check()
    page.get_by_label("A number of files per team").check()
    page.get_by_label("Files per team", exact=True).fill("1")
    page.get_by_role("button", name="Create the programme").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Golden threads, summer"
    assert_accessible(page)
    open_link(page, "Draw the sample")
    page.get_by_label("Seed (optional)").fill("2026")
    page.get_by_role("button", name="Draw the sample and allocate auditors").click()
    assert "4 files drawn and allocated" in page.inner_text("main")
    assert "2026" in page.inner_text("main")
    assert_accessible(page)

    # Each file went to someone outside its team; the East team manager has West's, say.
    tm = council["users"]["team_manager"]
    audit = Audit.objects.filter(auditor=tm).order_by("pk").first()
    assert audit is not None and audit.team != council["teams"]["east"]
    # The practitioner holds this child's case in the case system.
    practitioner = council["users"]["practitioner"]
    practitioner.professional_id = audit.worker_id
    practitioner.save(update_fields=["professional_id"])

    # The auditor does the audit beside the child's record.
    sign_in_as("team_manager")
    go(page, reverse("audits:my_audits"))
    open_link(page, audit.reference)
    page.get_by_role("link", name="Start the audit").click()
    assert "The child's record" in page.inner_text("aside")
    assert "as at 28/06/2024" in page.inner_text("aside")
    assert_accessible(page)
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    for radio in page.locator("input[type=radio][name^=s][value='4']").all():
        radio.check()
    page.locator("input[name=overall_grade][value='4']").check()
    page.get_by_label("Why this overall grade").fill("Every thread is strong and connected.")
    page.locator("input[name=impact][value=positive]").check()
    page.get_by_label("What the impact on the child is, and how you know").fill(
        "Seen alone regularly; the plan is working."
    )
    press(page, "Save and continue later", says="Your work on the audit has been saved")
    press(page, "Save and submit", says="submitted and is now locked")
    open_link(page, "Raise an action")
    page.get_by_label("Issue identified").fill("The genogram is two years old.")
    page.get_by_label("Action to be taken").fill("Update the genogram with the family.")
    page.get_by_label("Medium").check()
    page.get_by_label("Who will complete it").select_option(
        label="Practitioner Person (Practitioner, the child's allocated worker)"
    )
    page.get_by_label("Proposed date for completion").fill("2030-01-31")
    press(page, "Raise the action", says="Update the genogram")

    # The practitioner is invited, responds, and sees the action they own.
    sign_in_as("practitioner")
    go(page, reverse("audits:my_audits"))
    page.get_by_role("link", name=re.compile(f"{audit.reference}: child")).first.click()
    assert_accessible(page)
    page.get_by_label("I agree with some of the findings").check()
    page.get_by_label("Your comments").fill("The genogram was updated last week.")
    page.get_by_label("What you will do").fill("Share it with the family.")
    press(page, "Send your response", says="Share it with the family.")
    page.goto(reverse("actions:mine"))
    assert "Update the genogram" in page.inner_text("main")
    assert_accessible(page)
    open_link(page, re.compile("Update the genogram"))

    # The QA lead moderates: the Outstanding audit is always chosen, and graded blind.
    sign_in_as("qa_lead")
    go(page, reverse("audits:programme_moderation", args=[audit.programme_id]))
    page.get_by_label("Moderation rate (percent of submitted audits)").fill("10")
    page.get_by_role("button", name="Save the rate").click()
    press(page, "Choose audits to moderate", says="1 of 1 submitted audits chosen")
    moderation = Moderation.objects.get(audit=audit)
    page.get_by_role("link", name=audit.reference).click()
    assert "grading blind" in page.inner_text("main")
    assert "Outstanding</strong>" not in page.content()
    assert_accessible(page)
    for radio in page.locator("input[type=radio][name^='grade-s'][value='3']").all():
        radio.check()
    page.locator("input[name='grade-grade'][value='3']").check()
    page.get_by_label("Why this grade").fill("Strong, but the impact is not yet sustained.")
    press(page, "Submit your grade", says="Grades compared")
    page.locator("input[name='agree-grade'][value='3']").check()
    page.get_by_label("Why this grade was agreed").fill("Agreed Good after discussion.")
    press(page, "Record the agreed grade", says="Agreed Good after discussion.")
    moderation.refresh_from_db()
    audit.refresh_from_db()
    assert audit.final_grade == 3 and moderation.agreed_by == council["users"]["qa_lead"]

    page.goto(reverse("audits:programme_report", args=[audit.programme_id]))
    assert "Moderation" in page.inner_text("main")
    assert_accessible(page)
    go(page, reverse("audits:agreement"))
    page.goto(reverse("audits:audit_detail", args=[audit.pk]))
    assert "agreed at moderation: Good" in page.inner_text("main")
    assert_accessible(page)


def test_the_audit_form_works_without_javascript(browser, live_server, council, casework):
    from lineofsight.audits.tests import factories

    programme = factories.programme(council["users"]["qa_lead"])
    audit = factories.audit(
        programme, person_id="W001", team=council["teams"]["west"],
        auditor=council["users"]["team_manager"],
    )  # fmt: skip
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("accounts:sign_in"))
    sign_in_with_the_form(page, "team_manager")
    page.goto(reverse("audits:audit_edit", args=[audit.pk]))
    assert "Child1 TeamW" in page.inner_text("aside")  # the child's record beside the form
    page.locator("input[type=radio][value=no]").first.check()
    page.locator("textarea[name^=e]").first.fill("No assessment since the move.")
    page.get_by_role("button", name="Save and continue later").click()
    assert "Your work on the audit has been saved" in page.inner_text("main")
    assert page.locator("input[type=radio][value=no]").first.is_checked()
    page.get_by_role("button", name="Save and submit").click()
    assert "cannot be submitted yet" in page.inner_text("main")
    assert "Answer the question" in page.inner_text(".govuk-error-summary")
    context.close()
