"""Line of sight: for each standard of the framework in force, the evidence of whether it is met,
for a period and the one before, and how it has moved since the framework's launch.

What a standard is tested by comes from its links (framework.links): audit questions, indicators
and practice themes. The evidence is gathered exactly as the practice theme pages gather it
(`lineofsight.themes.selectors`), so it has the same scope: a team manager's own teams, a
service manager's own service, everything for roles that see everything. Every figure goes
through the one small-number rule (`lineofsight.web.figures`).

- The audit share: of the answers to the standard's linked audit questions in audits whose
  counted (latest submitted) version was submitted in the period, the share in the "yes" bucket
  of the tool's answer scale, over those answered yes, partly or no (not applicable is left
  out), with a 95% Wilson interval (`audits.statistics.wilson_interval`).
- Indicators: the value for the year to the latest 31 March the case data covers, the council's
  target and England's published figure, as the indicator pages show them.
- Practice week observations, feedback and improvement actions tagged with a linked theme.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.actions.models import ImprovementAction
from lineofsight.actions.selectors import actions_visible_to
from lineofsight.audits.statistics import wilson_interval
from lineofsight.casework import store
from lineofsight.feedback import selectors as feedback_selectors
from lineofsight.framework import links, vocabulary
from lineofsight.framework.content import Framework, Item
from lineofsight.framework.evidence import Evidence, Leaning
from lineofsight.framework.selectors import framework_in_force
from lineofsight.indicators import catalogue, engine, presentation
from lineofsight.indicators import selectors as indicator_selectors
from lineofsight.indicators.types import IndicatorValue
from lineofsight.themes import selectors as themes
from lineofsight.web import dates, figures

log = logging.getLogger(__name__)

# -- periods -----------------------------------------------------------------------------------


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def as_range(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def holds(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class PeriodChoice:
    key: str
    label: str
    current: Period
    previous: Period


DEFAULT_PERIOD = "12m"
_ROLLING = (("12m", 12), ("6m", 6), ("3m", 3))


def _rolling(months: int, today: datetime.date) -> PeriodChoice:
    start = dates.add_months(today, -months) + datetime.timedelta(days=1)
    before = Period(dates.add_months(start, -months), start - datetime.timedelta(days=1))
    return PeriodChoice(
        f"{months}m", f"The last {months} months to today", Period(start, today), before
    )


def _financial_year(year: int, today: datetime.date) -> PeriodChoice:
    start = datetime.date(year, 4, 1)
    end = min(datetime.date(year + 1, 3, 31), today)
    label = f"April {year} to March {year + 1}" + (" (so far)" if end == today else "")
    before = Period(datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31))
    return PeriodChoice(f"fy{year}", label, Period(start, end), before)


def period_choices(framework: Framework, today: datetime.date) -> list[PeriodChoice]:
    """The periods a page offers: the last 12, 6 or 3 months, and each financial year (April to
    March) since the framework's launch, each beside the period of the same length before it."""
    choices = [_rolling(months, today) for _, months in _ROLLING]
    first = today.year if today.month >= 4 else today.year - 1
    launch = framework.launch_date
    if launch is not None and launch <= today:
        since = launch.year if launch.month >= 4 else launch.year - 1
        choices += [_financial_year(y, today) for y in range(first, since - 1, -1)]
    return choices


def choose_period(
    framework: Framework, raw: str | None, today: datetime.date | None = None
) -> tuple[PeriodChoice, list[PeriodChoice]]:
    """The period chosen by `raw` (a key from `period_choices`), or the default: the last 12
    months to today and the 12 before."""
    choices = period_choices(framework, today or timezone.localdate())
    chosen = next((c for c in choices if c.key == raw), None)
    return chosen or choices[0], choices


