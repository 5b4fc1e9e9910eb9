"""How the committee report is laid out and written: the author's three sections and the figures
(`figures.py`) as `lineofsight.web.documents` blocks, which `render_docx` and `render_pdf` write.

The body speaks to councillors (`figures.plain_words`): the case data "as at" a date, never a
snapshot's number, a table's or a setting's name.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from lineofsight.indicators import catalogue, coverage, presentation
from lineofsight.indicators.types import Polarity
from lineofsight.web import charts, documents
from lineofsight.web.documents import (
    AuthorSection,
    Bullets,
    Heading,
    Image,
    Paragraph,
    Table,
)

from .figures import (
    ReportFigures,
    Trend,
    day,
    figures,
    plain_words,
    shown,
)
from .models import CommitteeReport

SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "what_we_know",
        "What we know about the quality of practice",
        "What the figures, audits and group supervision below say about practice with children "
        "and families: where it is strong, where it is not yet good enough, and what has changed "
        "since the committee last heard.",
    ),
    (
        "how_we_know",
        "How we know",
        "Where this comes from and how far it can be trusted: the casework data, case-file "
        "audits and their moderation, group supervision, and what children, families and "
        "practitioners have told us.",
    ),
    (
        "what_next",
        "What we will do next",
        "What will be done, by whom and by when, and how the committee will be able to tell "
        "that it has made a difference for children.",
    ),
)


def build_report(committee_report: CommitteeReport) -> documents.Report:
    f = figures(committee_report)
    council = settings.COUNCIL_NAME
    doc = documents.Report(
        title=committee_report.title,
        subtitle=f"{council}. Quality of practice, {f.period}.",
        produced_at=timezone.localtime(f.cutoff).date(),
    )
    doc.add(
        Paragraph(f.snapshot_line, bold=True),
        Paragraph(f.cutoff_line),
        Paragraph(presentation.SUPPRESSION_NOTE),
    )
    for key, title, prompt in SECTIONS:
        doc.add(AuthorSection(title, prompt, getattr(committee_report, key) or ""))
    _indicator_blocks(doc, f)
    _audit_blocks(doc, f)
    _drift_blocks(doc, f)
    _supervision_blocks(doc, f)
    _action_blocks(doc, f)
    _health_check_blocks(doc, f)
    _definition_blocks(doc, f)
    return doc


def _part(doc: documents.Report, title: str, nothing: str | None) -> bool:
    """Head one part of the report. Where the part has nothing to show, `nothing` says why and
    stands alone under the heading; the part goes on (True) only when `nothing` is None."""
    doc.add(Heading(title))
    if nothing is not None:
        doc.add(Paragraph(nothing))
    return nothing is None


def _indicator_blocks(doc: documents.Report, f: ReportFigures) -> None:
    ind = f.indicators
    if not _part(doc, "Indicators", plain_words(ind.unavailable) if ind.unavailable else None):
        return
    doc.add(
        Paragraph(
            f"Each figure is for the year to {day(f.period_end)}, or on that date, worked out "
            "from the case data. Red, amber or green compares it with the council's target: "
            "green meets it, amber is short of it by no more than the margin the council "
            "allows, red is short by more. Definitions are in the appendix."
        ),
        Paragraph(ind.rag_summary),
        Table(
            ("Indicator", "Number", "Out of", "Rate", "Target", "Against the target"),
            tuple(
                (
                    line.title,
                    line.number,
                    line.out_of,
                    line.rate,
                    line.target or "–",
                    line.rag_text,
                )
                for line in ind.lines
            ),
            caption=f"Indicators against the council's targets, {f.period}",
            widths=(3.4, 1.1, 1.1, 1.2, 1.0, 1.8),
            fills=tuple(("", "", "", "", "", line.rag_fill) for line in ind.lines),
        ),
    )
    if ind.comparisons_note:
        doc.add(Paragraph(plain_words(ind.comparisons_note)))
    doc.add(
        Paragraph(
            "England, the region and the average of the council's ten statistical neighbours "
            "(similar councils) are the latest figures the Department for Education published "
            "for that year or before it."
        ),
        Table(
            ("Indicator", "The council", "England", "Region", "Similar councils", "Published"),
            tuple(
                (
                    line.title,
                    line.rate if line.rate != "–" else line.number,
                    line.england,
                    line.region,
                    line.neighbours,
                    line.published,
                )
                for line in ind.lines
            ),
            caption="Compared with England, the region and similar councils",
            widths=(3.4, 1.3, 1.1, 1.1, 1.3, 1.4),
        ),
    )
    if ind.missing:
        doc.add(Paragraph("Why some figures show no data:", bold=True))
        doc.add(
            Bullets(
                tuple(f"{line.title}: {plain_words(line.no_data_reason)}" for line in ind.missing)
            )
        )
    if ind.unsupported:
        doc.add(Paragraph(coverage.LEAD, bold=True))
        doc.add(Bullets(tuple(f"{title}: {plain_words(why)}" for title, why in ind.unsupported)))
    flagged = ind.red_or_amber
    doc.add(Heading("Indicators rated red or amber", level=2))
    if not flagged:
        doc.add(Paragraph("No indicator is rated red or amber."))
    for trend in flagged:
        _trend_blocks(doc, trend)
    if ind.key_trends:
        doc.add(Heading("Key indicators month by month", level=2))
    for trend in ind.key_trends:
        _trend_blocks(doc, trend)


def _trend_blocks(doc: documents.Report, trend: Trend) -> None:
    doc.add(Heading(trend.title, level=3))
    if trend.rag_text:
        doc.add(
            Paragraph(
                f"{trend.rag_text} ({trend.target_text}). "
                f"{presentation.polarity_text(_polarity(trend.id))}."
            )
        )
    if not trend.has_values:
        doc.add(Paragraph("No monthly figures can be shown for this indicator."))
        return
    if trend.target is not None:
        line, label = f", with the target, {trend.target_text}, as a dashed line", "Target"
        reference = trend.target
    else:
        line = f", with {trend.benchmark_text} as a dashed line" if trend.benchmark_text else ""
        label, reference = "England", trend.benchmark
    doc.add(
        Image(
            charts.run_chart_png(
                [(p.label, p.value) for p in trend.points],
                title=trend.title,
                unit_label=trend.unit_label,
                benchmark=reference,
                benchmark_label=label,
            ),
            alt=(
                f"Run chart: {trend.title}, month by month, {trend.points[0].label} to "
                f"{trend.points[-1].label}{line}. The values follow."
            ),
        ),
        Paragraph(
            "Month by month: " + "; ".join(f"{p.label}: {p.text}" for p in trend.points) + "."
        ),
    )


def _polarity(indicator_id: str) -> Polarity:
    return catalogue.get(indicator_id).polarity


def _audit_blocks(doc: documents.Report, f: ReportFigures) -> None:
    a = f.audits
    nothing = None if a.completed else f"No case-file audits were completed from {f.period}."
    if not _part(doc, "Case-file audits", nothing):
        return
    programmes = ", ".join(a.programmes)
    doc.add(
        Paragraph(
            f"Audits completed in the period: {a.completed_text}, in "
            f"{shown(len(a.programmes))} programmes "  # 1 reads "fewer than 5 programmes"
            f"({programmes}). Graded good or better: {a.good_or_better}."
        ),
        Table(
            ("Grade", "Audits", "Share of graded audits"),
            tuple(a.grade_rows),
            caption="Audits by grade (the agreed grade where moderation agreed one)",
            widths=(3, 1, 1.5),
        ),
    )
    if any(bar is not None for *_, bar in a.grades):
        doc.add(
            Image(
                charts.bar_chart_png(
                    [(label, bar) for label, _, bar in a.grades],
                    title="Audits by grade",
                    unit_label="Number of audits",
                ),
                alt="Bar chart of audits by grade; the figures are in the table above.",
            )
        )
    doc.add(
        Paragraph(
            f"Moderation: {shown(a.moderated)} audits moderated blind. Exact agreement between "
            f"auditor and moderator: {a.exact_agreement}; weighted kappa: {a.kappa}."
        )
    )
    if a.themes:
        doc.add(
            Table(
                ("Question", "Section", "Answered with a concern", "Share of answers"),
                tuple((t.question, t.section, t.concerns, t.share) for t in a.themes),
                caption="The questions most often answered with a concern",
                widths=(3.5, 2, 1.3, 1.2),
            )
        )


def _drift_blocks(doc: documents.Report, f: ReportFigures) -> None:
    d = f.drift
    if not _part(doc, "Drift and delay", None if d.available else plain_words(d.reason)):
        return
    doc.add(
        Paragraph(
            f"On {day(f.snapshot.as_at)}, {d.open_children} children had an open case; "
            f"{d.flagged_children} of them ({d.flagged_share}) had at least one sign of drift or "
            "delay. A child can have more than one."
        ),
        Table(
            ("Sign of drift or delay", "Children"),
            tuple((line.title, line.count) for line in d.lines),
            caption=f"Children with each sign of drift or delay on {day(f.snapshot.as_at)}",
            widths=(4, 1),
        ),
    )
    if d.unchecked:
        doc.add(Paragraph("Not checked, because the data could not show them:", bold=True))
        doc.add(
            Bullets(tuple(f"{line.title}: {plain_words(line.not_checked)}" for line in d.unchecked))
        )
    bars = [(line.title, line.bar) for line in d.checked]
    if any(bar is not None for _, bar in bars):
        doc.add(
            Image(
                charts.bar_chart_png(
                    bars, title="Signs of drift and delay", unit_label="Number of children"
                ),
                alt="Bar chart of children with each sign of drift or delay; the figures are in "
                "the table above.",
            )
        )


def _supervision_blocks(doc: documents.Report, f: ReportFigures) -> None:
    s = f.supervision
    nothing = (
        None if s.sessions else f"No group supervision sessions were recorded from {f.period}."
    )
    if not _part(doc, "Group reflective supervision", nothing):
        return
    cleared = s.cleared_share if s.judged else "No data: no case's three months are over yet"
    doc.add(
        Table(
            ("Measure", "Number", "Share"),
            (
                ("Sessions held", shown(s.sessions), "–"),
                ("Teams that held sessions", shown(s.teams), "–"),
                ("Cases discussed", shown(s.cases), "–"),
                ("Children discussed", shown(s.children), "–"),
                ("Cases brought with signs of drift", shown(s.with_flags), "–"),
                ("Cases whose three months are over", shown(s.judged), "–"),
                ("Of those, signs of drift cleared within three months", shown(s.cleared), cleared),
                ("Cases whose three months are not over yet", shown(s.too_recent), "–"),
                ("Actions agreed", shown(s.actions), "–"),
                ("Actions done on time", shown(s.done_on_time), s.on_time_share),
                ("Actions done late", shown(s.done_late), "–"),
                ("Actions not done", shown(s.not_done), "–"),
                ("Actions open and overdue", shown(s.open_overdue), "–"),
            ),
            caption=f"Group reflective supervision, {f.period}",
            widths=(3.5, 1, 1.5),
        )
    )


def _health_check_blocks(doc: documents.Report, f: ReportFigures) -> None:
    h = f.health_check
    nothing = (
        f"No staff health check with 5 or more answers had closed by {f.counted_text}."
        if h is None
        else None
    )
    if not _part(doc, "The staff health check", nothing):
        return
    assert h is not None
    doc.add(
        Paragraph(
            f"{h['title']}: {shown(h['answered'])} people answered; each standard scored from 0 "
            "to 100 from their agreement with its statements. Never one person's answers."
            + (f" Compared with {h['previous_title']}." if h.get("previous_title") else "")
        )
    )
    doc.add(
        Table(
            ("Standard", "Score", "Band", "Change"),
            tuple(
                (
                    s["name"],
                    "–" if s["score"] is None else f"{s['score']:.0f}",
                    s["band"],
                    "–" if s.get("difference") is None else f"{s['difference']:+.0f}",
                )
                for s in h["standards"]
            ),
            caption=f"The staff health check, {h['title']}",
            widths=(3.5, 1, 1, 1),
        )
    )


def _action_blocks(doc: documents.Report, f: ReportFigures) -> None:
    a = f.actions
    nothing = (
        f"No improvement actions had been raised by {f.counted_text}." if a.total is None else None
    )
    if not _part(doc, "Improvement actions", nothing):
        return
    rows = [*a.lines, a.total]
    doc.add(
        Table(
            (
                "Raised from",
                "Raised in the period",
                "Open",
                "Of which overdue",
                "Done in the period",
            ),
            tuple((r.source, r.raised, r.open, r.overdue, r.done) for r in rows),
            caption=f"Improvement actions; open and overdue at {f.counted_text}",
            widths=(2.5, 1.3, 1, 1.2, 1.3),
        )
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _definition_blocks(doc: documents.Report, f: ReportFigures) -> None:
    """A short appendix: the words the report uses, then one line per indicator."""
    doc.add(Heading("Appendix: definitions"))
    doc.add(
        Bullets(
            (
                f"The case data: the council's case management system's records as at "
                f"{day(f.snapshot.as_at)}. Every figure in the indicators and drift sections "
                "comes from it, and the same figures can be produced again from it.",
                "Red, amber, green: how an indicator compares with the target the council set "
                "for it. Green meets the target; amber is short of it by no more than the "
                "margin the council allows; red is short by more. An indicator that is a "
                "number to watch has no target.",
                "Number and out of: the children (or events) a rate or share is worked out "
                "from. A rate per 10,000 is out of the children living in the area.",
                "Fewer than 5: a count of 1 to 4, not given exactly so that no child can be "
                "recognised.",
                "Moderation: a second, blind grading of an audit by another auditor.",
            )
        )
    )
    doc.add(
        Table(
            ("Indicator", "What it measures", "Better when"),
            tuple(
                (
                    ind.title,
                    plain_words(_sentence(ind.description)),
                    {
                        Polarity.HIGHER_IS_BETTER: "Higher",
                        Polarity.LOWER_IS_BETTER: "Lower",
                    }.get(ind.polarity, "Neither: a number to watch"),
                )
                for ind in f.definitions
            ),
            caption="The indicators",
            widths=(2.2, 4.8, 1.2),
        )
    )
