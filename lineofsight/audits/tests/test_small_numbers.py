"""Small numbers and scope in every figure-bearing audits page and export: a count of 1 to 4 is
never shown as a digit (it reads "fewer than 5"), a share built on 1 to 4 is withheld, a manager
sees only their own area's audits, and XLSX cells that hold counts are numbers, not text."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from lineofsight.audits.grades import Grade, Impact
from lineofsight.audits.models import (
    Answer,
    Audit,
    ModerationReason,
    ModerationStatus,
)

from . import factories

pytestmark = pytest.mark.django_db

SMALL = {"1", "2", "3", "4"}
# A figure in a table cell or a summary list value, as pages show them.
FIGURE_CELL = re.compile(
    r'<(?:td|dd) class="govuk-(?:table__cell govuk-table__cell--numeric|summary-list__value)">'
    r"\s*([^<]*?)\s*</(?:td|dd)>"
)


@pytest.fixture
def programme(council):
    """West: 3 Outstanding, 6 Good, 2 Requires improvement submitted; 3 not started and
    overdue. Care Team: 3 Good. Three audits answered "no" to one question, two judged to have
    made the child's situation worse, two actions raised, three audits moderated."""
    users = council["users"]
    qa, tm = users["qa_lead"], users["team_manager"]
    made = factories.programme(qa, seed=98765)
    grades = [Grade.OUTSTANDING] * 3 + [Grade.GOOD] * 6 + [Grade.REQUIRES_IMPROVEMENT] * 2
    audits = factories.submitted(made, council["teams"]["west"], tm, grades)
    factories.submitted(made, council["teams"]["cic"], tm, [Grade.GOOD] * 3, prefix="C")
    for i in range(3):
        factories.audit(
            made, person_id=f"N{i:03d}", team=council["teams"]["west"], auditor=tm, due_in_days=-3
        )
    question = made.tool_version.sections.order_by("order").first().questions.first()
    Answer.objects.filter(
        question=question, version__audit__in=audits[3:6], version__is_current_submission=True
    ).update(value="no")
    Audit.objects.filter(pk__in=[a.pk for a in audits[6:8]]).update(impact=Impact.NEGATIVE)
    for audit in audits[:2]:
        factories.audit_action(audit, tm, users["practitioner"])
    draw = factories.draw(made, qa, rate=30, seed=5, considered=14, always_included=3)
    for audit, moderator_grade in zip(audits[:3], (4, 3, 3), strict=True):
        audit.refresh_from_db()
        factories.moderation(
            audit,
            draw,
            qa,
            reason=ModerationReason.EXTREME_GRADE,
            auditor=tm,
            moderator_grade=moderator_grade,
            status=ModerationStatus.GRADED,
            graded_at=timezone.now(),
        )
    return made


def _page_figures(html: str) -> list[str]:
    return [m.group(1) for m in FIGURE_CELL.finditer(html)]


@pytest.mark.parametrize(
    "name",
    ["audits:programme_report", "audits:programme_moderation", "audits:agreement"],
)
def test_pages_never_show_a_count_of_1_to_4(client_for, programme, name):
    kwargs = {} if name == "audits:agreement" else {"pk": programme.pk}
    html = client_for("qa_lead").get(reverse(name, kwargs=kwargs)).content.decode()
    figures = _page_figures(html)
    assert figures, "the page shows figures"
    assert not SMALL & set(figures), figures
    assert "fewer than 5" in figures
    # No share, kappa or average is worked out from 1 to 4 moderated audits.
    if name != "audits:programme_report":
        assert "Exact agreement: <strong>suppressed: fewer than 5</strong>" in html


def test_the_programme_list_never_shows_a_count_of_1_to_4(client_for, programme):
    html = client_for("qa_lead").get(reverse("audits:programmes")).content.decode()
    figures = _page_figures(html)
    assert figures == ["17", "14", "fewer than 5"]


def test_the_report_withholds_shares_built_on_1_to_4(client_for, programme):
    report = (
        client_for("qa_lead")
        .get(reverse("audits:programme_report", args=[programme.pk]))
        .context["report"]
    )
    care = next(r for r in report.by_team if r.label == "Care Team")
    assert care.n_text == "fewer than 5" and care.share_text == "suppressed: fewer than 5"
    west = next(r for r in report.by_team if r.label == "West")
    assert (west.n, west.good_or_better, west.share_text) == (11, 9, "82%")
    (theme,) = report.themes
    assert theme.concerns_text == "fewer than 5" and theme.share_text.startswith("suppressed")
    assert dict(report.progress_text)["Overdue"] == "fewer than 5"


def test_the_csv_never_shows_a_count_of_1_to_4(client_for, programme):
    text = client_for("qa_lead").get(reverse("audits:programme_report_csv", args=[programme.pk]))
    rows = list(csv.reader(io.StringIO(text.content.decode())))
    values = [v for row in rows[1:] for v in row[2:]]
    assert not SMALL & set(values), rows
    assert rows[1][:7] == ["all", "All audits", "14", "fewer than 5", "9", "fewer than 5", "0"]


def test_the_xlsx_never_shows_a_count_of_1_to_4_and_its_counts_are_numbers(client_for, programme):
    response = client_for("qa_lead").get(
        reverse("audits:programme_report_xlsx", args=[programme.pk])
    )
    book = load_workbook(io.BytesIO(response.content))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                assert not (isinstance(value, int) and 1 <= value <= 4), (ws.title, cell.coordinate)
                assert not (isinstance(value, str) and value in SMALL), (ws.title, cell.coordinate)
    grades = book["Grades"]
    header = [c.value for c in grades[1]]
    everyone = list(grades[2])
    audits = everyone[header.index("audits")]
    good = everyone[header.index("good")]
    assert (audits.value, audits.data_type) == (14, "n")
    assert (good.value, good.data_type) == (9, "n")
    share = everyone[header.index("good_or_better_share")]
    assert share.data_type == "n" and share.value == pytest.approx(12 / 14, abs=1e-4)
    summary = {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=2)}
    assert (
        summary["Files in the programme"].value,
        summary["Files in the programme"].data_type,
    ) == (
        17,
        "n",
    )
    assert summary["Overdue"].value == "fewer than 5"
    assert "Agreement table" in book.sheetnames


def test_the_docx_never_shows_a_count_of_1_to_4(client_for, programme):
    response = client_for("qa_lead").get(
        reverse("audits:programme_report_docx", args=[programme.pk])
    )
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows[1:] for c in row.cells[1:]]
    assert cells and not SMALL & set(cells), cells
    progress = next(p.text for p in doc.paragraphs if p.text.startswith("Files in the programme"))
    assert "Overdue: fewer than 5" in progress


def test_a_service_managers_report_counts_only_their_service(client_for, programme):
    """Safeguarding holds West (and East); the Care Team's audits are not theirs."""
    report = (
        client_for("service_manager")
        .get(reverse("audits:programme_report", args=[programme.pk]))
        .context["report"]
    )
    assert report.total == 14 and {r.label for r in report.by_team} == {"West"}
    html = client_for("service_manager").get(reverse("audits:programmes")).content.decode()
    assert _page_figures(html) == ["14", "11", "fewer than 5"]
    tm = client_for("team_manager").get(reverse("audits:programmes")).content.decode()
    assert _page_figures(tm) == ["0", "0", "0"]  # East: no files in this programme
