"""What the committee report counts: every figure of a "Quality of practice" report for a year.

`figures(report)` gathers every figure once (the detail page previews them, `document.py` lays
them out and writes them as DOCX and PDF).

Reproducible: the casework figures come from the report's snapshot, which never changes. The
practice records (audits, moderation, group supervision, improvement actions) and the council's
targets are counted when the report is started, or when a writer counts them again, and that
moment is printed (`CommitteeReport.figures_counted_at`). What was counted then is kept on the
report (`CommitteeReport.frozen_figures`), so downloading it again gives the same figures (and
the same PDF bytes) however the records change afterwards. Reports started before figures were
kept are counted as the records stood when their snapshot was imported, as before.

The body speaks to councillors: the case data "as at" a date, never a snapshot's number, a
table's or a setting's name (`plain_words`).

Only aggregates are shown, with the board's small-number rule (`indicators.presentation`): a
count of 1 to 4 reads "fewer than 5"; a percentage, rate or average is withheld when its
numerator or denominator is 1 to 4. A figure the data cannot give says "No data" and why,
never 0%.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
from django.db.models import Count
from django.utils import timezone

from lineofsight.actions.models import CLOSED_STATUSES, ImprovementAction, SourceType, Status
from lineofsight.audits import statistics
from lineofsight.audits.grades import GOOD_OR_BETTER, GRADES_BEST_FIRST
from lineofsight.audits.models import Answer, Audit, AuditVersion, Moderation
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.feedback import healthcheck_selectors
from lineofsight.indicators import catalogue, coverage, engine, presentation
from lineofsight.indicators.comparators import comparisons
from lineofsight.indicators.engine import period_start
from lineofsight.indicators.selectors import targets_by_indicator
from lineofsight.indicators.types import Comparison, IndicatorValue, Polarity, Source, Unit
from lineofsight.publishedstats import measures
from lineofsight.supervision import followup
from lineofsight.supervision.models import Session, SessionCase
from lineofsight.timeliness import flags as drift_flags
from lineofsight.web import figures as figures_rule
from lineofsight.worklists.flags import flag as flag_label

from .models import CommitteeReport

log = logging.getLogger(__name__)

# Indicators drawn as run charts, month by month (those the catalogue has, in this order).
KEY_INDICATORS = (
    "assessment_45wd_pct",
    "rereferral_12m_pct",
    "cp_second_plan_pct",
    "cla_3plus_placements_pct",
    "cp_visits_in_time_pct",
)
KEY_CHARTS = 4
TOP_THEMES = 5


def day(value: datetime.date) -> str:
    """A date as people read it: 1 April 2025."""
    return f"{value.day} {value:%B %Y}"


def period_text(period_end: datetime.date) -> str:
    return f"{day(period_start(period_end))} to {day(period_end)}"


def published_year(year: int) -> str:
    """The DfE's reporting year ending 31 March `year`, as "2024 to 2025"."""
    return f"{year - 1} to {year}"


def shown(count: int) -> str:
    """A count through the one small-number rule (`lineofsight.web.figures`)."""
    return figures_rule.count_text(count)


def share_text(numerator: int, denominator: int) -> str:
    """A percentage, withheld by the one small-number rule; "No data" when there is nothing to
    divide."""
    return figures_rule.share_text(numerator, denominator)


def chart_count(count: int) -> float | None:
    """A count for a chart: None (no bar) where the table says "fewer than 5"."""
    return None if presentation.is_small(count) else float(count)


# -- the figures --------------------------------------------------------------------------------


