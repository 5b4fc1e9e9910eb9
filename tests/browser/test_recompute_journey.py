"""An administrator's journey in a real browser: change a timescale, start a recompute from the
Timescales page, follow its progress and read its outcome. axe-core and a 320 px reflow check on
every page on the way. The progress page never refreshes itself: its script looks again and shows
the outcome, and stops when asked (tests/browser/test_waiting_pages.py: without JavaScript)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.casework.models import Snapshot
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.intake.tests import extract
from lineofsight.timeliness import recompute

from .conftest import assert_accessible, press
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_recomputes_from_the_timescales_page(
    page, sign_in_as, council, settings, tmp_path
):
    settings.INTAKE_IMPORTS_INLINE = True
    first = intake_services.ssd_extract_import(directory=extract.write(tmp_path / "x")).snapshot
    sign_in_as("administrator")

    # Change a local timescale: the page says how to make it count now.
    page.goto(reverse("timeliness:rule_edit", args=["cp_visit"]))
    assert_accessible(page)
    page.locator("#id_value").fill("15")
    press(
        page, "Save", says="recompute the case data from the Timescales page", url="**/timescales/"
    )
    assert_reflows(page)

    # A recompute already running shows its progress, with JavaScript looking again by itself.
    running = recompute.run_create(source=first, actor=None)
    page.goto(reverse("timeliness:recompute_detail", args=[running.pk]))
    assert "0% done" in page.get_by_role("status").inner_text()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert "This page checks progress every 5 seconds" in page.inner_text("main")
    assert_accessible(page)
    assert_reflows(page)
    # The person may stop it looking; "Check progress" loads the page again, looking again.
    page.get_by_role("button", name="Stop checking").click()
    assert "This page has stopped checking." in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Stop checking").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Check progress").click()
    page.get_by_role("button", name="Stop checking").wait_for()
    # Once it has finished, the page shows the outcome without being reloaded by hand.
    intake_services.import_run_finish(run=running, status=RunStatus.FAILED, failure_message="x")
    page.get_by_text("Recomputing failed: nothing was changed").wait_for()
    assert_accessible(page)

    page.goto(reverse("timeliness:rules"))
    page.get_by_role("button", name="Recompute the case data").click()
    page.wait_for_url("**/timescales/recompute/*/")
    main = page.inner_text("main")
    assert "The case data is recomputed" in main
    assert_accessible(page)
    assert_reflows(page)
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == RunStatus.SUCCEEDED
    assert Snapshot.objects.get(is_current=True).pk == run.snapshot_id != first.pk

    page.get_by_role("link", name="Back to timescales").click()
    assert "Recent recomputes" in page.inner_text("main")
    assert_accessible(page)
