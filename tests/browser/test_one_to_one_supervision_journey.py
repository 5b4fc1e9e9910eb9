"""One-to-one supervision in a real browser with axe-core on every page: the team manager
sees who is overdue, records a supervision, and sees the team's status change; the pages work
without JavaScript at 320 px."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.supervision.models import OneToOne

from .conftest import assert_accessible, go, open_link, page_without_javascript, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_manager_records_a_one_to_one_and_sees_the_teams_status(
    page, sign_in_as, council, browser, live_server
):
    east = council["teams"]["east"]
    worker = council["users"]["practitioner"]
    # The practitioner joined the team long ago and was never supervised: overdue.
    worker.memberships.filter(team=east).update(since=datetime.date(2024, 1, 1))
    sign_in_as("team_manager")

    # The home page says who is overdue.
    go(page, reverse("home:home"))
    panel = page.locator("section, div", has_text="One-to-one supervision overdue").last
    assert worker.full_name in panel.inner_text()

    team_url = reverse("supervision:one_to_one_team", kwargs={"team_id": east.pk})
    go(page, team_url)
    row = page.locator("tr", has_text=worker.full_name)
    assert "Never" in row.inner_text() and "Overdue" in row.inner_text()

    # A mistake first: the error summary must be accessible too.
    open_link(page, "Record a supervision")
    page.get_by_label("Date of the supervision").fill("")
    page.get_by_role("button", name="Record the supervision").click()
    assert "Enter the date of the supervision" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Worker supervised").select_option(label=f"{worker.full_name} (Practitioner)")
    page.get_by_label("Date of the supervision").fill(yesterday.strftime("%d/%m/%Y"))
    page.get_by_label("Cases discussed (optional)").fill("E1\nE2")
    page.get_by_label("Reflection").fill("How the worker holds the child's voice")
    page.get_by_label("Actions agreed (optional)").fill("Visit E1 alone\nBring E2 to group")
    press(page, "Record the supervision", says="The supervision is recorded.")
    record = OneToOne.objects.get()
    assert record.case_ids == ["E1", "E2"] and record.supervisor == council["users"]["team_manager"]
    assert "Visit E1 alone" in page.inner_text("main")
    open_link(page, "Change this supervision")
    page.get_by_label("Reflection").fill("How the worker holds the child's voice, and the family's")
    press(page, "Save the supervision", says="The supervision is saved.")
    assert "and the family's" in page.inner_text("main")

    # The team's page: on time now, due a month after yesterday.
    go(page, team_url)
    row = page.locator("tr", has_text=worker.full_name)
    assert "On time" in row.inner_text()
    assert yesterday.strftime("%d/%m/%Y") in row.inner_text()

    # The worker's page and their details.
    open_link(page, worker.full_name)
    assert "In the last 6 months" in page.inner_text("main")
    open_link(page, f"Change the date {worker.full_name} was newly qualified")
    page.get_by_label("Newly qualified since (optional)").fill(yesterday.strftime("%d/%m/%Y"))
    press(page, "Save", says="The worker's details are saved.")
    assert "Newly qualified, first six weeks" in page.inner_text("main")

    # The import page.
    go(page, reverse("supervision:one_to_one_import"))

    # Without JavaScript, at 320 px: the team page and the form still work and do not scroll
    # sideways.
    plain = page_without_javascript(
        browser,
        live_server,
        council["users"]["team_manager"],
        viewport={"width": 320, "height": 800},
    )
    try:
        worker_url = reverse("supervision:one_to_one_worker", kwargs={"worker_id": worker.pk})
        pages = [
            reverse("supervision:one_to_ones"),
            reverse("supervision:one_to_one", kwargs={"pk": record.pk}),
            reverse("supervision:one_to_one_edit", kwargs={"pk": record.pk}),
            worker_url,
            reverse("supervision:one_to_one_profile", kwargs={"worker_id": worker.pk}),
            reverse("supervision:one_to_one_import"),
            team_url,
            reverse("supervision:one_to_one_create"),
        ]
        for url in pages:
            plain.goto(url)
            width = plain.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{url} is {width} px wide at 320 px"
        plain.get_by_label("Worker supervised").select_option(
            label=f"{worker.full_name} (Practitioner)"
        )
        plain.get_by_label("Date of the supervision").fill(
            timezone.localdate().strftime("%d/%m/%Y")
        )
        plain.get_by_role("button", name="Record the supervision").click()
        assert "The supervision is recorded." in plain.inner_text("main")
        assert OneToOne.objects.count() == 2
    finally:
        plain.context.close()
