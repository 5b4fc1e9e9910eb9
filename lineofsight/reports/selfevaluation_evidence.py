"""The evidence a self-evaluation starts from, gathered once per area and kept on it.

`AREAS` is the one place that says which indicators and which practice themes bear on each area
of the self-evaluation. For each area the product gathers, for the year:

- the indicators of the area, with England's latest published figure and the council's target
  (the committee report's `figures.indicator_figures`);
- case-file audit questions most often answered with a concern, among the questions the theme
  vocabulary links to the area's themes;
- practice-week strengths and areas for development tagged with the area's themes;
- feedback from children, families and partners tagged with them (quotes only where the giver
  agreed to share their words);
- improvement actions tagged with them, and whether those done made a difference (the impact
  recorded when someone looked again).

Council-wide audit and moderation figures are kept once, for leadership and management.

`gather` reads everything with the starting person's own reads (the apps' selectors), so it
never shows more than they may see. `freeze` turns it into JSON already through the small-number
rule; the document and the pages read only that JSON, so a download gives the same figures
however the records change afterwards.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.actions.models import CLOSED_STATUSES, RecheckResult, Status
from lineofsight.actions.selectors import actions_visible_to
from lineofsight.audits.models import Answer, Audit, AuditVersion
from lineofsight.casework.models import Snapshot
from lineofsight.feedback.selectors import NOT_SHARED, feedback_for_theme
from lineofsight.framework import vocabulary
from lineofsight.framework.evidence import Evidence, Leaning
from lineofsight.indicators.engine import period_start
from lineofsight.indicators.selectors import targets_by_indicator
from lineofsight.practiceweeks.selectors import observations_for_theme

from . import figures as report_figures
from .figures import shown

FORMAT = 1
EXAMPLES = 3  # quotes and findings kept per area, newest first
TOP_QUESTIONS = 5


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    indicators: tuple[str, ...]  # ids in lineofsight/indicators/definitions
    themes: tuple[str, ...]  # keys in lineofsight/framework/vocabulary.yml
    not_measured: tuple[str, ...] = ()  # what the product does not measure yet, said plainly


AREAS: tuple[Area, ...] = (
    Area(
        "help_and_protection",
        "Help and protection",
        (
            "referrals",
            "rereferral_12m_pct",
            "nfa_pct",
            "assessment_45wd_pct",
            "s47_to_icpc_15wd_pct",
            "cin_at_period_end",
            "cp_at_period_end",
            "cp_per_10k",
            "cp_open_2y_pct",
            "cp_second_plan_pct",
            "cp_visits_in_time_pct",
            "cp_reviews_in_time_pct",
        ),
        (
            "assessment-quality",
            "multi-agency-working",
            "parent-carer-experience",
            "drift-and-delay",
            "planning",
            "voice-of-the-child",
        ),
    ),
    Area(
        "children_in_care",
        "Children in care",
        (
            "cla_at_period_end",
            "cla_per_10k",
            "cla_3plus_placements_pct",
            "cla_reviews_in_time_pct",
            "cla_visits_in_time_pct",
        ),
        ("stability-and-permanence", "planning", "voice-of-the-child"),
    ),
    Area(
        "care_leavers",
        "Care leavers",
        ("care_leavers_in_touch_pct",),
        ("care-leavers",),
        (
            "Care leavers in education, employment or training",
            "Care leavers in suitable accommodation",
            "Care leavers with a pathway plan reviewed in time",
        ),
    ),
    Area(
        "leadership_and_management",
        "Leadership and management",
        (
            "recording_child_voice_pct",
            "recording_analysis_pct",
            "recording_decision_reason_pct",
        ),
        ("leadership-and-oversight", "recording", "good-and-innovative-practice"),
    ),
    Area(
        "the_workforce",
        "The workforce",
        ("caseload_mean", "caseload_over_threshold_pct", "agency_worker_pct"),
        ("workforce-and-wellbeing",),
        (
            "Social worker turnover and vacancies",
            "Sickness absence",
            "How often social workers receive supervision",
            "Training and development",
            "What staff say in the staff survey",
        ),
    ),
)
AREA_KEYS = tuple(a.key for a in AREAS)
ANSWER_KEYS = ("what_we_know", "how_we_know", "what_next")


def area(key: str) -> Area:
    for a in AREAS:
        if a.key == key:
            return a
    raise KeyError(key)


# -- gathering ----------------------------------------------------------------------------------


@dataclass
class _Counted:
    """What one area's records add up to, before the small-number rule."""

    strengths: list[Evidence] = field(default_factory=list)
    developments: list[Evidence] = field(default_factory=list)
    feedback: list[Evidence] = field(default_factory=list)


