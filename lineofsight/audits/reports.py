"""The programme report and the agreement report: figures computed once, shown many ways
(HTML, CSV, XLSX, DOCX). Reads only; scoped by the caller through `selectors.report_audits`.

Every figure goes through the one small-number rule (`lineofsight.web.figures`): a count of 1
to 4 reads "fewer than 5" (in a grade table one more cell is hidden when a single hidden cell
could be worked out from the total); a share, its confidence interval, an agreement or an
average is withheld when the number above or below the line is 1 to 4. Each figure has a `..._text`
for pages and documents and a `..._cell` for spreadsheets (a number where it can be shown, so
Excel stores numbers, not text).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import CharField, Count, F, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from lineofsight.actions.models import OPEN_STATUSES, ImprovementAction, SourceType
from lineofsight.web import figures
from lineofsight.web.dates import add_months

from . import statistics
from .grades import GOOD_OR_BETTER, GRADES_BEST_FIRST, Cohort, Grade, Impact
from .models import Answer, Audit, AuditProgramme, AuditStatus, Moderation, ToolQuestion

# -- grade distributions -----------------------------------------------------------------------


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def share_of(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when there is nothing to divide or it is withheld."""
    if not denominator or figures.share_withheld(numerator, denominator):
        return None
    return numerator / denominator


def _share_text(numerator: int, denominator: int) -> str:
    return figures.share_text(numerator, denominator, decimals=0)


def _interval_text(numerator: int, denominator: int) -> str:
    if share_of(numerator, denominator) is None:
        return "–"
    ci = statistics.wilson_interval(numerator, denominator)
    return "–" if ci is None else f"{ci[0]:.0%} to {ci[1]:.0%}"


def _count_text(name: str) -> property:
    """A property: the count at attribute path `name`, as the page shows it."""
    read = attrgetter(name)
    return property(lambda self: figures.count_text(read(self)))


def _count_cell(name: str) -> property:
    """A property: the count at attribute path `name`, for a spreadsheet cell."""
    read = attrgetter(name)
    return property(lambda self: figures.count_cell(read(self)))


def _share_of(numerator: str, denominator: str) -> property:
    """A property: one count as a share of another, as the page shows it."""
    return property(lambda self: _share_text(getattr(self, numerator), getattr(self, denominator)))


def _interval_of(numerator: str, denominator: str) -> property:
    """A property: the 95% interval of that share, as the page shows it."""
    return property(
        lambda self: _interval_text(getattr(self, numerator), getattr(self, denominator))
    )


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: bool

    @property
    def text(self) -> str:
        return figures.hidden_text(self.count) if self.hidden else figures.count_text(self.count)

    @property
    def cell(self) -> int | str:
        """For a spreadsheet: the number, or the text when it is hidden."""
        return figures.hidden_text(self.count) if self.hidden else figures.count_cell(self.count)


@dataclass(frozen=True)
class GradeRow:
    label: str
    n: int
    cells: tuple[Cell, ...]  # in GRADES_BEST_FIRST order
    good_or_better: int

    @property
    def too_small(self) -> bool:
        return self.n < statistics.SUPPRESS_BELOW

    n_text = _count_text("n")
    n_cell = _count_cell("n")

    @property
    def share(self) -> float | None:
        return share_of(self.good_or_better, self.n)

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.share is None:
            return None
        return statistics.wilson_interval(self.good_or_better, self.n)

    share_text = _share_of("good_or_better", "n")
    interval_text = _interval_of("good_or_better", "n")


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
    share: float | None  # None: withheld (1 to 4 audits, or 1 to 4 Good or better), not plotted
    in_shift: bool = False
    good: int = 0

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"

    n_text = _count_text("n")
    n_cell = _count_cell("n")
    share_text = _share_of("good", "n")


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
        current = add_months(current, 1)
    return months


