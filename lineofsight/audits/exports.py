"""The programme report as files: CSV (the grade tables), XLSX (every table, one sheet each)
and DOCX (a summary a council can edit before it goes to a board).

Exports hold counts and shares only, with the same suppression as the page (the one rule in
`lineofsight.web.figures`): no child's person id leaves in them. In CSV and XLSX a figure that
can be shown is a number (a numeric cell in Excel, not text); a count of 1 to 4 is the text
"fewer than 5" and a withheld share "suppressed: fewer than 5".
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from lineofsight.web import figures
from lineofsight.web.spreadsheet import safe_cell

from .grades import Cohort
from .reports import GradeRow, ProgrammeReport, share_of

_safe = safe_cell


def _grade_table(report: ProgrammeReport) -> tuple[list[str], list[list[object]]]:
    header = [
        "breakdown",
        "group",
        "audits",
        *[label.lower().replace(" ", "_") for label in report.grade_labels],
        "good_or_better_share",
        "ci95_low",
        "ci95_high",
    ]
    rows: list[list[object]] = []

    def add(breakdown: str, row: GradeRow) -> None:
        ci = row.interval
        withheld = figures.SUPPRESSED if row.n else ""
        rows.append(
            [
                breakdown,
                row.label,
                row.n_cell,
                *[c.cell for c in row.cells],
                withheld if row.share is None else round(row.share, 4),
                withheld if ci is None else round(ci[0], 4),
                withheld if ci is None else round(ci[1], 4),
            ]
        )

    add("all", report.overall)
    for row in report.by_team:
        add("team", row)
    for row in report.by_cohort:
        add("cohort", row)
    for row in report.by_month:
        add("month", row)
    return header, rows


def _share_cell(numerator: int, denominator: int) -> float | str | None:
    """A share for a spreadsheet: a number, the withheld text, or empty when nothing to divide."""
    if not denominator:
        return None
    share = share_of(numerator, denominator)
    return figures.SUPPRESSED if share is None else round(share, 4)


def report_csv(report: ProgrammeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header, rows = _grade_table(report)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))


def report_xlsx(report: ProgrammeReport) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    p = report.programme
    _sheet(
        wb,
        "Summary",
        ["item", "value"],
        [
            ["Programme", p.name],
            ["Period", f"{p.period_start:%d/%m/%Y} to {p.period_end:%d/%m/%Y}"],
            ["Audit tool", str(p.tool_version)],
            ["Sample seed", p.seed if p.seed is not None else "not drawn"],
            ["Snapshot as at", f"{p.snapshot.as_at:%d/%m/%Y}" if p.snapshot else ""],
            ["Snapshot content hash", p.snapshot_content_hash],
            *[[label, cell] for label, cell in report.progress_cells],
            ["Report produced", f"{timezone.localtime(report.generated_at):%d/%m/%Y %H:%M}"],
            ["Small numbers", figures.SUPPRESSION_NOTE],
        ],
    )
    header, rows = _grade_table(report)
    _sheet(wb, "Grades", header, rows)
    _sheet(
        wb,
        "Good or better by month",
        ["month", "audits", "good_or_better_share", "part_of_a_shift"],
        [
            [
                pt.label,
                pt.n_cell,
                _share_cell(pt.good, pt.n),
                "yes" if pt.in_shift else "",
            ]
            for pt in report.run_chart.points
        ],
    )
    _sheet(
        wb,
        "Themes",
        ["question", "section", "answered", "answered_no", "share_no", "ci95"],
        [
            [
                t.question,
                t.section,
                t.answered_cell,
                t.concerns_cell,
                _share_cell(t.concerns, t.answered),
                t.interval_text,
            ]
            for t in report.themes
        ],
    )
    _sheet(
        wb,
        "Impact",
        ["judgement of impact on the child", "audits"],
        [[label, cell.cell] for label, cell in report.impact],
    )
    _sheet(
        wb,
        "Actions",
        ["team", "open", "overdue", "done"],
        [[a.team, *a.cells] for a in report.actions],
    )
    ag = report.agreement
    _sheet(
        wb,
        "Agreement",
        [
            "group",
            "name",
            "pairs",
            "higher",
            "same",
            "lower",
            "exact_agreement",
            f"kappa_{ag.weights}",
        ],
        [
            [group, r.label, *r.cells(), r.exact_cell, r.kappa_cell]
            for group, rows in (
                ("all", [ag.overall]),
                ("auditor", ag.by_auditor),
                ("team", ag.by_team),
            )
            for r in rows
        ],
    )
    _sheet(
        wb,
        "Agreement table",
        ["auditor's grade", *[f"moderator: {label}" for label in report.grade_labels]],
        [[label, *row] for label, row in zip(report.grade_labels, ag.table_cells, strict=True)],
    )
    _sheet(
        wb,
        "Auditor tendency",
        ["auditor", "quarter", "pairs", "higher", "same", "lower", "mean_difference"],
        [[t.auditor, t.period, *t.cells, t.mean_difference_cell] for t in ag.tendency],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _docx_table(doc, header: list[str], rows: list[list[object]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def _grade_rows(rows: list[GradeRow]) -> list[list[object]]:
    return [
        [r.label, r.n_text, *[c.text for c in r.cells], r.share_text, r.interval_text] for r in rows
    ]


def report_docx(report: ProgrammeReport) -> bytes:
    p = report.programme
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(p.name, level=0)
    doc.add_paragraph(
        f"Case-file audit programme, {p.period_start:%d/%m/%Y} to {p.period_end:%d/%m/%Y}, "
        f"using {p.tool_version}. Produced {timezone.localtime(report.generated_at):%d/%m/%Y}."
    )
    doc.add_heading("Progress", level=1)
    doc.add_paragraph("; ".join(f"{label}: {text}" for label, text in report.progress_text) + ".")
    doc.add_heading("How the sample was drawn", level=1)
    if p.drawn_at:
        cohorts = ", ".join(Cohort(c).label for c in p.cohorts)
        as_at = f"{p.snapshot.as_at:%d/%m/%Y}" if p.snapshot else "(not recorded)"
        doc.add_paragraph(
            f"Drawn on {timezone.localtime(p.drawn_at):%d/%m/%Y} from the casework snapshot as at "
            f"{as_at} ({p.sample_source}), seed {p.seed}, stratified by team "
            f"and cohort ({cohorts}). Files audited in the last {p.exclude_recent_months} months "
            "were left out."
        )
    else:
        doc.add_paragraph("The sample has not been drawn yet.")
    header = ["Group", "Audits", *report.grade_labels, "Good or better", "95% interval"]
    doc.add_heading("Grades", level=1)
    doc.add_paragraph(
        "Final grades (after moderation where it took place). Shares are given with Wilson 95% "
        f"confidence intervals. {figures.SUPPRESSION_NOTE}"
    )
    _docx_table(doc, header, _grade_rows([report.overall]))
    doc.add_heading("By team", level=2)
    _docx_table(doc, header, _grade_rows(report.by_team))
    doc.add_heading("By cohort", level=2)
    _docx_table(doc, header, _grade_rows(report.by_cohort))
    doc.add_heading("Good or better, month by month", level=2)
    _docx_table(
        doc,
        ["Month", "Audits", "Good or better"],
        [[pt.label, pt.n_text, pt.share_text] for pt in report.run_chart.points],
    )
    if report.run_chart.median is not None:
        doc.add_paragraph(
            f"Median {report.run_chart.median:.0%}. "
            + (
                "A shift (six or more months in a row on one side of the median) suggests a real "
                "change."
                if report.run_chart.has_shift
                else "No shift: the variation is within what chance would give."
            )
        )
    doc.add_heading("Impact on the child", level=1)
    _docx_table(doc, ["Judgement", "Audits"], [[label, c.text] for label, c in report.impact])
    doc.add_heading("Themes: questions most often answered 'no'", level=1)
    _docx_table(
        doc,
        ["Question", "Section", "Answered", "No", "Share", "95% interval"],
        [
            [t.question, t.section, t.answered_text, t.concerns_text, t.share_text, t.interval_text]
            for t in report.themes
        ],
    )
    doc.add_heading("Improvement actions", level=1)
    _docx_table(
        doc,
        ["Team", "Open", "Overdue", "Done"],
        [[a.team, *a.texts] for a in report.actions],
    )
    ag = report.agreement
    doc.add_heading("Moderation", level=1)
    doc.add_paragraph(
        f"Audits moderated blind: {ag.overall.n_text}. Exact agreement {ag.overall.exact_text}; "
        f"weighted kappa ({ag.weights} weights) {ag.overall.kappa_text}. A share or kappa worked "
        "out from 1 to 4 moderated audits is not reported."
    )
    _docx_table(
        doc,
        ["Team", "Moderated", "Exact agreement", "Weighted kappa"],
        [[r.label, r.n_text, r.exact_text, r.kappa_text] for r in ag.by_team],
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