def _in_year(item: Evidence, start: datetime.date, end: datetime.date) -> bool:
    return item.date is not None and start <= item.date <= end


def _unique(items: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for item in items:
        key = (item.url, item.title, item.summary)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return sorted(out, key=lambda e: (e.date or datetime.date.min, e.title), reverse=True)


def _practice(actor: User, a: Area, start: datetime.date, end: datetime.date) -> dict:
    found = _unique(
        [
            e
            for key in a.themes
            for e in observations_for_theme(actor, key)
            if _in_year(e, start, end)
        ]
    )
    strengths = [e for e in found if e.leaning is Leaning.STRENGTH]
    developments = [e for e in found if e.leaning is Leaning.CONCERN]
    return {
        "strengths": shown(len(strengths)),
        "developments": shown(len(developments)),
        "any": bool(found),
        # Findings are written by assessors about practice, never naming a child.
        "strength_examples": [e.summary for e in strengths[:EXAMPLES]],
        "development_examples": [e.summary for e in developments[:EXAMPLES]],
    }


def _feedback(actor: User, a: Area, start: datetime.date, end: datetime.date) -> dict:
    found = _unique(
        [e for key in a.themes for e in feedback_for_theme(actor, key) if _in_year(e, start, end)]
    )
    leanings = Counter(e.leaning for e in found)
    return {
        "total": shown(len(found)),
        "any": bool(found),
        "positive": shown(leanings[Leaning.STRENGTH]),
        "negative": shown(leanings[Leaning.CONCERN]),
        "neutral": shown(leanings[Leaning.NEUTRAL]),
        # Only the words of people who agreed to share them.
        "quotes": [
            f"{e.title}: “{e.summary}”" for e in found if e.summary != NOT_SHARED and e.summary
        ][:EXAMPLES],
    }


def _actions(
    actor: User, a: Area, start: datetime.date, end: datetime.date, cutoff: datetime.datetime
) -> dict:
    today = timezone.localtime(cutoff).date()
    wanted = set(a.themes)
    counts = Counter()
    for status, due, created, closed_at, result, rechecked_at, themes in (
        actions_visible_to(actor)
        .filter(created_at__lte=cutoff)
        .values_list(
            "status",
            "due_date",
            "created_at",
            "closed_at",
            "recheck_result",
            "rechecked_at",
            "themes",
        )
    ):
        if not wanted & set(themes or []):
            continue
        if start <= timezone.localtime(created).date() <= end:
            counts["raised"] += 1
        closed = status in CLOSED_STATUSES and closed_at is not None and closed_at <= cutoff
        if not closed:
            counts["open"] += 1
            counts["overdue"] += int(due < today)
            continue
        if status != Status.DONE or not start <= timezone.localtime(closed_at).date() <= end:
            continue
        counts["done"] += 1
        if result and rechecked_at is not None and rechecked_at <= cutoff:
            counts[result] += 1
        else:
            counts["not_checked"] += 1
    return {
        "any": bool(counts),
        "raised": shown(counts["raised"]),
        "open": shown(counts["open"]),
        "overdue": shown(counts["overdue"]),
        "done": shown(counts["done"]),
        "improved": shown(counts[RecheckResult.IMPROVED]),
        "partly": shown(counts[RecheckResult.PARTLY]),
        "not_improved": shown(counts[RecheckResult.NOT_IMPROVED]),
        "not_checked": shown(counts["not_checked"]),
    }


def _norm(part: str) -> str:
    return part.strip().lower().replace("_", "-")


def _covers(a: Area, path: tuple[str, str, str]) -> bool:
    tool, section, question = (_norm(p) for p in path)
    paths = {tool, f"{tool}.{section}", f"{tool}.{section}.{question}"}
    for key in a.themes:
        theme = vocabulary.get(key)
        if theme.covers_question(*path) or any(_norm(q) in paths for q in theme.audit_questions):
            return True
    return False


def _audit_versions(
    start: datetime.date, end: datetime.date, cutoff: datetime.datetime
) -> list[int]:
    """The latest submitted version, at the cut-off, of each audit first submitted in the year
    (the audits the committee report counts)."""
    since, until = report_figures._bounds(start, end, cutoff)
    ids = Audit.objects.filter(first_submitted_at__gte=since, first_submitted_at__lt=until)
    latest: dict[int, int] = {}
    for version_id, audit_id in (
        AuditVersion.objects.filter(
            audit_id__in=ids.values("pk"), submitted_at__isnull=False, submitted_at__lte=cutoff
        )
        .order_by("audit_id", "number")
        .values_list("pk", "audit_id")
    ):
        latest[audit_id] = version_id
    return list(latest.values())


def _audit_rows(version_ids: list[int]) -> list[dict]:
    if not version_ids:
        return []
    return list(
        Answer.objects.filter(version_id__in=version_ids)
        .values(
            "question__text",
            "question__key",
            "question__section__title",
            "question__section__key",
            "question__section__tool_version__tool__key",
            "question__section__tool_version__answer_scale",
            "value",
        )
        .annotate(n=Count("id"))
    )


def _audit_questions(a: Area, rows: list[dict]) -> list[dict]:
    """The area's audit questions most often answered with a concern."""
    covered = [
        row
        for row in rows
        if _covers(
            a,
            (
                row["question__section__tool_version__tool__key"],
                row["question__section__key"],
                row["question__key"],
            ),
        )
    ]
    answered, concerns, ranked = report_figures.concern_tally(
        covered, scale_field="question__section__tool_version__answer_scale"
    )
    return [
        {
            "question": question,
            "section": section,
            "concerns": shown(concerns[(section, question)]),
            "answered": shown(answered[(section, question)]),
            "share": report_figures.share_text(
                concerns[(section, question)], answered[(section, question)]
            ),
        }
        for section, question in ranked[:TOP_QUESTIONS]
    ]


def _indicator_line(line: report_figures.IndicatorLine) -> dict:
    return {
        "id": line.id,
        "title": line.title,
        "value": line.rate if line.rate != "–" else line.number,
        "england": line.england,
        "published": line.published,
        "target": line.target or "–",
        "rag_text": line.rag_text,
        "rag": line.rag.value if line.rag else "",
        "no_data_reason": report_figures.plain_words(line.no_data_reason),
    }


def gather(
    *, actor: User, snapshot: Snapshot, year_end: datetime.date, at: datetime.datetime
) -> dict:
    """Every area's evidence for the year to `year_end`, as JSON to keep (see the module)."""
    start = period_start(year_end)
    targets = {key: (t.target, t.amber_margin) for key, t in sorted(targets_by_indicator().items())}
    indicators = report_figures.indicator_figures(snapshot, year_end, targets)
    lines = {line.id: line for line in indicators.lines}
    audits = report_figures.audit_figures(start, year_end, at)
    rows = _audit_rows(_audit_versions(start, year_end, at))
    areas = {}
    for a in AREAS:
        areas[a.key] = {
            "indicators": [_indicator_line(lines[i]) for i in a.indicators if i in lines],
            "not_measured": list(a.not_measured),
            "audit_questions": _audit_questions(a, rows),
            "practice": _practice(actor, a, start, year_end),
            "feedback": _feedback(actor, a, start, year_end),
            "actions": _actions(actor, a, start, year_end, at),
        }
    return {
        "format": FORMAT,
        "counted_at": at.isoformat(),
        "period": report_figures.period_text(year_end),
        "snapshot_line": report_figures.snapshot_line(snapshot),
        "indicators_note": report_figures.plain_words(
            indicators.unavailable or indicators.comparisons_note
        ),
        "audits": {
            "completed": audits.completed_text,
            "good_or_better": audits.good_or_better,
            "moderated": audits.moderated_text,
            "exact_agreement": audits.exact_agreement,
            "programmes": shown(len(audits.programmes)),
        },
        "areas": areas,
    }


# -- reading what was kept ----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaEvidence:
    """One area's kept evidence, with the council-wide parts a page or document needs."""

    area: Area
    data: dict
    whole: dict

    @property
    def indicators(self) -> list[dict]:
        return self.data.get("indicators", [])

    @property
    def short_of_target(self) -> list[dict]:
        return [line for line in self.indicators if line.get("rag") in ("red", "amber")]

    @property
    def meeting_target(self) -> list[dict]:
        return [line for line in self.indicators if line.get("rag") == "green"]

    @property
    def not_measured(self) -> list[str]:
        return self.data.get("not_measured", [])

    @property
    def audit_questions(self) -> list[dict]:
        return self.data.get("audit_questions", [])

    @property
    def practice(self) -> dict:
        return self.data.get("practice", {})

    @property
    def feedback(self) -> dict:
        return self.data.get("feedback", {})

    @property
    def actions(self) -> dict:
        return self.data.get("actions", {})

    @property
    def audits(self) -> dict:
        """Council-wide audit figures: shown under leadership and management only."""
        return self.whole.get("audits", {}) if self.area.key == "leadership_and_management" else {}

    @property
    def period(self) -> str:
        return self.whole.get("period", "")

    @property
    def theme_labels(self) -> str:
        labels = [vocabulary.label(k) for k in self.area.themes]
        return ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]