# Red, amber and green in words (never colour alone) and the cell colour (GOV.UK tag colours,
# light enough for black text to pass contrast).
RAG_WORDS = {
    presentation.Rag.GREEN: "Green: meets the target",
    presentation.Rag.AMBER: "Amber: just short of the target",
    presentation.Rag.RED: "Red: short of the target",
}
RAG_FILLS = {
    presentation.Rag.GREEN: "CCE2D8",
    presentation.Rag.AMBER: "FFF7BF",
    presentation.Rag.RED: "F4CDC6",
}


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    title: str
    value: str  # the figure as shown: a count, a rate, "fewer than 5", "No data"
    number: str  # the count: the figure itself for a count, else the numerator ("–" if hidden)
    out_of: str  # the denominator of a rate or share ("–" for a count or a hidden figure)
    rate: str  # the rate, share or average ("–" for a count)
    england: str
    region: str
    neighbours: str
    published: str  # the latest published year compared with
    no_data_reason: str = ""
    target: str = ""  # the council's target, "" when none is set
    rag: presentation.Rag | None = None
    rag_text: str = ""  # red, amber or green in words, or why there is no rating
    figure: float | None = None  # the number itself, when it can be shown (for charts)
    polarity: Polarity = Polarity.NEITHER

    @property
    def fraction(self) -> str:
        """ "numerator / denominator", or "" for counts and hidden figures."""
        return "" if "–" in (self.number, self.out_of) else f"{self.number} / {self.out_of}"

    @property
    def rag_fill(self) -> str:
        return RAG_FILLS.get(self.rag, "") if self.rag else ""

    @property
    def rag_class(self) -> str:
        """The GOV.UK tag colour for the page."""
        return self.rag.tag_colour if self.rag else "grey"


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    text: str


@dataclass(frozen=True)
class Trend:
    id: str
    title: str
    unit: Unit
    points: tuple[TrendPoint, ...]
    benchmark: float | None
    benchmark_text: str
    # Red or amber: drawn against its target, with the rating said in words.
    target: float | None = None
    target_text: str = ""
    rag_text: str = ""

    @property
    def has_values(self) -> bool:
        return any(p.value is not None for p in self.points)

    @property
    def unit_label(self) -> str:
        return presentation.unit_text(self.unit)


@dataclass
class IndicatorFigures:
    lines: list[IndicatorLine] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    unavailable: str = ""  # why no indicator could be computed at all
    comparisons_note: str = ""
    # (title, why) for each figure the snapshot's source cannot support (indicators.coverage)
    unsupported: list[tuple[str, str]] = field(default_factory=list)

    @property
    def missing(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.no_data_reason]

    @property
    def rag_counts(self) -> dict[str, int]:
        counts = {r.value: 0 for r in presentation.Rag}
        for line in self.lines:
            if line.rag is not None:
                counts[line.rag.value] += 1
        return counts

    @property
    def rag_summary(self) -> str:
        return _rag_summary(self)

    @property
    def red_or_amber(self) -> list[Trend]:
        return [t for t in self.trends if t.rag_text]

    @property
    def key_trends(self) -> list[Trend]:
        return [t for t in self.trends if not t.rag_text]


@dataclass(frozen=True)
class ThemeLine:
    question: str
    section: str
    concerns: str
    share: str


@dataclass
class AuditFigures:
    completed: int = 0
    grades: list[tuple[str, str, float | None]] = field(default_factory=list)  # label, text, bar
    good_or_better: str = "No data"
    grade_shares: list[str] = field(default_factory=list)  # each grade's share, as `grades`
    programmes: list[str] = field(default_factory=list)
    moderated: int = 0
    exact_agreement: str = "No data"
    kappa: str = "No data"
    themes: list[ThemeLine] = field(default_factory=list)

    @property
    def completed_text(self) -> str:
        return shown(self.completed)

    @property
    def grade_rows(self) -> list[tuple[str, str, str]]:
        """(grade, audits, share of graded audits): the count and the share apart."""
        shares = self.grade_shares
        if len(shares) != len(self.grades):
            shares = ["–"] * len(self.grades)
        pairs = zip(self.grades, shares, strict=True)
        return [(label, text, share) for (label, text, _), share in pairs]

    @property
    def moderated_text(self) -> str:
        return shown(self.moderated)


@dataclass(frozen=True)
class FlagLine:
    id: str
    title: str
    count: str
    bar: float | None
    not_checked: str = ""  # why the data could not show this flag


@dataclass
class DriftFigures:
    available: bool = False
    reason: str = ""
    open_children: str = ""
    flagged_children: str = ""
    flagged_share: str = ""
    lines: list[FlagLine] = field(default_factory=list)

    @property
    def checked(self) -> list[FlagLine]:
        return [line for line in self.lines if not line.not_checked]

    @property
    def unchecked(self) -> list[FlagLine]:
        return [line for line in self.lines if line.not_checked]


