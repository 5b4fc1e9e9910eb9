"""The self-evaluation as Word and PDF: the committee report's document blocks
(`lineofsight.web.documents`), written by its `render_docx` and `render_pdf`.

Everything printed comes from the self-evaluation's own row: its answers and the evidence kept
when it was started, so the same version always gives the same document.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from lineofsight.indicators import presentation
from lineofsight.web import documents
from lineofsight.web.documents import Bullets, Heading, Paragraph, Table

from .figures import RAG_FILLS, day
from .models import SelfEvaluation
from .selfevaluation_evidence import AreaEvidence, all_evidence, audit_sentence, counted_text

QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "what_we_know",
        "What do we know about the quality and impact of practice?",
        "What is strong, what is not yet good enough, and what difference practice makes for "
        "children and families.",
    ),
    (
        "how_we_know",
        "How do we know?",
        "Where this comes from and how far it can be trusted: the case data, audits, practice "
        "weeks, feedback and what improvement actions changed.",
    ),
    (
        "what_next",
        "What will we do next?",
        "What will be done, by whom and by when, and how we will know it made a difference.",
    ),
)


def status_line(item: SelfEvaluation) -> str:
    if item.is_signed_off and item.signed_off_at:
        by = item.signed_off_by.full_name if item.signed_off_by else "a senior leader"
        return (
            f"Version {item.number}, signed off by {by} on "
            f"{day(timezone.localtime(item.signed_off_at).date())}."
        )
    return f"Version {item.number}, draft: not signed off yet."


def build(item: SelfEvaluation) -> documents.Report:
    frozen = item.frozen_evidence
    doc = documents.Report(
        title=item.title,
        subtitle=f"{settings.COUNCIL_NAME}. Self-evaluation, {frozen.get('period', '')}.",
        produced_at=timezone.localtime(item.evidence_counted_at).date(),
    )
    doc.add(
        Paragraph(status_line(item), bold=True),
        Paragraph(frozen.get("snapshot_line", "")),
        Paragraph(
            "Audits, practice weeks, feedback and improvement actions are counted as they stood "
            f"at {counted_text(frozen)}, when this self-evaluation was started, so it gives the "
            "same figures each time it is downloaded."
        ),
        Paragraph(presentation.SUPPRESSION_NOTE),
    )
    if frozen.get("indicators_note"):
        doc.add(Paragraph(frozen["indicators_note"]))
    for ev in all_evidence(frozen):
        _area_blocks(doc, item, ev)
    return doc


def _area_blocks(doc: documents.Report, item: SelfEvaluation, ev: AreaEvidence) -> None:
    doc.add(Heading(ev.area.title))
    answers = item.answers.get(ev.area.key, {})
    for key, question, prompt in QUESTIONS:
        doc.add(Heading(question, level=2))
        text = (answers.get(key) or "").strip()
        if not text:
            doc.add(Paragraph(prompt), Paragraph("[Write here]"))
        for para in text.split("\n\n") if text else ():
            doc.add(Paragraph(para.strip()))
    doc.add(Heading(f"{ev.area.title}: the evidence", level=2))
    if ev.indicators:
        doc.add(
            Table(
                ("Indicator", "The council", "England", "Target", "Against the target"),
                tuple(
                    (
                        line["title"],
                        line["value"],
                        f"{line['england']} ({line['published']})"
                        if line["england"] != "–"
                        else "–",
                        line["target"],
                        line["rag_text"],
                    )
                    for line in ev.indicators
                ),
                caption=f"{ev.area.title}: indicators, {ev.period}",
                widths=(3.2, 1.3, 1.8, 1.0, 1.8),
                fills=tuple(
                    ("", "", "", "", RAG_FILLS.get(presentation.Rag(line["rag"]), ""))
                    if line["rag"]
                    else ("", "", "", "", "")
                    for line in ev.indicators
                ),
            )
        )
        missing = [line for line in ev.indicators if line["no_data_reason"]]
        if missing:
            doc.add(Bullets(tuple(f"{ln['title']}: {ln['no_data_reason']}" for ln in missing)))
    if ev.not_measured:
        doc.add(Paragraph("Not measured in the product yet:", bold=True))
        doc.add(Bullets(tuple(ev.not_measured)))
    for paragraph in evidence_sentences(ev):
        doc.add(Paragraph(paragraph))
    if ev.audit_questions:
        doc.add(
            Table(
                ("Audit question", "Section", "Answered with a concern", "Share of answers"),
                tuple(
                    (q["question"], q["section"], q["concerns"], q["share"])
                    for q in ev.audit_questions
                ),
                caption=f"{ev.area.title}: audit questions most often answered with a concern",
                widths=(3.5, 2, 1.3, 1.2),
            )
        )
    examples = [
        *(f"Strength: {t}" for t in ev.practice.get("strength_examples", [])),
        *(f"To develop: {t}" for t in ev.practice.get("development_examples", [])),
        *ev.feedback.get("quotes", []),
    ]
    if examples:
        doc.add(Paragraph("In their words:", bold=True), Bullets(tuple(examples)))


def evidence_sentences(ev: AreaEvidence) -> list[str]:
    """The area's counted evidence in sentences (the page shows the same)."""
    out = [f"Practice themes this area draws on: {ev.theme_labels}."]
    if ev.audits:
        out.append(
            audit_sentence(ev.audits).replace(
                "Case-file audits", "Case-file audits across the council", 1
            )
        )
    p = ev.practice
    out.append(
        f"Practice weeks: {p['strengths']} strengths and {p['developments']} areas for "
        "development recorded on these themes."
        if p.get("any")
        else "Practice weeks: nothing recorded on these themes in the year."
    )
    f = ev.feedback
    out.append(
        f"Feedback from children, families and partners: {f['total']} on these themes; "
        f"{f['positive']} compliments or happy, {f['negative']} complaints or unhappy, "
        f"{f['neutral']} other."
        if f.get("any")
        else "Feedback from children, families and partners: none on these themes in the year."
    )
    act = ev.actions
    out.append(
        f"Improvement actions on these themes: {act['raised']} raised in the year; "
        f"{act['open']} open, {act['overdue']} of them overdue; {act['done']} done in the year. "
        f"Did they make a difference? Improved: {act['improved']}; partly: {act['partly']}; "
        f"not improved: {act['not_improved']}; not looked at again yet: {act['not_checked']}."
        if act.get("any")
        else "Improvement actions: none on these themes."
    )
    return out
