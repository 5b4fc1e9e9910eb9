"""The programme report and the agreement report: figures computed once, shown many ways
(HTML, CSV, XLSX, DOCX). Reads only; scoped by the caller through `selectors.report_audits`.

Counts from 1 to 4 are suppressed wherever a table is by team, cohort or month ("fewer than
5"), with one more cell hidden when a single hidden cell could be worked out from the total;
shares and confidence intervals are not shown for groups of fewer than 5 audits.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from lineofsight.actions.models import OPEN_STATUSES, ImprovementAction, SourceType

from . import statistics
from .grades import GOOD_OR_BETTER, GRADES_BEST_FIRST, Cohort, Grade, Impact
from .models import Answer, Audit, AuditProgramme, AuditStatus, Moderation, ToolQuestion

# -- grade distributions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: bool

    @property
    def text(self) -> str:
        return statistics.SUPPRESSED if self.hidden else str(self.count)


@dataclass(frozen=True)
class GradeRow:
    label: str
    n: int
    cells: tuple[Cell, ...]  # in GRADES_BEST_FIRST order
    good_or_better: int

    @property
    def too_small(self) -> bool:
        return self.n < statistics.SUPPRESS_BELOW

    @property
    def n_text(self) -> str:
        return statistics.shown(self.n)

    @property
    def share(self) -> float | None:
        return None if self.too_small or not self.n else self.good_or_better / self.n

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.too_small else statistics.wilson_interval(self.good_or_better, self.n)

    @property
    def share_text(self) -> str:
        return "–" if self.share is None else f"{self.share:.0%}"

    @property
    def interval_text(self) -> str:
        ci = self.interval
        return "–" if ci is None else f"{ci[0]:.0%} to {ci[1]:.0%}"


def grade_row(label: str, grades: Iterable[int]) -> GradeRow:
    counts = Counter(grades)
    values = [counts.get(g, 0) for g in GRADES_BEST_FIRST]
    n = sum(values)
    hidden = (
        statistics.suppress_row(values)
        if n >= statistics.SUPPRESS_BELOW
        else [v > 0 for v in values]
    )
    return GradeRow(
        label=label,
        n=n,
        cells=tuple(Cell(v, h) for v, h in zip(values, hidden, strict=True)),
        good_or_better=sum(counts.get(g, 0) for g in GOOD_OR_BETTER),
    )


def _grouped(rows: Sequence[tuple[str, int]], order: Sequence[str] | None = None) -> list[GradeRow]:
    groups: dict[str, list[int]] = defaultdict(list)
    for key, grade in rows:
        groups[key].append(grade)
    keys = [k for k in order if k in groups] if order is not None else sorted(groups)
    return [grade_row(k, groups[k]) for k in keys]


# -- run chart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunPoint:
    month: datetime.date
    n: int
    share: float | None  # None: fewer than 5 audits that month, not plotted
    in_shift: bool = False

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class RunChartData:
    points: tuple[RunPoint, ...]
    median: float | None
    has_shift: bool
    # Drawing geometry for the SVG, in its own coordinate space (no inline styles needed).
    width: int = 640
    height: int = 240
    margin: int = 40

    def x(self, index: int) -> float:
        span = self.width - 2 * self.margin
        if len(self.points) <= 1:
            return self.margin + span / 2
        return self.margin + span * index / (len(self.points) - 1)

    def y(self, share: float) -> float:
        return self.height - self.margin - (self.height - 2 * self.margin) * share

    @property
    def plotted(self) -> list[tuple[float, float, RunPoint]]:
        return [
            (round(self.x(i), 1), round(self.y(p.share), 1), p)
            for i, p in enumerate(self.points)
            if p.share is not None
        ]

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _ in self.plotted)

    @property
    def median_y(self) -> float | None:
        return None if self.median is None else round(self.y(self.median), 1)

    @property
    def gridlines(self) -> list[tuple[float, str]]:
        return [(round(self.y(v / 100), 1), f"{v}%") for v in (0, 25, 50, 75, 100)]


def _month(moment: datetime.datetime) -> datetime.date:
    local = timezone.localtime(moment)
    return datetime.date(local.year, local.month, 1)


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = datetime.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def run_chart_data(rows: Sequence[tuple[datetime.date, int]]) -> RunChartData:
    """Share graded Good or better, month by month, for months with 5 or more audits."""
    by_month: dict[datetime.date, list[int]] = defaultdict(list)
    for month, grade in rows:
        by_month[month].append(grade)
    if not by_month:
        return RunChartData((), None, False)
    months = _months_between(min(by_month), max(by_month))
    shares: list[float | None] = []
    for m in months:
        grades = by_month.get(m, [])
        if len(grades) < statistics.SUPPRESS_BELOW:
            shares.append(None)
        else:
            shares.append(sum(1 for g in grades if g in GOOD_OR_BETTER) / len(grades))
    chart = statistics.run_chart(shares)
    points = tuple(
        RunPoint(m, len(by_month.get(m, [])), s, i in chart.shift_points)
        for i, (m, s) in enumerate(zip(months, shares, strict=True))
    )
    return RunChartData(points, chart.median, bool(chart.shift_points))


# -- themes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    question: str
    section: str
    answered: int  # answers other than "not applicable"
    concerns: int  # answered "no" (the answers the tool marks as a concern)

    @property
    def share(self) -> float | None:
        return self.concerns / self.answered if self.answered else None

    @property
    def concerns_text(self) -> str:
        return statistics.shown(self.concerns)

    @property
    def share_text(self) -> str:
        if self.share is None or self.answered < statistics.SUPPRESS_BELOW:
            return "–"
        return f"{self.share:.0%}"

    @property
    def interval_text(self) -> str:
        if self.answered < statistics.SUPPRESS_BELOW or statistics.is_suppressed(self.concerns):
            return "–"
        ci = statistics.wilson_interval(self.concerns, self.answered)
        return "–" if ci is None else f"{ci[0]:.0%} to {ci[1]:.0%}"


def themes(audits: QuerySet[Audit], programme: AuditProgramme, limit: int = 10) -> list[Theme]:
    """The questions most often answered "no", in the latest submitted version of each audit."""
    scale = programme.tool_version.answer_scale
    concern_values = {a["value"] for a in scale if a.get("concern")}
    excluded_values = {a["value"] for a in scale if a.get("not_applicable")} | {""}
    counts = (
        Answer.objects.filter(version__audit__in=audits, version__is_current_submission=True)
        .values("question_id", "value")
        .annotate(n=Count("id"))
    )
    answered: Counter = Counter()
    concerns: Counter = Counter()
    for row in counts:
        if row["value"] in excluded_values:
            continue
        answered[row["question_id"]] += row["n"]
        if row["value"] in concern_values:
            concerns[row["question_id"]] += row["n"]
    questions = {
        q.pk: q
        for q in ToolQuestion.objects.filter(pk__in=list(answered)).select_related("section")
    }
    found = [
        Theme(questions[q].text, questions[q].section.title, answered[q], concerns[q])
        for q in answered
        if concerns[q] > 0
    ]
    found.sort(key=lambda t: (-t.concerns, -(t.share or 0), t.section, t.question))
    return found[:limit]


# -- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    team: str
    open: int
    overdue: int
    done: int


def audit_actions(audits: QuerySet[Audit], today: datetime.date) -> list[ActionRow]:
    ids = audits.annotate(sid=Cast("pk", output_field=CharField())).values("sid")
    rows = ImprovementAction.objects.filter(source_type=SourceType.AUDIT, source_id__in=ids).values(
        "team__name", "status", "due_date"
    )
    by_team: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        counts = by_team[row["team__name"] or "No team recorded"]
        if row["status"] in OPEN_STATUSES:
            counts[0] += 1
            if row["due_date"] < today:
                counts[1] += 1
        elif row["status"] == "done":
            counts[2] += 1
    return [ActionRow(team, *counts) for team, counts in sorted(by_team.items())]


# -- agreement ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    label: str
    result: statistics.Agreement

    @property
    def reportable(self) -> bool:
        return self.result.n >= statistics.SUPPRESS_BELOW

    @property
    def exact_text(self) -> str:
        if not self.reportable or self.result.exact is None:
            return "–"
        return f"{self.result.exact:.0%}"

    @property
    def kappa_text(self) -> str:
        if not self.reportable:
            return "–"
        return "not defined" if self.result.kappa is None else f"{self.result.kappa:.2f}"


@dataclass(frozen=True)
class TendencyRow:
    auditor: str
    period: str
    n: int
    higher: int
    same: int
    lower: int
    mean_difference: float

    @property
    def direction(self) -> str:
        if self.mean_difference > 0.25:
            return "Grades higher than moderators"
        if self.mean_difference < -0.25:
            return "Grades lower than moderators"
        return "In line with moderators"


@dataclass(frozen=True)
class AgreementReport:
    weights: str
    overall: AgreementRow
    by_auditor: list[AgreementRow]
    by_team: list[AgreementRow]
    tendency: list[TendencyRow]
    table: list[list[int]]  # auditor grade (rows) x moderator grade (columns), best first


CATEGORIES = [g.value for g in GRADES_BEST_FIRST]


def _quarter(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year} Q{(local.month - 1) // 3 + 1}"


def agreement_report(moderations: QuerySet[Moderation], weights: str = "linear") -> AgreementReport:
    """Auditor against moderator, on the overall grade given blind."""
    rows = list(
        moderations.filter(moderator_grade__isnull=False).values(
            "auditor_grade",
            "moderator_grade",
            "graded_at",
            auditor_name=F("auditor__full_name"),
            team_name=F("audit__team__name"),
        )
    )
    # Category order does not change kappa; best first matches how grades are shown.
    pairs_all = [(r["auditor_grade"], r["moderator_grade"]) for r in rows]

    def make(label: str, pairs: list[tuple[int, int]]) -> AgreementRow:
        return AgreementRow(label, statistics.agreement(pairs, CATEGORIES, weights))

    by_auditor: dict[str, list] = defaultdict(list)
    by_team: dict[str, list] = defaultdict(list)
    by_period: dict[tuple[str, str], list] = defaultdict(list)
    for r in rows:
        pair = (r["auditor_grade"], r["moderator_grade"])
        by_auditor[r["auditor_name"]].append(pair)
        by_team[r["team_name"] or "No team recorded"].append(pair)
        by_period[(r["auditor_name"], _quarter(r["graded_at"]))].append(pair)
    tendency = []
    for (auditor, period), pairs in sorted(by_period.items()):
        result = statistics.agreement(pairs, CATEGORIES, weights)
        tendency.append(
            TendencyRow(
                auditor,
                period,
                result.n,
                result.higher,
                result.same,
                result.lower,
                result.mean_difference or 0.0,
            )
        )
    return AgreementReport(
        weights=weights,
        overall=make("All moderated audits", pairs_all),
        by_auditor=[make(k, v) for k, v in sorted(by_auditor.items())],
        by_team=[make(k, v) for k, v in sorted(by_team.items())],
        tendency=tendency,
        table=statistics.agreement_table(pairs_all, CATEGORIES),
    )


# -- the programme report ----------------------------------------------------------------------


@dataclass
class ProgrammeReport:
    programme: AuditProgramme
    generated_at: datetime.datetime
    total: int
    submitted: int
    in_progress: int
    not_started: int
    overdue: int
    overall: GradeRow
    by_team: list[GradeRow]
    by_cohort: list[GradeRow]
    by_month: list[GradeRow]
    run_chart: RunChartData
    impact: list[tuple[str, Cell]]
    themes: list[Theme]
    actions: list[ActionRow]
    agreement: AgreementReport
    grade_labels: list[str] = field(default_factory=lambda: [g.label for g in GRADES_BEST_FIRST])

    @property
    def overall_rows(self) -> list[GradeRow]:
        return [self.overall]


def programme_report(
    programme: AuditProgramme, audits: QuerySet[Audit], weights: str = "linear"
) -> ProgrammeReport:
    today = timezone.localdate()
    rows = list(
        audits.values_list(
            "status", "due_date", "final_grade", "cohort", "team__name", "first_submitted_at"
        )
    )
    graded = [r for r in rows if r[0] == AuditStatus.SUBMITTED and r[2] is not None]
    status_counts = Counter(r[0] for r in rows)
    overdue = sum(1 for r in rows if r[0] != AuditStatus.SUBMITTED and r[1] and r[1] < today)
    cohort_labels = dict(Cohort.choices)
    by_month_rows = [(_month(r[5]), r[2]) for r in graded if r[5] is not None]
    impact_counts = Counter(
        audits.filter(status=AuditStatus.SUBMITTED).values_list("impact", flat=True)
    )
    impact_values = [impact_counts.get(v, 0) for v in Impact.values]
    impact_hidden = statistics.suppress_row(impact_values)
    moderations = Moderation.objects.filter(audit__in=audits)
    return ProgrammeReport(
        programme=programme,
        generated_at=timezone.now(),
        total=len(rows),
        submitted=status_counts.get(AuditStatus.SUBMITTED, 0),
        in_progress=status_counts.get(AuditStatus.IN_PROGRESS, 0),
        not_started=status_counts.get(AuditStatus.NOT_STARTED, 0),
        overdue=overdue,
        overall=grade_row("All audits", [r[2] for r in graded]),
        by_team=_grouped([(r[4] or "No team recorded", r[2]) for r in graded]),
        by_cohort=_grouped(
            [(cohort_labels.get(r[3], r[3]), r[2]) for r in graded],
            order=[label for _, label in Cohort.choices],
        ),
        by_month=[
            grade_row(f"{m:%B %Y}", [g for mm, g in by_month_rows if mm == m])
            for m in sorted({m for m, _ in by_month_rows})
        ],
        run_chart=run_chart_data(by_month_rows),
        impact=[
            (label, Cell(v, h))
            for (_, label), v, h in zip(Impact.choices, impact_values, impact_hidden, strict=True)
        ],
        themes=themes(audits, programme),
        actions=audit_actions(audits, today),
        agreement=agreement_report(moderations, weights),
    )


def grade_name(value: int) -> str:
    return Grade(value).label