@dataclass
class SupervisionFigures:
    sessions: int = 0
    teams: int = 0
    cases: int = 0
    children: int = 0
    with_flags: int = 0
    judged: int = 0
    cleared: int = 0
    too_recent: int = 0
    actions: int = 0
    done_on_time: int = 0
    done_late: int = 0
    not_done: int = 0
    open_overdue: int = 0
    open_not_due: int = 0

    @property
    def cleared_share(self) -> str:
        return share_text(self.cleared, self.judged)

    @property
    def texts(self) -> dict[str, str]:
        """Every count as the report shows it (small numbers suppressed)."""
        return {name: shown(getattr(self, name)) for name in self.__dataclass_fields__}

    @property
    def on_time_share(self) -> str:
        return share_text(self.done_on_time, self.actions - self.open_not_due)


@dataclass(frozen=True)
class ActionLine:
    source: str
    raised: str
    open: str
    overdue: str
    done: str


@dataclass
class ActionFigures:
    lines: list[ActionLine] = field(default_factory=list)
    total: ActionLine | None = None


@dataclass
class ReportFigures:
    report: CommitteeReport
    snapshot: Snapshot
    period_start: datetime.date
    period_end: datetime.date
    cutoff: datetime.datetime
    indicators: IndicatorFigures
    audits: AuditFigures
    drift: DriftFigures
    supervision: SupervisionFigures
    actions: ActionFigures
    definitions: list = field(default_factory=list)  # the catalogue's Indicators in the table
    # The latest closed staff health check, council-wide (feedback.healthcheck_selectors).
    health_check: dict | None = None

    @property
    def period(self) -> str:
        return period_text(self.period_end)

    @property
    def snapshot_line(self) -> str:
        return snapshot_line(self.snapshot)

    @property
    def counted_text(self) -> str:
        """The moment the practice records were counted: "14:05 on 2 May 2026"."""
        return moment_text(self.cutoff)

    @property
    def cutoff_line(self) -> str:
        return (
            "Audits, moderation, group supervision and improvement actions are counted as "
            f"they stood at {self.counted_text}, when this report's figures were produced, "
            "against the targets set then. Later records and later changes are left out, so "
            "the report gives the same figures each time it is downloaded."
        )


def moment_text(when: datetime.datetime) -> str:
    local = timezone.localtime(when)
    return f"{local:%H:%M} on {day(local.date())}"


def snapshot_line(snapshot: Snapshot) -> str:
    """Where the casework figures come from, in words a councillor reads (no snapshot number)."""
    imported = timezone.localtime(snapshot.created_at).date()
    return (
        f"Produced from the case data as at {day(snapshot.as_at)}, taken from the case "
        f"management system on {day(imported)}."
    )


_TABLE_NAME = re.compile(r"\bssd_[a-z0-9_]+\b")
_SETTING_NAME = re.compile(r"(?:the setting )?\bLINEOFSIGHT_[A-Z0-9_]+\b")
_COMMAND = re.compile(r",? or run lineofsight [a-z-]+")


def plain_words(text: str) -> str:
    """Text for the report's body without a table's, a setting's or a command's name: a
    table is said in words, a setting is "set by the council", a command is left out."""
    text = _TABLE_NAME.sub(lambda m: engine.TABLE_WORDS.get(m.group(0), "case records"), text)
    text = _SETTING_NAME.sub("set by the council", text)
    return _COMMAND.sub("", text)


