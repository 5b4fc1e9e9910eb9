from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.actions import services as action_services
from lineofsight.actions.models import Priority, SourceType
from lineofsight.practiceweeks import services
from lineofsight.web.documents import docx_text

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(council):
    week = factories.week(council)
    visit = factories.visit(council, week)
    factories.observation(
        council,
        visit,
        submit=True,
        themes={
            "Caseloads are high": ["workforce-and-wellbeing"],
            "Workers ring a child before the first visit": ["voice-of-the-child"],
        },
    )
    qa = council["users"]["qa_lead"]
    services.week_update(
        actor=qa,
        week=week,
        expected_version=week.version,
        title=week.title,
        starts_on=week.starts_on,
        ends_on=week.ends_on,
        purpose="To see practice at first hand.",
        reflection="Assessors wanted more notice of each team's structure.",
        services=[],
        teams=[],
    )
    action_services.action_create(
        actor=qa,
        source_type=SourceType.PRACTICE_WEEK,
        source_id=week.pk,
        issue="Caseloads are high in the Care Team",
        action="Review allocation with the service manager",
        risk_if_not_done="Visits slip and children are not seen",
        priority=Priority.HIGH,
        due_date=datetime.date(2030, 4, 1),
        owner=council["users"]["service_manager"],
        team=council["teams"]["cic"],
    )
    return week


def test_the_word_report_has_every_section(client_for, week):
    response = client_for("qa_lead").get(reverse("practiceweeks:report_docx", args=[week.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    text = docx_text(response.content)
    for section in (
        "Purpose and process",
        "To see practice at first hand.",
        "Reflection on the process",
        "Assessors wanted more notice",
        "1. Leadership",
        "2. The voice of the child",
        "3. The parent and carer experience",
        "good or innovative practice",
        "Good and innovative practice",
        "Workers ring a child before the first visit (Care Team)",
        "Case examples",
        "A young person (J) was helped back into college.",
        "Action plan",
        "Issue identified",
        "Action to be taken",
        "Anticipated risk if not completed",
        "Priority",
        "Proposed date for completion",
        "Who is responsible",
        "Review allocation with the service manager",
        "1 April 2030",
    ):
        assert section in text, section
    assert "Workforce and wellbeing" in text or "workforce" in text.lower()
    assert "in a high number of teams" in text


def test_the_pdf_report(client_for, week):
    response = client_for("senior_leader").get(reverse("practiceweeks:report_pdf", args=[week.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_report_page_links_to_both_downloads(client_for, week):
    response = client_for("service_manager").get(reverse("practiceweeks:report", args=[week.pk]))
    page = response.content.decode()
    assert reverse("practiceweeks:report_docx", args=[week.pk]) in page
    assert reverse("practiceweeks:report_pdf", args=[week.pk]) in page
    assert "Reflection on the process" in page
