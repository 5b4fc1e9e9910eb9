"""The practice week report, as one list of blocks rendered to the page, Word and PDF.

Sections: purpose and process; reflection on the process; themes and findings under each of the
first three headings (themes with how widely they were seen, strengths, areas for development);
good and innovative practice; case examples; what children, parents and carers said; the
comparison with the previous week; the action plan (actions raised from this week).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.actions.models import ImprovementAction
from lineofsight.web.documents import AuthorSection, Bullets, Heading, Paragraph, Report, Table

from . import analysis as week_analysis
from .models import Heading as ObservationHeading
from .models import Kind

GOOD_PRACTICE_THEME = "good-and-innovative-practice"
ACTION_PLAN_COLUMNS = (
    "Issue identified",
    "Action to be taken",
    "Anticipated risk if not completed",
    "Priority",
    "Proposed date for completion",
    "Who is responsible",
)
REFLECTION_PROMPT = (
    "How the week went: what the assessors and teams made of it, what the planning gave the "
    "assessors and what it lacked, whether children, parents and carers were spoken to directly, "
    "and what to do differently next time."
)


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def week_dates(week) -> str:
    if week.starts_on == week.ends_on:
        return long_date(week.starts_on)
    return f"{long_date(week.starts_on)} to {long_date(week.ends_on)}"


def _theme_lines(themes: list[week_analysis.ThemeCount]) -> tuple[str, ...]:
    return tuple(f"{t.label}. {t.sentence}" for t in themes)


def _finding_lines(rows, kind: str) -> tuple[str, ...]:
    lines = []
    for row in rows:
        items = row.strengths if kind == Kind.STRENGTH else row.areas
        lines.extend(f"{f.text} ({row.team.name})" for f in items)
    return tuple(lines)


def _split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def week_report(
    *,
    result: week_analysis.WeekAnalysis,
    comparison: week_analysis.Comparison | None,
    actions: QuerySet[ImprovementAction] | list[ImprovementAction],
    produced_on: datetime.date | None = None,
    rechecks: list | None = None,
) -> Report:
    """`rechecks` (selectors.ActionRecheck rows): for a focused practice day, the actions of the
    practice week it re-checks and the day's findings that re-test each."""
    week = result.week
    produced_on = produced_on or timezone.localdate()
    report = Report(
        title=f"{week.get_kind_display()}: {week.title}",
        subtitle=f"{week_dates(week)}. Produced on {long_date(produced_on)}.",
        produced_at=produced_on,
    )

    # -- purpose and process
    services = sorted({t.service.name for t in result.teams})
    n = result.texts  # every count through the one small-number rule
    report.add(Heading("Purpose and process"))
    report.add(
        Paragraph(
            week.purpose
            or "Senior managers spent the week with teams outside their own service, to see "
            "practice with children and families at first hand, recognise what is working well, "
            "find what needs to develop, and set the direction for improvement."
        )
    )
    report.add(
        Paragraph(
            # Every count reads 0, 5 or more, or "fewer than 5" (never 1): always the plural.
            f"{n['visits'].capitalize()} visits were planned. "
            f"{n['observations'].capitalize()} observations were submitted by "
            f"{n['assessors']} assessors, covering {n['visited']} teams"
            f"{' in ' + ', '.join(services) if services else ''}. Each assessor recorded strengths "
            "and areas for development under four headings (leadership; the voice of the child; "
            "the parent and carer experience; good or innovative practice), case examples, and "
            "what children, parents and carers said when spoken to directly. The findings were "
            "then tagged with practice themes and counted across the teams visited."
        )
    )
    if result.teams:
        report.add(Bullets(tuple(f"{t.name} ({t.service.name})" for t in result.teams)))

    # -- reflection
    report.add(AuthorSection("Reflection on the process", REFLECTION_PROMPT, week.reflection))

    # -- themes and findings under each heading
    report.add(Heading("Themes and findings"))
    high, low = week_analysis.thresholds()
    report.add(
        Paragraph(
            f"A theme seen in {high:.0%} or more of the teams visited is described as seen "
            f"{week_analysis.HIGH}; in fewer than {low:.0%}, {week_analysis.SMALL}; otherwise "
            f"{week_analysis.SOME}. With fewer than {week_analysis.MIN_TEAMS} teams visited, how "
            "widely a theme was seen cannot be said, and weeks cannot be compared."
        )
    )
    report.add(Paragraph(week_analysis.SUPPRESSION_NOTE))
    by_heading = {h.heading: h for h in result.headings}
    for number, heading in enumerate(ObservationHeading, start=1):
        if heading == ObservationHeading.GOOD_PRACTICE:
            continue
        view = by_heading[heading.value]
        report.add(Heading(f"{number}. {heading.label}", level=2))
        report.add(Heading("Themes", level=3))
        lines = _theme_lines(view.themes)
        report.add(Bullets(lines) if lines else Paragraph("No themes were tagged."))
        for kind, title in ((Kind.STRENGTH, "Strengths"), (Kind.AREA, "Areas for development")):
            report.add(Heading(title, level=3))
            items = _finding_lines(view.rows, kind)
            report.add(Bullets(items) if items else Paragraph("None recorded."))

    # -- good and innovative practice
    good = by_heading[ObservationHeading.GOOD_PRACTICE.value]
    report.add(Heading("Good and innovative practice"))
    report.add(
        Paragraph(
            "What assessors recorded under heading 4 (good or innovative practice), and "
            "strengths under the other headings tagged as good and innovative practice."
        )
    )
    items = list(_finding_lines(good.rows, Kind.STRENGTH))
    for view in result.headings:
        if view.heading == ObservationHeading.GOOD_PRACTICE:
            continue
        for row in view.rows:
            items.extend(
                f"{f.text} ({row.team.name})"
                for f in row.strengths
                if GOOD_PRACTICE_THEME in (f.themes or [])
            )
    report.add(Bullets(tuple(items)) if items else Paragraph("None recorded."))
    if good.themes:
        report.add(Heading("Themes", level=3), Bullets(_theme_lines(good.themes)))
    to_develop = _finding_lines(good.rows, Kind.AREA)
    if to_develop:
        report.add(Heading("To develop or share further", level=3), Bullets(to_develop))

    # -- case examples
    report.add(Heading("Case examples"))
    examples = [
        f"{p} ({o.visit.team.name})"
        for o in result.observations
        for p in _split_paragraphs(o.case_examples)
    ]
    report.add(Bullets(tuple(examples)) if examples else Paragraph("None recorded."))

    # -- voices
    report.add(Heading("What children, parents and carers said"))
    children = [
        f"{p} ({o.visit.team.name})"
        for o in result.observations
        for p in _split_paragraphs(o.children_said)
    ]
    adults = [
        f"{p} ({o.visit.team.name})"
        for o in result.observations
        for p in _split_paragraphs(o.parents_carers_said)
    ]
    report.add(Heading("Children and young people", level=2))
    report.add(Bullets(tuple(children)) if children else Paragraph("No children were spoken to."))
    report.add(Heading("Parents and carers", level=2))
    report.add(
        Bullets(tuple(adults)) if adults else Paragraph("No parents or carers were spoken to.")
    )

    # -- the re-check of the earlier week's actions (a focused practice day)
    if week.is_focused_day:
        report.add(Heading("Re-check of the practice week's actions"))
        if rechecks:
            report.add(
                Table(
                    header=("Action to be taken", "Team", "What the focused practice day found"),
                    rows=tuple(
                        (
                            r.action.action,
                            r.action.team.name if r.action.team_id else "Every team",
                            "; ".join(
                                f"{f.text} ({f.observation.visit.team.name})" for f in r.findings
                            )
                            or "Not re-tested on this day",
                        )
                        for r in rechecks
                    ),
                    caption="Actions re-checked",
                )
            )
        else:
            report.add(Paragraph("The practice week it re-checks has no improvement actions."))

    # -- comparison
    if week.is_focused_day:
        report.add(Heading("Compared with the practice week it re-checks"))
    else:
        report.add(Heading("Compared with the previous practice week"))
    if comparison is None and week.is_focused_day:
        report.add(Paragraph("The practice week it re-checks cannot be compared here."))
    elif comparison is None:
        report.add(Paragraph("This is the first practice week: it is the benchmark for the next."))
    else:
        report.add(
            Paragraph(
                f"{'The week re-checked' if week.is_focused_day else 'The previous week'} was "
                f"{comparison.previous.title} "
                f"({week_dates(comparison.previous)}), when {comparison.previous_visited_text} "
                f"teams were visited; {'this day' if week.is_focused_day else 'this week'} "
                f"{n['visited']} were."
            )
        )
        if not comparison.comparable:
            report.add(Paragraph(f"{week_analysis.CANNOT_COMPARE}."))
        if comparison.continuing:
            report.add(
                Table(
                    header=("Theme", "Then", "Now", "Change"),
                    rows=tuple(
                        (
                            c.label,
                            c.then.seen_text,
                            c.now.seen_text,
                            c.direction,
                        )
                        for c in comparison.continuing
                    ),
                    caption="Themes seen in both weeks",
                )
            )
        report.add(Heading("New themes", level=2))
        report.add(
            Bullets(tuple(f"{c.label}. {c.sentence}" for c in comparison.new))
            if comparison.new
            else Paragraph("None.")
        )
        report.add(Heading("Themes no longer seen", level=2))
        report.add(
            Bullets(
                tuple(
                    f"{c.label} (seen in {c.count_text} of {c.visited_text} teams last time)"
                    for c in comparison.gone
                )
            )
            if comparison.gone
            else Paragraph("None.")
        )

    # -- action plan
    report.add(Heading("Action plan"))
    rows = tuple(
        (
            a.issue + (f" ({a.team.name})" if a.team_id and a.team.name not in a.issue else ""),
            a.action,
            a.risk_if_not_done or "Not stated",
            a.get_priority_display(),
            long_date(a.due_date),
            a.owner.full_name,
        )
        for a in actions
    )
    if rows:
        report.add(Table(header=ACTION_PLAN_COLUMNS, rows=rows, caption="Actions from this week"))
    else:
        report.add(
            Paragraph(
                f"No actions have been raised from this {week.get_kind_display().lower()} yet. "
                "Raise them from the themes on the analysis page."
            )
        )
    return report