def _bounds(
    start: datetime.date, end: datetime.date, cutoff: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes [from, to), never later than the cut-off."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    return since, min(until, cutoff + datetime.timedelta(microseconds=1))


def _value_text(value: float | None, unit: Unit) -> str:
    return "–" if value is None else presentation.format_number(value, unit)


def indicator_figures(
    snapshot: Snapshot,
    period_end: datetime.date,
    targets: dict[str, tuple[float, float]] | None = None,
) -> IndicatorFigures:
    """The snapshot's indicators for the year, rated against `targets` ({indicator id:
    (target, amber margin)}, as counted for the report), with a run chart for every red or
    amber one and for the key indicators."""
    targets = targets or {}
    found = IndicatorFigures()
    try:
        values = engine.compute(snapshot=snapshot, period_end=period_end)
    except (store.SnapshotFileMissing, OSError, duckdb.Error) as exc:
        log.warning("Indicators could not be computed for snapshot %s", snapshot.pk, exc_info=True)
        found.unavailable = (
            "No data: the indicators could not be worked out from this case data."
            if not isinstance(exc, store.SnapshotFileMissing)
            else "No data: this case data is no longer kept, so its indicators cannot be "
            "worked out again."
        )
        return found
    try:
        published: dict[str, Comparison] = _comparisons(period_end.year)
    except (ValueError, LookupError, OSError) as exc:
        published = {}
        found.comparisons_note = f"Published comparisons are not available: {exc}"
    snapshot_values = [v for v in values if v.indicator.source is Source.SNAPSHOT]
    for iv in snapshot_values:
        found.lines.append(_line(iv, published.get(iv.indicator.id), targets.get(iv.indicator.id)))
    found.trends = _trends(snapshot, period_end, found.lines, published, targets)
    found.unsupported = [(u.indicator.title, u.reason) for u in coverage.unsupported(snapshot)]
    return found


def _comparisons(year: int) -> dict[str, Comparison]:
    return comparisons(year=year)


def _published_unit(indicator) -> Unit:
    """The unit the published figure is in: a count on the board may be published as a rate
    per 10,000 children."""
    try:
        return Unit(measures.measure(indicator.dfe_measure).unit)
    except (KeyError, ValueError, TypeError):
        return indicator.unit


def _rating(
    ind, value: float | None, target: tuple[float, float] | None
) -> tuple[presentation.Rag | None, str]:
    if ind.polarity is Polarity.NEITHER:
        return None, "Not rated: a number to watch"
    if target is None:
        return None, "No target set"
    rating = presentation.rag(
        value=value, target=target[0], amber_margin=target[1], polarity=ind.polarity
    )
    if rating is None:
        return None, "Not rated: no figure"
    return rating, RAG_WORDS[rating]


def _line(
    iv: IndicatorValue, comparison: Comparison | None, target: tuple[float, float] | None = None
) -> IndicatorLine:
    ind = iv.indicator
    shown_figure = presentation.figure_of(iv)
    if ind.unit is Unit.COUNT:
        number, out_of, rate = shown_figure.text, "–", "–"
    elif shown_figure.shown:
        number = shown_figure.numerator or "–"
        out_of = shown_figure.denominator or "–"
        rate = shown_figure.text + (" per 10,000" if ind.unit is Unit.PER_10K else "")
    else:  # withheld or no data: its parts are not shown either
        number, out_of, rate = "–", "–", shown_figure.text
    rating, rag_text = _rating(ind, shown_figure.value, target)
    unit = _published_unit(ind) if comparison else ind.unit
    # Said when the published figure is in another unit (a rate where the council counts).
    suffix = " per 10,000" if unit is Unit.PER_10K and ind.unit is not Unit.PER_10K else ""

    def compared(value: float | None) -> str:
        return "–" if value is None else _value_text(value, unit) + suffix

    return IndicatorLine(
        id=ind.id,
        title=ind.title,
        value=shown_figure.text,
        number=number,
        out_of=out_of,
        rate=rate,
        target=presentation.format_number(target[0], ind.unit) if target else "",
        rag=rating,
        rag_text=rag_text,
        figure=shown_figure.value,
        polarity=ind.polarity,
        england=compared(comparison.england.value if comparison.england else None)
        if comparison
        else "–",
        region=compared(comparison.region.value if comparison.region else None)
        if comparison
        else "–",
        neighbours=compared(comparison.neighbour_average) if comparison else "–",
        published=published_year(comparison.latest_year) if comparison else "Not published",
        no_data_reason=shown_figure.no_data_reason if shown_figure.no_data else "",
    )


def _trends(
    snapshot: Snapshot,
    period_end: datetime.date,
    lines: list[IndicatorLine],
    published: dict[str, Comparison],
    targets: dict[str, tuple[float, float]],
) -> list[Trend]:
    """A run chart for every red or amber indicator (against its target), then for the key
    indicators not among them."""
    flagged = {
        line.id: line
        for line in lines
        if line.rag in (presentation.Rag.RED, presentation.Rag.AMBER)
    }
    with_data = {line.id for line in lines if line.figure is not None}
    key = [i for i in KEY_INDICATORS if i in with_data and i not in flagged][:KEY_CHARTS]
    wanted = [*flagged, *key]
    if not wanted:
        return []
    series = engine.trend(snapshot=snapshot, period_end=period_end, months=12, ids=wanted)
    trends = []
    for indicator_id in wanted:
        monthly = series.get(indicator_id) or []
        if not monthly:
            continue
        ind = monthly[0].indicator
        comparison = published.get(indicator_id)
        england = comparison.england.value if comparison and comparison.england else None
        if comparison is None or _published_unit(ind) is not ind.unit:
            england = None  # a benchmark in another unit would mislead on the same axis
        points = tuple(
            TrendPoint(f"{p.period_end:%b %Y}", p.value, p.text)
            for p in presentation.chart_points(monthly)
        )
        if indicator_id in flagged:  # drawn against its target, with no benchmark
            line = flagged[indicator_id]
            against = {
                "benchmark": None,
                "benchmark_text": "",
                "target": targets[indicator_id][0],
                "target_text": line.target,
                "rag_text": line.rag_text,
            }
        else:
            against = {
                "benchmark": england,
                "benchmark_text": (
                    f"England, {published_year(comparison.latest_year)}: "
                    f"{presentation.format_number(england, ind.unit)}"
                    if england is not None and comparison
                    else ""
                ),
            }
        trends.append(
            Trend(id=indicator_id, title=ind.title, unit=ind.unit, points=points, **against)
        )
    return trends


def audit_figures(
    start: datetime.date, end: datetime.date, cutoff: datetime.datetime
) -> AuditFigures:
    """Audits first submitted in the period, graded as they stood at the cut-off: the agreed
    grade where moderation had agreed one by then, otherwise the latest submitted version's."""
    since, until = _bounds(start, end, cutoff)
    audits = list(
        Audit.objects.filter(first_submitted_at__gte=since, first_submitted_at__lt=until)
        .order_by("pk")
        .values_list("pk", "programme__name")
    )
    found = AuditFigures(completed=len(audits))
    found.programmes = sorted({name for _, name in audits})
    ids = [pk for pk, _ in audits]
    latest: dict[int, tuple[int, int | None]] = {}  # audit -> (version id, grade)
    for version_id, audit_id, grade in (
        AuditVersion.objects.filter(
            audit_id__in=ids, submitted_at__isnull=False, submitted_at__lte=cutoff
        )
        .order_by("audit_id", "number")
        .values_list("pk", "audit_id", "overall_grade")
    ):
        latest[audit_id] = (version_id, grade)
    grades = {audit_id: grade for audit_id, (_, grade) in latest.items()}
    for audit_id, agreed in Moderation.objects.filter(
        audit_id__in=ids, agreed_grade__isnull=False, agreed_at__lte=cutoff
    ).values_list("audit_id", "agreed_grade"):
        grades[audit_id] = agreed
    graded = [g for g in grades.values() if g is not None]
    counts = Counter(graded)
    values = [counts.get(g, 0) for g in GRADES_BEST_FIRST]
    hidden = statistics.suppress_row(values)
    found.grades = [
        (
            g.label,
            figures_rule.hidden_text(v) if h else presentation.number_text(v),
            None if h else float(v),
        )
        for g, v, h in zip(GRADES_BEST_FIRST, values, hidden, strict=True)
    ]
    found.grade_shares = [
        "–" if h else share_text(v, len(graded)) for v, h in zip(values, hidden, strict=True)
    ]
    good = sum(counts.get(g, 0) for g in GOOD_OR_BETTER)
    found.good_or_better = share_text(good, len(graded))

    pairs = list(
        Moderation.objects.filter(
            audit_id__in=ids, moderator_grade__isnull=False, graded_at__lte=cutoff
        ).values_list("auditor_grade", "moderator_grade")
    )
    found.moderated = len(pairs)
    if pairs:
        result = statistics.agreement(pairs, [g.value for g in GRADES_BEST_FIRST], "linear")
        if result.n < statistics.SUPPRESS_BELOW:
            found.exact_agreement = found.kappa = presentation.SUPPRESSED
        else:
            agreed = result.same
            found.exact_agreement = share_text(agreed, result.n)
            found.kappa = "not defined" if result.kappa is None else f"{result.kappa:.2f}"
    found.themes = _themes([version_id for version_id, _ in latest.values()])
    return found


def concern_tally(
    rows: Iterable[dict], *, scale_field: str
) -> tuple[Counter, Counter, list[tuple[str, str]]]:
    """Audit answers counted by (section title, question text): how many were answered (not
    "not applicable"), how many with a concern, and the questions with a concern, most first
    (then by share, then by name). Each row holds `value`, `n` and its tool's answer scale in
    `scale_field`."""
    answered: Counter = Counter()
    concerns: Counter = Counter()
    for row in rows:
        scale = row[scale_field] or []
        concern_values = {a["value"] for a in scale if a.get("concern")}
        excluded = {a["value"] for a in scale if a.get("not_applicable")} | {""}
        if row["value"] in excluded:
            continue
        key = (row["question__section__title"], row["question__text"])
        answered[key] += row["n"]
        if row["value"] in concern_values:
            concerns[key] += row["n"]
    ranked = sorted(
        (key for key in answered if concerns[key] > 0),
        key=lambda k: (-concerns[k], -concerns[k] / answered[k], k),
    )
    return answered, concerns, ranked


def _themes(version_ids: list[int]) -> list[ThemeLine]:
    """The questions most often answered with a concern, across every tool used."""
    if not version_ids:
        return []
    rows = (
        Answer.objects.filter(version_id__in=version_ids)
        .values(
            "question_id",
            "question__text",
            "question__section__title",
            "value",
            "version__audit__programme__tool_version__answer_scale",
        )
        .annotate(n=Count("id"))
    )
    answered, concerns, ranked = concern_tally(
        rows, scale_field="version__audit__programme__tool_version__answer_scale"
    )
    return [
        ThemeLine(
            question=question,
            section=section,
            concerns=shown(concerns[(section, question)]),
            share=share_text(concerns[(section, question)], answered[(section, question)]),
        )
        for section, question in ranked[:TOP_THEMES]
    ]


def drift_figures(snapshot: Snapshot) -> DriftFigures:
    found = DriftFigures()
    try:
        with store.connect(snapshot) as con:
            tables = {
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
            if "drift_flags" not in tables or "open_cases" not in tables:
                found.reason = (
                    "No data: drift and delay were not worked out for this case data (it was "
                    "imported before they were)."
                )
                return found
            counts = dict(
                con.execute("SELECT flag, count(*) FROM drift_flags GROUP BY flag").fetchall()
            )
            (open_children,) = con.execute(
                "SELECT count(DISTINCT person_id) FROM open_cases"
            ).fetchone()
            (flagged,) = con.execute("SELECT count(DISTINCT person_id) FROM drift_flags").fetchone()
            coverage: dict[str, str] = {}
            if "_drift_flag_coverage" in tables:
                coverage = {
                    flag: reason or "The data could not show it."
                    for flag, reason in con.execute(
                        "SELECT flag, reason FROM _drift_flag_coverage WHERE NOT checked"
                    ).fetchall()
                }
    except (store.SnapshotFileMissing, OSError, duckdb.Error) as exc:
        log.warning("Drift could not be read for snapshot %s", snapshot.pk, exc_info=True)
        found.reason = (
            "No data: this case data is no longer kept."
            if isinstance(exc, store.SnapshotFileMissing)
            else "No data: this case data could not be read."
        )
        return found
    found.available = True
    found.open_children = shown(int(open_children))
    found.flagged_children = shown(int(flagged))
    found.flagged_share = share_text(int(flagged), int(open_children))
    known = [f.id for f in drift_flags.FLAGS]
    for flag_id in [*known, *sorted(set(counts) - set(known))]:
        titles = {f.id: f.title for f in drift_flags.FLAGS}
        title = titles.get(flag_id) or flag_label(flag_id).label
        if flag_id in coverage:
            found.lines.append(FlagLine(flag_id, title, "Not checked", None, coverage[flag_id]))
            continue
        n = int(counts.get(flag_id, 0))
        found.lines.append(FlagLine(flag_id, title, shown(n), chart_count(n)))
    return found


def _base_as_at(case: SessionCase) -> datetime.date:
    snap = case.flags_snapshot or case.session.snapshot
    return snap.as_at if snap is not None else case.session.held_on


def supervision_figures(
    start: datetime.date, end: datetime.date, cutoff: datetime.datetime, snapshot: Snapshot
) -> SupervisionFigures:
    """Sessions held in the period; whether the flags that brought each case cleared within
    three months, in the snapshots up to this report's (never later ones)."""
    cases = list(
        SessionCase.objects.filter(
            session__held_on__gte=start,
            session__held_on__lte=end,
            session__created_at__lte=cutoff,
            nominated_at__lte=cutoff,
        )
        .select_related("session__snapshot", "flags_snapshot")
        .order_by("pk")
    )
    sessions = Session.objects.filter(held_on__gte=start, held_on__lte=end, created_at__lte=cutoff)
    found = SupervisionFigures(
        sessions=sessions.count(),
        teams=sessions.values("team_id").distinct().count(),
        cases=len(cases),
        children=len({c.person_id for c in cases}),
    )
    flagged = [c for c in cases if c.frozen_flags]
    found.with_flags = len(flagged)
    if flagged:
        earliest = min(_base_as_at(c) for c in flagged)
        later = [s for s in followup.snapshots_after(earliest) if s.as_at <= snapshot.as_at]
        observations = followup.observe(later, [c.person_id for c in flagged])
        for c in flagged:
            result = followup.outcome(
                c.person_id, c.frozen_flag_ids, _base_as_at(c), c.session.held_on, observations
            )
            if result.judgeable:
                found.judged += 1
                found.cleared += int(result.cleared_in_window)
            else:
                found.too_recent += 1
    today = timezone.localtime(cutoff).date()
    for status, due, closed_at in ImprovementAction.objects.filter(
        source_type=SourceType.SUPERVISION,
        source_id__in=[str(c.pk) for c in cases],
        created_at__lte=cutoff,
    ).values_list("status", "due_date", "closed_at"):
        found.actions += 1
        closed = status in CLOSED_STATUSES and closed_at is not None and closed_at <= cutoff
        if closed and status == Status.DONE:
            if timezone.localtime(closed_at).date() <= due:
                found.done_on_time += 1
            else:
                found.done_late += 1
        elif closed:
            found.not_done += 1
        elif due < today:
            found.open_overdue += 1
        else:
            found.open_not_due += 1
    return found


def action_figures(
    start: datetime.date, end: datetime.date, cutoff: datetime.datetime
) -> ActionFigures:
    """Improvement actions by source: raised in the period, open and overdue at the cut-off,
    done in the period (as their status stood at the cut-off)."""
    since, until = _bounds(start, end, cutoff)
    today = timezone.localtime(cutoff).date()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for source, status, due, created, closed_at in ImprovementAction.objects.filter(
        created_at__lte=cutoff
    ).values_list("source_type", "status", "due_date", "created_at", "closed_at"):
        counts = tally[source]
        if since <= created < until:
            counts[0] += 1
        closed = status in CLOSED_STATUSES and closed_at is not None and closed_at <= cutoff
        if not closed:
            counts[1] += 1
            if due < today:
                counts[2] += 1
        elif status == Status.DONE and since <= closed_at < until:
            counts[3] += 1
    labels = dict(SourceType.choices)

    def line(label: str, counts: list[int]) -> ActionLine:
        return ActionLine(label, *(shown(n) for n in counts))

    found = ActionFigures()
    for source in sorted(tally, key=lambda s: labels.get(s, s)):
        found.lines.append(line(labels.get(source, source), tally[source]))
    if tally:
        totals = [sum(c[i] for c in tally.values()) for i in range(4)]
        found.total = line("All actions", totals)
    return found


def _rag_summary(ind: IndicatorFigures) -> str:
    counts = ind.rag_counts
    rated = sum(counts.values())
    if not rated:
        return "No indicator has a target set, so none is rated red, amber or green."
    return (
        f"Against the council's targets: {counts['red']} red, {counts['amber']} amber and "
        f"{counts['green']} green, of {rated} indicators with a target and a figure."
    )


# -- the practice records, counted once ---------------------------------------------------------

FROZEN_FORMAT = 1


@dataclass
class RecordFigures:
    """What the report counts from the practice records and the targets, at one moment."""

    counted_at: datetime.datetime
    audits: AuditFigures
    supervision: SupervisionFigures
    actions: ActionFigures
    targets: dict[str, tuple[float, float]]  # indicator id: (target, amber margin)
    health_check: dict | None = None


def _health_check_now() -> dict | None:
    """The latest closed staff health check as the report keeps it (dates as text)."""
    summary = healthcheck_selectors.latest_health_check_summary()
    if summary is None:
        return None
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in summary.items()}


def count_records(report: CommitteeReport, at: datetime.datetime) -> RecordFigures:
    """Audits, moderation, supervision and improvement actions as they stand at `at`, and the
    targets set now."""
    start, end = period_start(report.period_end), report.period_end
    return RecordFigures(
        counted_at=at,
        audits=audit_figures(start, end, at),
        supervision=supervision_figures(start, end, at, report.snapshot),
        actions=action_figures(start, end, at),
        targets={
            key: (t.target, t.amber_margin) for key, t in sorted(targets_by_indicator().items())
        },
        health_check=_health_check_now(),
    )


def freeze(records: RecordFigures) -> dict:
    """The counted figures as JSON, to keep on the report."""
    return {
        "format": FROZEN_FORMAT,
        "counted_at": records.counted_at.isoformat(),
        "audits": dataclasses.asdict(records.audits),
        "supervision": dataclasses.asdict(records.supervision),
        "actions": dataclasses.asdict(records.actions),
        "targets": {key: list(value) for key, value in records.targets.items()},
        "health_check": records.health_check,
    }


def thaw(data: dict) -> RecordFigures:
    audits = dict(data["audits"])
    audits["grades"] = [tuple(g) for g in audits["grades"]]
    audits["themes"] = [ThemeLine(**t) for t in audits["themes"]]
    actions = data["actions"]
    return RecordFigures(
        counted_at=datetime.datetime.fromisoformat(data["counted_at"]),
        audits=AuditFigures(**audits),
        supervision=SupervisionFigures(**data["supervision"]),
        actions=ActionFigures(
            lines=[ActionLine(**line) for line in actions["lines"]],
            total=ActionLine(**actions["total"]) if actions["total"] else None,
        ),
        targets={key: (value[0], value[1]) for key, value in data["targets"].items()},
        # Reports counted before the health check was kept have none.
        health_check=data.get("health_check"),
    )


def records_of(report: CommitteeReport) -> RecordFigures:
    """The report's practice-record figures: those kept when they were counted, or (for a
    report started before figures were kept) counted as they stood at the snapshot's import."""
    if report.frozen_figures.get("format") == FROZEN_FORMAT:
        return thaw(report.frozen_figures)
    return count_records(report, report.figures_counted_at or report.snapshot.created_at)


def figures(report: CommitteeReport) -> ReportFigures:
    snapshot = report.snapshot
    start, end = period_start(report.period_end), report.period_end
    records = records_of(report)
    definitions = [i for i in catalogue.catalogue() if i.source is Source.SNAPSHOT]
    return ReportFigures(
        report=report,
        snapshot=snapshot,
        period_start=start,
        period_end=end,
        cutoff=records.counted_at,
        indicators=indicator_figures(snapshot, end, records.targets),
        audits=records.audits,
        drift=drift_figures(snapshot),
        supervision=records.supervision,
        actions=records.actions,
        definitions=definitions,
        health_check=records.health_check,
    )
