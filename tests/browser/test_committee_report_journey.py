"""A quality assurance lead's committee report in a real browser: start it, write its three
sections, count the records again, download it as Word; axe-core on every page on the way and
a 320 px reflow check on the report's page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from lineofsight.reports.models import CommitteeExport, CommitteeReport
from lineofsight.reports.views import DOCX_TYPE
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import assert_accessible, go, press
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qa_lead_writes_and_downloads_a_committee_report(page, sign_in_as, council, settings):
    settings.INTAKE_IMPORTS_INLINE = True  # the worker's part done at once
    east_snapshot()
    sign_in_as("qa_lead")

    go(page, reverse("reports:committee"))
    assert page.get_by_role("heading", level=1).inner_text() == "Committee reports"

    page.get_by_role("button", name="Start a new report").click()
    page.wait_for_url("**/reports/committee/new/")
    assert_accessible(page)
    page.get_by_label("Title").fill("Quality of practice for the committee")
    page.get_by_label("Year the report covers").select_option("2024-03-31")
    page.get_by_role("button", name="Start the report").click()
    page.wait_for_url("**/reports/committee/*/")
    assert "Report started" in page.inner_text("main")
    main = page.inner_text("main")
    assert "Produced from the case data as at 28 June 2024" in main
    assert "counted as they stood at" in main and "snapshot" not in main.lower()
    assert_accessible(page)
    assert_reflows(page)

    # Count the practice records again (the downloads then give the new figures).
    press(
        page,
        "Count audits, supervision and actions again now",
        says="are counted again as they stand at",
        url="**/reports/committee/*/",
    )

    page.get_by_label("What we know about the quality of practice").fill(
        "Most children are seen on time."
    )
    page.get_by_label("How we know").fill("Audits and the casework data.")
    page.get_by_label("What we will do next").fill("Review plans open nine months.")
    press(page, "Save the text", says="Your text has been saved", url="**/reports/committee/*/")
    item = CommitteeReport.objects.get()
    assert item.how_we_know == "Audits and the casework data." and item.version == 3

    # Ask for the Word document; the worker prepares it, then its page offers it. Download it
    # with the browser's own session.
    press(
        page,
        "Download the report as Word (DOCX)",
        says="Your download is ready",
        url="**/reports/committee/download/*/",
    )
    export = CommitteeExport.objects.get()
    response = page.request.get(reverse("reports:committee_export_file", kwargs={"pk": export.pk}))
    assert response.status == 200
    assert response.headers["content-type"] == DOCX_TYPE
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.body())).paragraphs)
    assert "Review plans open nine months." in text

    page.goto(reverse("reports:committee"))
    assert "Quality of practice for the committee" in page.inner_text("main")
    assert_accessible(page)
