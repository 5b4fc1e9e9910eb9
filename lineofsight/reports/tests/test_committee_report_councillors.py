"""Issue 12: the committee report ready for councillors. Counts and rates in separate columns,
plain words, targets with red/amber/green in words and colour, a chart for every red or amber
indicator, no heading at the foot of a page, and practice records counted when the report is
produced, with that moment printed and kept so the downloads do not change."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from lineofsight.actions import services as action_services
from lineofsight.actions.models import SourceType
from lineofsight.history.models import ChangeEvent
from lineofsight.indicators import presentation
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.reports import document
from lineofsight.reports import figures as report_figures
from lineofsight.reports import services as report_services
from lineofsight.web import documents
from lineofsight.worklists.tests.snapshots import east_snapshot

from .test_committee_report import PERIOD_END, committee, computed  # noqa: F401  (fixtures)

TARGET_HEADER = ("Indicator", "Number", "Out of", "Rate", "Target", "Against the target")


def _targets(user) -> None:
    """Against the made-up values (`computed`): assessments ~46% (red against 80, margin 5),
    CP visits ~53% (amber against 55, margin 5), CLA reviews ~59% (green against 50)."""
    for indicator_id, target, margin in (
        ("assessment_45wd_pct", 80.0, 5.0),
        ("cp_visits_in_time_pct", 55.0, 5.0),
        ("cla_reviews_in_time_pct", 50.0, 0.0),
    ):
        IndicatorTarget.objects.create(
            indicator_id=indicator_id, target=target, amber_margin=margin, updated_by=user
        )


@pytest.fixture
def rated(committee, computed, council):  # noqa: F811
    _targets(council["users"]["analyst"])
    # Targets are read when the figures are counted: the report started before they were set.
    assert not any(line.rag for line in report_figures.figures(committee).indicators.lines)
    return report_services.report_figures_count(
        actor=council["users"]["qa_lead"], report=committee, expected_version=committee.version
    )


def _table(doc, header: tuple[str, ...]):
    for table in doc.tables:
        if tuple(c.text for c in table.rows[0].cells) == header:
            return table
    raise AssertionError(f"no table headed {header}")


def _body_text(data: bytes) -> str:
    return documents.docx_text(data)


def test_counts_and_rates_in_separate_columns_with_rag_in_words_and_colour(rated) -> None:
    figures = report_figures.figures(rated)
    lines = {line.id: line for line in figures.indicators.lines}
    assert lines["assessment_45wd_pct"].rag_text == "Red: short of the target"
    assert lines["cp_visits_in_time_pct"].rag_text == "Amber: just short of the target"
    assert lines["cla_reviews_in_time_pct"].rag_text == "Green: meets the target"
    assert lines["referrals"].rag_text == "Not rated: a number to watch"

    data = documents.render_docx(document.build_report(rated))
    doc = Document(io.BytesIO(data))
    table = _table(doc, TARGET_HEADER)
    rows = {r.cells[0].text: r for r in table.rows[1:]}
    red = rows[lines["assessment_45wd_pct"].title]
    number, out_of, rate, target, rating = (c.text for c in red.cells[1:])
    assert re.fullmatch(r"[\d,]+", number) and out_of == "200"
    assert rate.endswith("%") and "/" not in rate and "%" not in number
    assert target == "80.0%" and rating == "Red: short of the target"
    # The rating's cell is coloured as well as worded.
    fill = red.cells[5]._tc.tcPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
    )
    assert (
        fill is not None
        and fill.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill")
        == report_figures.RAG_FILLS[presentation.Rag.RED]
    )
    # A count has its number and no rate.
    count_row = rows[lines["referrals"].title]
    assert count_row.cells[1].text not in ("", "–") and count_row.cells[3].text == "–"
    text = _body_text(data)
    assert "Against the council's targets: 1 red, 1 amber and 1 green" in text


def test_no_snapshot_id_table_or_setting_name_in_the_body(rated) -> None:
    data = documents.render_docx(document.build_report(rated))
    text = _body_text(data)
    assert "snapshot" not in text.lower()
    assert not re.search(r"\bssd_\w+", text)
    assert not re.search(r"\bLINEOFSIGHT_[A-Z_]+", text)
    assert "lineofsight " not in text.lower()
    assert f"id {rated.snapshot_id}" not in text
    assert "the case data as at 28 June 2024" in text


def test_a_chart_for_every_red_or_amber_indicator(rated) -> None:
    built = document.build_report(rated)
    flagged = [
        line.title
        for line in report_figures.figures(rated).indicators.lines
        if line.rag in (presentation.Rag.RED, presentation.Rag.AMBER)
    ]
    assert len(flagged) == 2
    blocks = built.blocks
    for title in flagged:
        at = next(
            i
            for i, b in enumerate(blocks)
            if isinstance(b, documents.Heading) and b.text == title and b.level == 3
        )
        following = blocks[at + 1 : at + 4]
        charts = [b for b in following if isinstance(b, documents.Image)]
        assert charts and charts[0].png.startswith(b"\x89PNG")
        assert "target" in charts[0].alt
    doc = Document(io.BytesIO(documents.render_docx(built)))
    assert len(doc.inline_shapes) >= len(flagged)


def test_docx_headings_keep_with_their_text(rated) -> None:
    doc = Document(io.BytesIO(documents.render_docx(document.build_report(rated))))
    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) > 10
    assert all(p.paragraph_format.keep_with_next for p in headings)


def test_pdf_heading_near_the_foot_moves_to_the_next_page() -> None:
    body = documents.Paragraph("Text that follows the heading. " * 20)
    pdf = documents._Pdf("T")
    pdf.add_page()
    # Room for the heading itself (fpdf2 would write it here), not for its first lines.
    pdf.set_y(pdf.page_break_trigger - 12)
    documents._heading(pdf, "Near the foot", 14, body)
    assert pdf.headings[-1][0] == 2 and pdf.page_no() == 2

    roomy = documents._Pdf("T")
    roomy.add_page()
    roomy.set_y(roomy.page_break_trigger - 40)
    documents._heading(roomy, "Room enough", 14, body)
    assert roomy.headings[-1][0] == 1


def test_pdf_heading_before_a_chart_goes_with_the_whole_chart(rated) -> None:
    chart = next(b for b in document.build_report(rated).blocks if isinstance(b, documents.Image))
    pdf = documents._Pdf("T")
    pdf.add_page()
    pdf.set_y(pdf.page_break_trigger - 60)  # room for the heading, not for a 15 cm wide chart
    documents._heading(pdf, "A chart", 12, chart)
    assert pdf.headings[-1][0] == 2


def test_no_heading_on_the_last_lines_of_any_page_of_the_report(rated) -> None:
    pdf = documents.write_pdf(document.build_report(rated))
    assert pdf.page_no() > 2 and len(pdf.headings) > 10
    line = 5  # one line of body text
    for page, _top, bottom in pdf.headings:
        assert bottom + line <= pdf.page_break_trigger, (page, bottom)


def test_actions_raised_after_the_import_are_counted_with_the_moment_printed(council) -> None:
    snapshot = east_snapshot()
    qa = council["users"]["qa_lead"]
    for n in range(6):  # after the snapshot was imported, before the report
        action_services.action_create(
            actor=qa,
            source_type=SourceType.SUPERVISION,
            source_id=str(n + 1),
            team=council["teams"]["east"],
            issue="Plan drifting.",
            action="Hold a review.",
            owner=qa,
            due_date=timezone.localdate() + timedelta(days=5),
        )
    made = report_services.report_create(
        actor=qa, title="Year", period_end=PERIOD_END, snapshot=snapshot
    )
    assert made.figures_counted_at > snapshot.created_at

    figures = report_figures.figures(made)
    assert figures.actions.total is not None and figures.actions.total.open == "6"
    text = _body_text(documents.render_docx(document.build_report(made)))
    moment = report_figures.moment_text(made.figures_counted_at)
    assert f"counted as they stood at {moment}" in text
    assert "No improvement actions had been raised" not in text
    lines = text.splitlines()
    row = lines[lines.index("All actions") : lines.index("All actions") + 5]
    assert row[2] == "6"

    # Kept: one more action changes nothing in the download until they are counted again.
    first = documents.render_docx(document.build_report(made))
    action_services.action_create(
        actor=qa,
        source_type=SourceType.SUPERVISION,
        source_id="7",
        team=council["teams"]["east"],
        issue="Plan drifting.",
        action="Hold a review.",
        owner=qa,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    made.refresh_from_db()
    assert documents.render_docx(document.build_report(made)) == first
    again = report_services.report_figures_count(
        actor=qa, report=made, expected_version=made.version
    )
    assert report_figures.figures(again).actions.total.open == "7"
    assert ChangeEvent.objects.filter(
        action="committee_report_count_figures", object_id=str(made.pk)
    ).exists()


def test_counting_again_from_the_page(committee, client_for, council) -> None:  # noqa: F811
    url = reverse("reports:committee_count", kwargs={"pk": committee.pk})
    detail = reverse("reports:committee_detail", kwargs={"pk": committee.pk})
    page = client_for("qa_lead").get(detail).content.decode()
    assert f'action="{url}"' in page and "Count audits, supervision and actions again" in page

    before = committee.figures_counted_at
    response = client_for("senior_leader").post(url, {"version": committee.version})
    assert response.status_code == 302 and response["Location"] == detail
    committee.refresh_from_db()
    assert committee.figures_counted_at > before

    # A stale version is refused and changes nothing.
    counted = committee.figures_counted_at
    stale = client_for("analyst").post(url, {"version": committee.version - 1}, follow=True)
    assert "were not counted" in stale.content.decode()
    committee.refresh_from_db()
    assert committee.figures_counted_at == counted


@pytest.mark.parametrize("role", ["practitioner", "team_manager", "administrator"])
def test_counting_again_is_refused_without_the_reports(committee, client_for, role):  # noqa: F811
    url = reverse("reports:committee_count", kwargs={"pk": committee.pk})
    counted = committee.figures_counted_at
    assert client_for(role).post(url, {"version": committee.version}).status_code == 403
    committee.refresh_from_db()
    assert committee.figures_counted_at == counted


def test_counting_again_a_report_that_does_not_exist_is_404(council, client_for) -> None:
    url = reverse("reports:committee_count", kwargs={"pk": 9999})
    assert client_for("qa_lead").post(url, {"version": 1}).status_code == 404
