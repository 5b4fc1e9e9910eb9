"""An analyst's journey in a real browser: an upload the quality gate stops waits as "ready to
review"; the analyst reads what changed, publishes it, then discards a second one. axe-core on
every page on the way."""

from __future__ import annotations

import zipfile

import pytest
from django.urls import reverse

from lineofsight.casework.models import Snapshot
from lineofsight.intake import services
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.intake.tests import extract

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_reflows(page) -> None:
    """Nothing in the page is wider than a 320 px screen (WCAG 1.4.10)."""
    page.set_viewport_size({"width": 320, "height": 900})
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('main table'))"
        ".filter(t => t.getBoundingClientRect().right > 321)"
        ".map(t => t.querySelector('caption') ? t.querySelector('caption').innerText : 'table')"
    )
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert scroll <= client, f"{page.url} is {scroll} px wide at 320 px: {wide}"


def _halved_zip(tmp_path, name: str):
    tables = extract.valid()
    tables["ssd_contacts"] = tables["ssd_contacts"][:1]
    folder = extract.write(tmp_path / name, tables)
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for csv in sorted(folder.glob("*.csv")):
            archive.write(csv, csv.name)
    return path


def _upload(page, path) -> ImportRun:
    page.goto(reverse("intake:imports"))
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/imports/*/")
    return ImportRun.objects.order_by("-pk").first()


def test_review_then_publish_and_discard(page, sign_in_as, council, settings, tmp_path):
    settings.INTAKE_IMPORTS_INLINE = True
    baseline = services.ssd_extract_import(directory=extract.write(tmp_path / "first")).snapshot
    sign_in_as("analyst")

    run = _upload(page, _halved_zip(tmp_path, "halved"))

    assert run.status == RunStatus.REVIEW
    main = page.inner_text("main")
    assert "Ready to review" in main
    assert "ssd_contacts: 2 rows to 1 rows, -1 rows (-50%)" in main
    assert Snapshot.objects.get(is_current=True) == baseline
    assert_accessible(page)
    assert_reflows(page)

    # The Imports page points to it; other users still see the baseline.
    page.goto(reverse("intake:imports"))
    assert f"Review import {run.pk}" in page.inner_text("main")
    assert_accessible(page)
    assert_reflows(page)
    page.get_by_role("link", name=f"Review import {run.pk}").click()

    page.get_by_role("button", name=f"Publish import {run.pk}").click()
    page.wait_for_url(f"**/imports/{run.pk}/")
    assert f"Import {run.pk} is published" in page.inner_text("main")
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert Snapshot.objects.get(is_current=True) == run.snapshot
    assert_accessible(page)

    # A second upload, compared with the one just published, lacks a whole table: discard it.
    tables = extract.valid()
    tables["ssd_contacts"] = tables["ssd_contacts"][:1]
    del tables["ssd_missing"]
    folder = extract.write(tmp_path / "again", tables)
    again_zip = tmp_path / "again.zip"
    with zipfile.ZipFile(again_zip, "w") as archive:
        for csv in sorted(folder.glob("*.csv")):
            archive.write(csv, csv.name)
    second = _upload(page, again_zip)
    assert second.status == RunStatus.REVIEW, second.failure_message
    page.get_by_role("button", name=f"Discard import {second.pk}").click()
    page.wait_for_url(f"**/imports/{second.pk}/")
    assert f"Import {second.pk} is discarded" in page.inner_text("main")
    assert Snapshot.objects.get(is_current=True) == run.snapshot
    assert_accessible(page)

    # The snapshot list: source, as-at date, rows, warnings, who published it and when.
    page.goto(reverse("intake:snapshots"))
    row = page.locator(f"#snapshot-{run.snapshot_id}").inner_text()
    assert council["users"]["analyst"].full_name in row
    assert "halved.zip" in row
    assert "Discarded" in page.locator(f"#snapshot-{second.snapshot_id}").inner_text()
    assert_accessible(page)
    assert_reflows(page)
