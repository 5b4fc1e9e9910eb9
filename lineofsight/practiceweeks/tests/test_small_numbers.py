"""Issue 11: practice-week analysis and reports never show a count of 1 to 4, and a share or a
comparison built on fewer than 5 teams visited says it cannot be said or compared."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Service, Team
from lineofsight.practiceweeks import analysis, reports
from lineofsight.web.documents import Bullets, Paragraph, Table, docx_text

from . import factories

pytestmark = pytest.mark.django_db

# A count of 1 to 4 next to what it counts, as the page and report word them.
BARE_SMALL = re.compile(
    r"(?<![\d,.])[1-4] (of |teams?\b|visits?\b|observations?\b|assessors?\b)"
    r"|\bin [1-4]\b|\b(of|visited) [1-4] teams?\b"
)
TAG = "workforce-and-wellbeing"


def _teams(n: int) -> list[Team]:
    service, _ = Service.objects.get_or_create(name="Early Help", code="early-help")
    return [
        Team.objects.get_or_create(
            name=f"Early Help {i}", service=service, case_system_id=f"EH-{i}"
        )[0]
        for i in range(1, n + 1)
    ]


def _week(council, title: str, teams: list[Team], tagged: int, *, days_ago: int = 1):
    """A week visiting `teams`, the first `tagged` of whose observations carry TAG."""
    start = datetime.date.today() - datetime.timedelta(days=days_ago)
    week = factories.week(council, title=title, starts_on=start)
    qa = council["users"]["qa_lead"]
    for i, team in enumerate(teams):
        visit = factories.visit(
            council, week, team=team, assessor=qa, starts_at=factories.at(start, 9 + i)
        )
        themes = {"Caseloads are high": [TAG]} if i < tagged else {}
        factories.observation(council, visit, submit=True, themes=themes)
    return week


def _report_text(report) -> str:
    parts = []
    for block in report.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.extend(block.items)
        elif isinstance(block, Table):
            parts.extend(" ".join(row) for row in block.rows)
    return "\n".join(parts)


def test_analysis_page_never_shows_a_count_of_1_to_4(council, client_for):
    week = _week(council, "Spring", _teams(3), tagged=2)
    result = analysis.week_analysis(week)
    assert (result.visited, result.themes[0].count) == (3, 2)  # the data is small

    page = client_for("qa_lead").get(reverse("practiceweeks:analysis", args=[week.pk])).text
    assert not BARE_SMALL.search(page), BARE_SMALL.search(page).group(0)
    assert "Fewer than 5 observations submitted, from fewer than 5 visits" in page
    assert f"fewer than 5 of fewer than 5 teams: {analysis.TOO_FEW}" in page
    assert "in a high number of teams</td>" not in page


def test_week_report_docx_and_pdf_never_show_a_count_of_1_to_4(council, client_for):
    week = _week(council, "Spring", _teams(3), tagged=2)
    client = client_for("qa_lead")
    text = docx_text(client.get(reverse("practiceweeks:report_docx", args=[week.pk])).content)
    assert "Seen in fewer than 5 of fewer than 5 teams visited" in text
    assert "Fewer than 5 visits were planned" in text
    assert not BARE_SMALL.search(text), BARE_SMALL.search(text).group(0)
    # The PDF is drawn from the same blocks as the Word file.
    result = analysis.week_analysis(week)
    built = reports.week_report(result=result, comparison=None, actions=[])
    assert not BARE_SMALL.search(_report_text(built))
    pdf = client.get(reverse("practiceweeks:report_pdf", args=[week.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_comparison_with_too_few_teams_visited_cannot_be_compared(council, client_for):
    teams = _teams(7)
    # Then: 2 teams visited, both tagged. Now: 7 visited, 1 tagged: "less widely" if compared.
    _week(council, "Autumn", teams[:2], tagged=2, days_ago=200)
    now = _week(council, "Spring", teams, tagged=1)
    page = client_for("qa_lead").get(reverse("practiceweeks:analysis", args=[now.pk])).text
    assert analysis.CANNOT_COMPARE in page
    assert "Seen less widely" not in page and "Seen more widely" not in page
    assert "the weeks cannot be compared" in page
    text = docx_text(
        client_for("qa_lead").get(reverse("practiceweeks:report_docx", args=[now.pk])).content
    )
    assert analysis.CANNOT_COMPARE in text
    assert "Seen less widely" not in text and "Seen more widely" not in text


def test_weeks_with_enough_teams_visited_are_compared(council, client_for):
    teams = _teams(6)
    _week(council, "Autumn", teams[:5], tagged=5, days_ago=200)  # 5 of 5
    now = _week(council, "Spring", teams, tagged=1)  # fewer than 5 of 6
    page = client_for("qa_lead").get(reverse("practiceweeks:analysis", args=[now.pk])).text
    assert "Seen less widely" in page
    assert analysis.CANNOT_COMPARE not in page
    assert "5 of 5 teams (in a high number of teams)" in page
    assert "fewer than 5 of 6 teams (in a small number of teams)" in page