def evidence_of(frozen: dict, key: str) -> AreaEvidence:
    return AreaEvidence(area(key), frozen.get("areas", {}).get(key, {}), frozen)


def all_evidence(frozen: dict) -> list[AreaEvidence]:
    return [evidence_of(frozen, a.key) for a in AREAS]


def counted_text(frozen: dict) -> str:
    at = frozen.get("counted_at")
    return report_figures.moment_text(datetime.datetime.fromisoformat(at)) if at else ""


# -- the first draft ----------------------------------------------------------------------------


def _titles(lines: list[dict]) -> str:
    titles = [line["title"].lower() if i else line["title"] for i, line in enumerate(lines)]
    return ", ".join(titles[:-1]) + (" and " if len(titles) > 1 else "") + titles[-1]


def audit_sentence(a: dict) -> str:
    """The council's case-file audits for the year in one sentence."""
    if a.get("completed") == "0":
        return "Case-file audits: none were completed in the year."
    return (
        f"Case-file audits: {a['completed']} completed in the year; graded good or better: "
        f"{a['good_or_better']}. Moderated: {a['moderated']}; exact agreement between auditor "
        f"and moderator: {a['exact_agreement']}."
    )


def draft_answers(ev: AreaEvidence) -> dict[str, str]:
    """A short first draft of the three answers, built only from the kept evidence and said as
    suggestions for the author to check and rewrite; it never states a judgement of its own."""
    know: list[str] = []
    how: list[str] = []
    nxt: list[str] = []
    green, short = ev.meeting_target, ev.short_of_target
    if green:
        know.append(f"Meeting the council's target: {_titles(green)}.")
    if short:
        know.append(f"Short of the council's target: {_titles(short)}.")
        nxt.append(f"[Say what will be done about: {_titles(short)}.]")
    with_figures = [line for line in ev.indicators if not line.get("no_data_reason")]
    if with_figures and not (green or short):
        know.append(
            f"The year's figures for {_titles(with_figures)} are in the evidence below, with "
            "England's. [Say what they show.]"
        )
    p = ev.practice
    if p.get("any"):
        know.append(
            f"Practice weeks found {p['strengths']} strengths and {p['developments']} areas for "
            "development on these themes. [Say what they show.]"
        )
        how.append("Practice-week observations of visits to children and families.")
    if ev.audit_questions:
        first = ev.audit_questions[0]
        know.append(
            f"The audit question most often answered with a concern: “{first['question']}” "
            f"({first['concerns']} audits)."
        )
    if ev.audits:
        how.append(audit_sentence(ev.audits))
    elif ev.audit_questions:
        how.append("Case-file audits and their answers on these themes.")
    f = ev.feedback
    if f.get("any"):
        know.append(
            f"Feedback on these themes: {f['total']} in the year, {f['positive']} positive and "
            f"{f['negative']} complaints or unhappy. [Say what children and families told us.]"
        )
        how.append("Feedback from children, families and partners.")
    act = ev.actions
    if act.get("any"):
        how.append(
            f"Improvement actions: {act['done']} done in the year; where someone looked again, "
            f"{act['improved']} improved practice, {act['partly']} partly and "
            f"{act['not_improved']} did not."
        )
        nxt.append(
            f"Improvement actions open: {act['open']}, of them overdue: {act['overdue']}. "
            "[Say which matter most and when they will be done.]"
        )
    if ev.indicators:
        how.insert(0, "The council's case data, compared with England and our targets.")
    if ev.not_measured:
        how.append("Not measured in the product yet: " + "; ".join(ev.not_measured).lower() + ".")
    if not know:
        know.append("[No evidence on this area was recorded in the product this year.]")
    nxt.append("[Say who will do it, by when, and how we will know it made a difference.]")
    return {
        "what_we_know": "\n\n".join(know),
        "how_we_know": "\n\n".join(how) or "[Say where this comes from.]",
        "what_next": "\n\n".join(nxt),
    }
