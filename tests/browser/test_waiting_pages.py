"""A page that waits for work in the background (here an import) never refreshes itself. With
JavaScript it looks again by itself and shows the progress, then the result, without the person
reloading; without JavaScript its "Check progress" button does the same when the person chooses,
at 1280 and at 320 px wide. axe-core at 1280 and 320 px, and a 320 px reflow check, at each step
(axe needs JavaScript, so the page without the script is checked with that script blocked)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lineofsight.intake import services
from lineofsight.intake.models import Phase, RunStatus
from lineofsight.intake.tests import extract

from .conftest import assert_accessible, page_without_javascript
from .test_import_review_journey import assert_reflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The script looks again every 5 seconds: long enough for two looks.
LOOKS_MS = 15_000


def _accessible_at_1280_and_320(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 900})
    assert_accessible(page)
    assert_reflows(page)  # back at 1280 after


@pytest.fixture
def running_import(council, settings, tmp_path):
    """An import under way, run by the analyst, and the snapshot an earlier one made."""
    settings.INTAKE_IMPORTS_INLINE = True
    earlier = services.ssd_extract_import(directory=extract.write(tmp_path / "x")).snapshot
    run = services.import_run_create(
        source_kind="ssd", source_name="extract.zip", actor=council["users"]["analyst"]
    )
    return run, earlier


def test_with_javascript_a_running_import_shows_its_progress_then_its_result(
    page, sign_in_as, running_import
):
    run, earlier = running_import
    sign_in_as("analyst")
    page.goto(reverse("intake:import_detail", args=[run.pk]))
    status = page.get_by_role("status")
    assert "Waiting to start: 0% done." in status.inner_text()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    main = page.inner_text("main")
    assert "This page checks progress every 5 seconds" in main
    assert "The import carries on if you leave this page" in main
    assert page.get_by_role("button", name="Stop checking").is_visible()
    _accessible_at_1280_and_320(page)

    # The import moves on: the status says so, in the same page (nothing reloaded it).
    page.evaluate("window.stillTheSamePage = true")
    services.import_run_set_progress(run=run, phase=Phase.VALIDATE, progress=40)
    expect(status).to_contain_text("Checking the data: 40% done.", timeout=LOOKS_MS)
    assert page.evaluate("window.stillTheSamePage === true")
    _accessible_at_1280_and_320(page)

    # It finishes: the page shows the result by itself.
    services.import_run_finish(run=run, status=RunStatus.SUCCEEDED, snapshot=earlier)
    result = page.get_by_role("heading", name=f"Snapshot {earlier.pk} is ready")
    expect(result).to_be_visible(timeout=LOOKS_MS)
    assert page.get_by_role("button", name="Check progress").count() == 0
    assert page.get_by_role("button", name="Stop checking").count() == 0
    _accessible_at_1280_and_320(page)


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"


def _axe_as_without_script(page, url: str) -> None:
    """axe on the page as it is without the waiting script: axe needs JavaScript to run, so it
    runs in the signed-in browser with that one script blocked, at 1280 and at 320 px."""
    page.route("**/web/waiting.js", lambda route: route.abort())
    page.goto(url)
    assert "This page does not update by itself" in page.inner_text("main")
    _accessible_at_1280_and_320(page)
    page.unroute("**/web/waiting.js")


@pytest.mark.parametrize("width", [1280, 320])
def test_without_javascript_check_progress_shows_the_progress_then_the_result(
    browser, live_server, council, running_import, page, sign_in_as, width
):
    run, earlier = running_import
    url = reverse("intake:import_detail", args=[run.pk])
    sign_in_as("analyst")
    plain = page_without_javascript(
        browser, live_server, council["users"]["analyst"], viewport={"width": width, "height": 900}
    )
    try:
        plain.goto(url)
        assert plain.locator('meta[http-equiv="refresh"]').count() == 0
        assert "Waiting to start: 0% done." in plain.get_by_role("status").inner_text()
        assert "This page does not update by itself" in plain.inner_text("main")
        assert plain.get_by_role("button", name="Stop checking").count() == 0
        _axe_as_without_script(page, url)

        services.import_run_set_progress(run=run, phase=Phase.VALIDATE, progress=40)
        plain.get_by_role("button", name="Check progress").click()
        expect(plain.get_by_role("status")).to_contain_text("Checking the data: 40% done.")
        _axe_as_without_script(page, url)

        services.import_run_finish(run=run, status=RunStatus.SUCCEEDED, snapshot=earlier)
        plain.get_by_role("button", name="Check progress").click()
        heading = plain.get_by_role("heading", name=f"Snapshot {earlier.pk} is ready")
        expect(heading).to_be_visible()
        assert plain.get_by_role("button", name="Check progress").count() == 0
        _fits_320(plain)
    finally:
        plain.context.close()
    page.goto(url)
    _accessible_at_1280_and_320(page)