def quarters_since(launch: datetime.date, today: datetime.date) -> list[Period]:
    """Calendar quarters from the one the launch falls in to the one holding today (which ends
    today), oldest first; the first starts on the launch date."""
    out: list[Period] = []
    start = datetime.date(launch.year, 3 * ((launch.month - 1) // 3) + 1, 1)
    while start <= today:
        end = dates.month_end(dates.add_months(start, 2))
        out.append(Period(max(start, launch), min(end, today)))
        start = end + datetime.timedelta(days=1)
    return out


def is_whole_quarter_end(day: datetime.date) -> bool:
    return day.month % 3 == 0 and day == dates.month_end(day)


def quarter_label(period: Period) -> str:
    quarter = f"{period.start:%B} to {period.end:%B %Y}"
    if is_whole_quarter_end(period.end):
        return quarter
    return f"{quarter} (to {long_date(period.end)})"


# -- audits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditShare:
    """Answers to a standard's linked audit questions: how many meet it ("yes") of those
    answered (yes, partly or no), and how many were not applicable (not counted)."""

    yes: int = 0
    answered: int = 0
    not_applicable: int = 0

    answered_text = figures.count_text_of("answered")

    @property
    def shown(self) -> bool:
        return bool(self.answered) and not figures.share_withheld(self.yes, self.answered)

    @property
    def share(self) -> float | None:
        return self.yes / self.answered if self.shown else None

    @property
    def share_text(self) -> str:
        return figures.share_text(self.yes, self.answered, decimals=0)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.yes, self.answered) if self.shown else None

    @property
    def interval_text(self) -> str:
        """The 95% interval, "" when the share is not shown."""
        ci = self.interval
        return "" if ci is None else f"{ci[0]:.0%} to {ci[1]:.0%}"


def audit_links(item: Item) -> vocabulary.Theme:
    """The standard's audit questions, in the form the practice theme pages count answers by."""
    return vocabulary.Theme(
        key=item.key,
        label=item.title,
        summary="",
        audit_questions=item.linked("audit_questions"),
    )


def share_of(rows: Iterable[themes.AuditQuestionRow]) -> AuditShare:
    rows = list(rows)
    return AuditShare(
        yes=sum(r.yes for r in rows),
        answered=sum(r.answered for r in rows),
        not_applicable=sum(r.not_applicable for r in rows),
    )


def audit_share(user: User, item: Item, period: Period) -> AuditShare:
    rows = themes.audit_evidence(
        user, audit_links(item), submitted=period.as_range, concerning=False
    )
    return share_of(rows)


# -- evidence tagged with the standard's themes -------------------------------------------------


def _tagged(fetch: Callable[[User, str], list[Evidence] | None], user: User, keys) -> list | None:
    """Evidence tagged with any of `keys`, once each, newest first; None when a source cannot be
    read."""
    seen: dict[tuple[str, str, str], Evidence] = {}
    for key in keys:
        found = fetch(user, key)
        if found is None:
            return None
        for e in found:
            seen.setdefault((e.url, e.title, e.summary), e)
    return sorted(seen.values(), key=lambda e: e.date or datetime.date.min, reverse=True)


@dataclass(frozen=True)
class Tally:
    """Evidence items in one period: how many, and how many a strength or a concern."""

    items: tuple[Evidence, ...] = ()

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def strengths(self) -> int:
        return sum(1 for e in self.items if e.leaning == Leaning.STRENGTH)

    @property
    def concerns(self) -> int:
        return sum(1 for e in self.items if e.leaning == Leaning.CONCERN)

    total_text = figures.count_text_of("total")
    strengths_text = figures.count_text_of("strengths")
    concerns_text = figures.count_text_of("concerns")


def tally(items: list[Evidence] | None, period: Period) -> Tally | None:
    if items is None:
        return None
    return Tally(tuple(e for e in items if period.holds(e.date)))


def tagged_actions(user: User, keys: Iterable[str]) -> list[ImprovementAction]:
    """Improvement actions tagged with any of `keys`, as the practice theme pages scope them: the
    actions the user may see, of the teams in their scope."""
    wanted = set(keys)
    if not wanted:
        return []
    actions = actions_visible_to(user).select_related("team").order_by("due_date", "id")
    teams = themes.scope_teams(user)
    if teams is not None:
        actions = actions.filter(team__in=teams)
    return [a for a in actions if wanted & set(a.themes or [])]


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int
    raised_now: int
    raised_before: int

    open_text = figures.count_text_of("open")
    overdue_text = figures.count_text_of("overdue")
    raised_now_text = figures.count_text_of("raised_now")
    raised_before_text = figures.count_text_of("raised_before")


def action_counts(
    actions: list[ImprovementAction], choice: PeriodChoice, today: datetime.date
) -> ActionCounts:
    def raised(period: Period) -> int:
        return sum(1 for a in actions if period.holds(timezone.localtime(a.created_at).date()))

    return ActionCounts(
        open=sum(1 for a in actions if a.is_open),
        overdue=sum(1 for a in actions if a.is_overdue(today)),
        raised_now=raised(choice.current),
        raised_before=raised(choice.previous),
    )


# -- indicators --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    title: str
    url: str
    value_text: str
    target_text: str
    england_text: str


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _known(ids: Iterable[str]) -> list:
    by_id = {i.id: i for i in catalogue.catalogue()}
    return [by_id[i] for i in ids if i in by_id]


def _scope_ids(user: User) -> tuple[list[int] | None, str]:
    """The team ids indicators are computed for (None: the whole council), and "" or why there
    can be no figures."""
    teams = themes.scope_teams(user)
    if teams is not None and not teams:
        return [], "No data: you are not a member of any team"
    return (None if teams is None else [t.pk for t in teams]), ""


def _value_text(value: IndicatorValue | None) -> str:
    """The value through the small-number rule, or why there is none."""
    if value is None or not value.has_data:
        return (value.no_data_reason if value is not None else "") or "No value"
    return presentation.figure_of(value).text


@dataclass
class IndicatorFigures:
    lines: list[IndicatorLine]
    period_end: datetime.date | None = None
    area: str = ""
    unknown: list[str] = field(default_factory=list)  # linked ids the catalogue does not have


def indicator_figures(user: User, ids: Iterable[str]) -> IndicatorFigures:
    """The linked indicators' values for the user's scope (as the practice theme pages compute
    them), with the council's target and England's latest published figure."""
    ids = list(ids)
    indicators = _known(ids)
    team_ids, empty = _scope_ids(user)
    values: dict[str, IndicatorValue] = {}
    period_end = None
    snapshot = store.current_snapshot()
    if indicators and team_ids != [] and snapshot is not None:
        try:
            period_end = engine.default_period_end(snapshot)
            for v in engine.compute(
                snapshot=snapshot,
                period_end=period_end,
                team_ids=team_ids,
                ids=[i.id for i in indicators],
            ):
                values[v.indicator.id] = v
        except Exception:  # noqa: BLE001 - one failing source must not hide the others
            log.exception("Indicators could not be computed for a standard")
    empty = empty or "No current casework data"
    targets = indicator_selectors.targets_by_indicator()
    try:
        comparisons = indicator_selectors.all_comparisons()
    except (ValueError, LookupError, OSError):
        comparisons = {}
    lines = []
    for ind in indicators:
        target = targets.get(ind.id) if indicator_selectors.may_have_target(ind) else None
        view = indicator_selectors.comparison_view(ind, comparisons.get(ind.id), council=False)
        england = ""
        if view is not None and view.england and view.comparison.england is not None:
            england = f"{view.england} ({view.comparison.england.year})"
        lines.append(
            IndicatorLine(
                id=ind.id,
                title=ind.title,
                url=_url("indicators:detail", ind.id),
                value_text=_value_text(values.get(ind.id)) if values else empty,
                target_text=presentation.format_number(target.target, ind.unit)
                if target
                else "No target set",
                england_text=england or "Not published",
            )
        )
    return IndicatorFigures(
        lines=lines,
        period_end=period_end,
        area="the whole council" if team_ids is None else "the teams you can see",
        unknown=[i for i in ids if i not in {ind.id for ind in indicators}],
    )


# -- trends since the launch -------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuarter:
    period: Period
    share: AuditShare

    @property
    def label(self) -> str:
        return quarter_label(self.period)


def audit_trend(user: User, item: Item, quarters: list[Period]) -> list[AuditQuarter]:
    theme = audit_links(item)
    if not theme.audit_questions:
        return []
    return [
        AuditQuarter(
            q,
            share_of(themes.audit_evidence(user, theme, submitted=q.as_range, concerning=False)),
        )
        for q in quarters
    ]


@dataclass(frozen=True)
class IndicatorTrend:
    id: str
    title: str
    url: str
    points: tuple[tuple[str, str], ...]  # (the 12 months or the day it is for, the value's text)

    @property
    def has_values(self) -> bool:
        return any(text not in ("No data", "") for _, text in self.points)


@dataclass
class IndicatorTrends:
    trends: list[IndicatorTrend]
    ends: list[datetime.date]
    as_at: datetime.date | None = None
    note: str = ""  # why there are no points at all

    @property
    def has_values(self) -> bool:
        return any(t.has_values for t in self.trends)

    @property
    def end_labels(self) -> list[str]:
        return [long_date(e) for e in self.ends]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """One row a quarter end: its date and each indicator's value then."""
        return [
            (long_date(e), [t.points[n][1] for t in self.trends]) for n, e in enumerate(self.ends)
        ]


def indicator_trends(
    user: User, ids: Iterable[str], launch: datetime.date | None, today: datetime.date
) -> IndicatorTrends:
    """Each indicator at every quarter end since the launch: the value for the 12 months to that
    day (or on that day), worked out from the current case data as the indicator pages' run
    charts are. Quarter ends after the date the case data describes have no data."""
    indicators = _known(ids)
    if not indicators:
        return IndicatorTrends([], [])
    if launch is None:
        return IndicatorTrends([], [], note="The framework has no launch date, so no trend.")
    ends = [q.end for q in quarters_since(launch, today) if is_whole_quarter_end(q.end)]
    if not ends:
        return IndicatorTrends([], [], note="No quarter has ended since the framework's launch.")
    snapshot = store.current_snapshot()
    if snapshot is None:
        return IndicatorTrends([], [], note="No data yet: no case data has been imported.")
    team_ids, empty = _scope_ids(user)
    if team_ids == []:
        return IndicatorTrends([], [], note=empty)
    months = (ends[-1].year - ends[0].year) * 12 + ends[-1].month - ends[0].month + 1
    try:
        series = engine.trend(
            snapshot=snapshot,
            period_end=ends[-1],
            months=months,
            team_ids=team_ids,
            ids=[i.id for i in indicators],
        )
    except Exception:  # noqa: BLE001 - one failing source must not hide the others
        log.exception("Indicator trends could not be computed for a standard")
        return IndicatorTrends([], [], note="No data: the indicators could not be worked out.")
    wanted = set(ends)
    trends = []
    for ind in indicators:
        points = {
            p.period_end: p.text
            for p in presentation.chart_points(series.get(ind.id, []))
            if p.period_end in wanted
        }
        trends.append(
            IndicatorTrend(
                id=ind.id,
                title=ind.title,
                url=_url("indicators:detail", ind.id),
                points=tuple((long_date(e), points.get(e, "No data")) for e in ends),
            )
        )
    found = IndicatorTrends(trends, ends, as_at=snapshot.as_at)
    if not found.has_values:
        found.note = (
            "No data yet: the case data the product holds (as at "
            f"{long_date(snapshot.as_at)}) gives no figure for any quarter since the launch."
        )
    return found


# -- the pages ---------------------------------------------------------------------------------


def standard_or_none(key: str) -> tuple[Framework, Item | None]:
    framework = framework_in_force().framework
    return framework, framework.find("standards", key)


@dataclass(frozen=True)
class ThemeLink:
    key: str
    label: str
    url: str
    actions_url: str


def theme_links(item: Item) -> list[ThemeLink]:
    return [
        ThemeLink(
            key=key,
            label=links.label_of("themes", key),
            url=_url("themes:detail", key),
            actions_url=_url("actions:board") + f"#theme-{key}",
        )
        for key in item.linked("themes")
    ]


@dataclass
class LineOfSight:
    framework: Framework
    item: Item
    choice: PeriodChoice
    choices: list[PeriodChoice]
    audit_now: AuditShare
    audit_before: AuditShare
    audit_rows: list[themes.AuditQuestionRow]  # this period, with the audits answered "no"
    observations_now: Tally | None
    observations_before: Tally | None
    observations: list[Evidence] | None  # this period
    feedback_now: Tally
    feedback_before: Tally
    feedback: list[Evidence]  # this period
    actions: ActionCounts
    indicators: IndicatorFigures
    themes: list[ThemeLink]
    quarters: list[AuditQuarter]
    trends: IndicatorTrends
    sees_everything: bool

    @property
    def audit_links(self) -> list[str]:
        return [links.label_of("audit_questions", q) for q in self.item.linked("audit_questions")]


def line_of_sight(
    user: User, key: str, period: str | None = None, today: datetime.date | None = None
) -> LineOfSight | None:
    """Everything the user may see about one standard of the framework in force; None when the
    framework has no standard of that key."""
    today = today or timezone.localdate()
    framework, item = standard_or_none(key)
    if item is None:
        return None
    choice, choices = choose_period(framework, period, today)
    theme_keys = item.linked("themes")
    audit_rows = themes.audit_evidence(user, audit_links(item), submitted=choice.current.as_range)
    observed = _tagged(themes.practice_week_evidence, user, theme_keys)
    feedback = _tagged(feedback_selectors.feedback_for_theme, user, theme_keys) or []
    launch = framework.launch_date
    quarters = quarters_since(launch, today) if launch and launch <= today else []
    return LineOfSight(
        framework=framework,
        item=item,
        choice=choice,
        choices=choices,
        audit_now=share_of(audit_rows),
        audit_before=audit_share(user, item, choice.previous),
        audit_rows=audit_rows,
        observations_now=tally(observed, choice.current),
        observations_before=tally(observed, choice.previous),
        observations=None if observed is None else list(tally(observed, choice.current).items),
        feedback_now=tally(feedback, choice.current),
        feedback_before=tally(feedback, choice.previous),
        feedback=list(tally(feedback, choice.current).items),
        actions=action_counts(tagged_actions(user, theme_keys), choice, today),
        indicators=indicator_figures(user, item.linked("indicators")),
        themes=theme_links(item),
        quarters=audit_trend(user, item, quarters),
        trends=indicator_trends(user, item.linked("indicators"), launch, today),
        sees_everything=themes.sees_everything(user),
    )


@dataclass(frozen=True)
class Headline:
    item: Item
    now: AuditShare
    before: AuditShare
    indicators: int
    open_actions: int

    open_actions_text = figures.count_text_of("open_actions")
    indicators_text = figures.count_text_of("indicators")

    @property
    def has_audit_links(self) -> bool:
        return bool(self.item.linked("audit_questions"))


@dataclass
class Index:
    framework: Framework
    choice: PeriodChoice
    choices: list[PeriodChoice]
    headlines: list[Headline]
    sees_everything: bool


def standards_index(
    user: User, period: str | None = None, today: datetime.date | None = None
) -> Index:
    """Every standard of the framework in force with its audit share this period and last, how
    many indicators are linked to it and how many actions tagged with its themes are open."""
    today = today or timezone.localdate()
    framework = framework_in_force().framework
    choice, choices = choose_period(framework, period, today)
    known = {i.id for i in catalogue.catalogue()}
    headlines = [
        Headline(
            item=item,
            now=audit_share(user, item, choice.current),
            before=audit_share(user, item, choice.previous),
            indicators=sum(1 for i in item.linked("indicators") if i in known),
            open_actions=sum(1 for a in tagged_actions(user, item.linked("themes")) if a.is_open),
        )
        for item in framework.standards
    ]
    return Index(framework, choice, choices, headlines, themes.sees_everything(user))


# -- evaluating the framework ------------------------------------------------------------------


@dataclass
class MeasureView:
    item: Item
    trends: IndicatorTrends
    quarters: list[AuditQuarter]
    no_data: list[str]  # each "No data yet: ..." the page says


def _kind_words(kind_key: str) -> str:
    found = links.kind(kind_key)
    return found.label.lower() if found else kind_key.replace("_", " ")


def evaluation(user: User, today: datetime.date | None = None) -> tuple[Framework, list]:
    """Each of the framework's measures over time since the launch, from the indicators linked
    to it (and audit answers, where audit questions are linked), saying where there is no data
    yet and why."""
    today = today or timezone.localdate()
    framework = framework_in_force().framework
    launch = framework.launch_date
    quarters = quarters_since(launch, today) if launch and launch <= today else []
    out = []
    for item in framework.measures:
        ids = item.linked("indicators")
        trends = indicator_trends(user, ids, launch, today)
        no_data = []
        unknown = [i for i in ids if i not in {ind.id for ind in _known(ids)}]
        for i in unknown:
            no_data.append(f"No data yet: {i} is not an indicator the product counts.")
        for kind_key, linked in item.links.items():
            if kind_key in ("indicators", "audit_questions") or not linked:
                continue
            if links.kind(kind_key) is None:
                no_data.append(
                    f"No data yet: the product does not hold {_kind_words(kind_key)} results."
                )
            else:
                no_data.append(
                    f"No data yet: {_kind_words(kind_key)} are not shown over time here."
                )
        if not item.links or not any(item.links.values()):
            no_data.append("No data yet: nothing the product counts is linked to this measure.")
        elif not ids and not item.linked("audit_questions") and not no_data:
            no_data.append("No data yet: no indicator is linked to this measure.")
        for t in trends.trends if trends.has_values else []:
            if not t.has_values:
                no_data.append(f"No data yet: {t.title} has no figure since the launch.")
        out.append(
            MeasureView(
                item=item,
                trends=trends,
                quarters=audit_trend(user, item, quarters),
                no_data=no_data,
            )
        )
    return framework, out
