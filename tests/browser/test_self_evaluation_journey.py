"""The yearly self-evaluation in a real browser: a quality assurance lead starts it from the
committee reports page and rewrites one area's answer, a senior leader signs it off (after which
the area is read-only), and the Word document is downloaded; axe-core on every page on the way,
a 320 px reflow check on the area page, and the area page works without JavaScript."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from lineofsight.reports.models import CommitteeExport, SelfEvaluation
from lineofsight.reports.views import DOCX_TYPE
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import assert_accessible, go, open_link, page_without_javascript, press
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qa_lead_writes_and_a_senior_leader_signs_off_a_self_evaluation(
    page, sign_in_as, council, browser, live_server, settings
):
    settings.INTAKE_IMPORTS_INLINE = True  # the worker's part done at once
    east_snapshot()
    sign_in_as("qa_lead")

    go(page, reverse("reports:committee"))
    open_link(page, "The council's yearly self-evaluation")
    assert page.get_by_role("heading", level=1).inner_text() == "Self-evaluation"
    page.get_by_role("button", name="Start a self-evaluation").click()
    page.wait_for_url("**/reports/self-evaluation/new/")
    assert_accessible(page)
    page.get_by_label("Title").fill("Self-evaluation 2023 to 2024")
    page.get_by_label("Year the self-evaluation covers").select_option("2024-03-31")
    press(
        page,
        "Start the self-evaluation",
        says="Self-evaluation started",
        url="**/reports/self-evaluation/*/",
    )
    main = page.inner_text("main")
    assert "Produced from the case data as at 28 June 2024" in main
    assert "snapshot" not in main.lower()
    assert_reflows(page)
    item = SelfEvaluation.objects.get()

    open_link(page, "Write the answers on care leavers")
    assert_reflows(page)
    page.get_by_label("What do we know about the quality and impact of practice?").fill(
        "Most care leavers stay in touch with us."
    )
    press(page, "Save the answers", says="have been saved", url="**/reports/self-evaluation/*/")
    assert "Most care leavers stay in touch with us." in page.inner_text("main")

    # The same page works without JavaScript, as a senior leader would see it.
    no_js = page_without_javascript(browser, live_server, council["users"]["senior_leader"])
    no_js.goto(reverse("reports:selfevaluation_detail", kwargs={"pk": item.pk}))
    assert no_js.get_by_role("button", name="Sign off version 1").is_visible()
    no_js.context.close()

    sign_in_as("senior_leader")
    go(page, reverse("reports:selfevaluation_detail", kwargs={"pk": item.pk}))
    press(page, "Sign off version 1", says="is signed off", url="**/reports/self-evaluation/*/")
    item.refresh_from_db()
    assert item.is_signed_off and item.signed_off_by == council["users"]["senior_leader"]

    open_link(page, "Read the answers and evidence on care leavers")
    assert "This version is signed off" in page.inner_text("main")
    assert page.locator("textarea").count() == 0

    # Ask for the Word document with the page's own button; the worker prepares it, then its
    # page offers it. Download it with the browser's own session.
    go(page, reverse("reports:selfevaluation_detail", kwargs={"pk": item.pk}))
    press(
        page,
        "Download the self-evaluation as Word (DOCX)",
        says="Your download is ready",
        url="**/reports/committee/download/*/",
    )
    export = CommitteeExport.objects.get(self_evaluation=item)
    response = page.request.get(reverse("reports:committee_export_file", kwargs={"pk": export.pk}))
    assert response.status == 200
    assert response.headers["content-type"] == DOCX_TYPE
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.body())).paragraphs)
    assert "Most care leavers stay in touch with us." in text
    assert f"signed off by {council['users']['senior_leader'].full_name}" in text
