"""Practice weeks are recorded right: an observation is submitted no earlier than the day of its
visit, and text saved with control characters (pasted from Word) cannot stop the report."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.practiceweeks import services
from lineofsight.practiceweeks.models import Finding, Observation, ObservationStatus
from lineofsight.web.documents import docx_text

from . import factories

pytestmark = pytest.mark.django_db


def test_an_observation_cannot_be_submitted_before_the_day_of_its_visit(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week)  # in two days' time
    observation = factories.observation(council, visit)
    with pytest.raises(services.PracticeWeekError, match="submitted from the day of the visit"):
        services.observation_submit(
            actor=visit.assessor, observation=observation, expected_version=observation.version
        )
    response = client_for("service_manager").post(
        reverse("practiceweeks:observation_submit", args=[observation.pk]),
        {"version": observation.version},
    )
    assert response.status_code == 400
    day = timezone.localtime(visit.starts_at).date()
    assert f"The visit is on {day:%d/%m/%Y}" in response.text
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.DRAFT


def test_an_observation_is_submitted_on_the_day_of_its_visit(council):
    week = factories.week(council)
    visit = factories.visit(
        council, week, starts_at=factories.at(timezone.localdate(), 23)
    )  # later today
    observation = factories.observation(council, visit)
    saved = services.observation_submit(
        actor=visit.assessor, observation=observation, expected_version=observation.version
    )
    assert saved.status == ObservationStatus.SUBMITTED


def test_the_observation_form_cleans_and_limits_what_is_typed(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week)
    client = client_for("service_manager")
    url = reverse("practiceweeks:observation_edit", args=[visit.pk])
    page = client.get(url).text
    assert "You can enter up to 4,000 characters" in page
    response = client.post(
        url,
        {"leadership__strength": "Managers\x07 are visible", "version": 0, "names_checked": "on"},
    )
    assert response.status_code == 302, response.text[:2000]
    assert Finding.objects.get().text == "Managers are visible"


def test_a_bell_saved_in_an_observation_does_not_stop_the_word_or_pdf_report(client_for, council):
    week = factories.week(council)
    visit = factories.visit(council, week, starts_at=factories.at(timezone.localdate(), 0))
    observation = factories.observation(council, visit, submit=True)
    # Saved before text was cleaned on input, as one council's data was.
    Finding.objects.filter(observation=observation).update(text="Caseloads\x07 are high\x0b")
    Observation.objects.filter(pk=observation.pk).update(case_examples="A young person\x07 (J)")
    client = client_for("qa_lead")
    docx = client.get(reverse("practiceweeks:report_docx", args=[week.pk]))
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "Caseloads are high" in text and "\x07" not in text
    pdf = client.get(reverse("practiceweeks:report_pdf", args=[week.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_week_in_the_past_keeps_its_submitted_observations(council):
    """The demonstration week (six weeks ago) is submitted as it always was."""
    start = timezone.localdate() - datetime.timedelta(days=42)
    week = factories.week(council, starts_on=start)
    visit = factories.visit(council, week, starts_at=factories.at(start))
    assert factories.observation(council, visit, submit=True).status == ObservationStatus.SUBMITTED