def run_chart_data(rows: Sequence[tuple[datetime.date, int]]) -> RunChartData:
    """Share graded Good or better, month by month, where the small-number rule lets it be
    shown (5 or more audits, and not 1 to 4 of them Good or better)."""
    by_month: dict[datetime.date, list[int]] = defaultdict(list)
    for month, grade in rows:
        by_month[month].append(grade)
    if not by_month:
        return RunChartData((), None, False)
    months = _months_between(min(by_month), max(by_month))
    shares: list[float | None] = []
    goods: list[int] = []
    for m in months:
        grades = by_month.get(m, [])
        good = sum(1 for g in grades if g in GOOD_OR_BETTER)
        goods.append(good)
        shares.append(
            None if len(grades) < statistics.SUPPRESS_BELOW else share_of(good, len(grades))
        )
    chart = statistics.run_chart(shares)
    points = tuple(
        RunPoint(m, len(by_month.get(m, [])), s, i in chart.shift_points, good)
        for i, (m, s, good) in enumerate(zip(months, shares, goods, strict=True))
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
        return share_of(self.concerns, self.answered)

    answered_text = _count_text("answered")
    answered_cell = _count_cell("answered")
    concerns_text = _count_text("concerns")
    concerns_cell = _count_cell("concerns")
    share_text = _share_of("concerns", "answered")
    interval_text = _interval_of("concerns", "answered")


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
    found.sort(key=lambda t: (-t.concerns, -(t.concerns / t.answered), t.section, t.question))
    return found[:limit]


# -- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    team: str
    open: int
    overdue: int
    done: int

    @property
    def texts(self) -> tuple[str, str, str]:
        return tuple(figures.count_text(n) for n in (self.open, self.overdue, self.done))

    @property
    def cells(self) -> list[int | str]:
        return [figures.count_cell(n) for n in (self.open, self.overdue, self.done)]


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
        if not self.result.n:
            return "–"
        return _share_text(self.result.same, self.result.n)

    @property
    def exact_cell(self) -> float | str | None:
        if not self.result.n:
            return None
        share = share_of(self.result.same, self.result.n)
        return figures.SUPPRESSED if share is None else round(share, 4)

    @property
    def kappa_text(self) -> str:
        if not self.result.n:
            return "–"
        if not self.reportable:
            return figures.SUPPRESSED
        return "not defined" if self.result.kappa is None else f"{self.result.kappa:.2f}"

    @property
    def kappa_cell(self) -> float | str | None:
        if self.reportable and self.result.kappa is not None:
            return round(self.result.kappa, 4)
        return self.kappa_text if self.result.n else None

    n_text = _count_text("result.n")
    higher_text = _count_text("result.higher")
    same_text = _count_text("result.same")
    lower_text = _count_text("result.lower")

    def cells(self) -> list[int | str]:
        r = self.result
        return [figures.count_cell(n) for n in (r.n, r.higher, r.same, r.lower)]


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
    def texts(self) -> tuple[str, str, str, str]:
        return tuple(figures.count_text(n) for n in (self.n, self.higher, self.same, self.lower))

    @property
    def cells(self) -> list[int | str]:
        return [figures.count_cell(n) for n in (self.n, self.higher, self.same, self.lower)]

    @property
    def mean_difference_text(self) -> str:
        if figures.is_small(self.n):
            return figures.SUPPRESSED
        return f"{self.mean_difference:.2f}"

    @property
    def mean_difference_cell(self) -> float | str:
        if figures.is_small(self.n):
            return figures.SUPPRESSED
        return round(self.mean_difference, 2)

    @property
    def direction(self) -> str:
        if figures.is_small(self.n):
            return "Too few moderated audits to say"
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

    @property
    def table_text(self) -> list[list[str]]:
        return [[figures.count_text(n) for n in row] for row in self.table]

    @property
    def table_cells(self) -> list[list[int | str]]:
        return [[figures.count_cell(n) for n in row] for row in self.table]


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

    @property
    def progress(self) -> list[tuple[str, int]]:
        return [
            ("Files in the programme", self.total),
            ("Submitted", self.submitted),
            ("In progress", self.in_progress),
            ("Not started", self.not_started),
            ("Overdue", self.overdue),
        ]

    @property
    def progress_text(self) -> list[tuple[str, str]]:
        return [(label, figures.count_text(n)) for label, n in self.progress]

    @property
    def progress_cells(self) -> list[tuple[str, int | str]]:
        return [(label, figures.count_cell(n)) for label, n in self.progress]


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
