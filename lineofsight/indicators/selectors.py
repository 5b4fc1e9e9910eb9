"""Reads for the improvement board pages, scoped by the requesting user.

Every figure is limited to the user's scope: roles that see everything see the whole council and
may choose a service or team; a service manager's figures are their service's (with a choice of
its teams), a team manager's their own team's (or teams'), never the council's. The service and
team filters offer only what the user may see (`policy.visible_teams`); a team or service outside
that scope is answered with 404. The children behind a figure are limited the same way. Published
comparisons (England, region, similar councils) are whole-council figures: the council's own
published figure is shown only to roles that see the council's figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import Service, Team, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.publishedstats import measures
from lineofsight.web import dates
from lineofsight.web.figures import count_text
from lineofsight.web.filters import BadFilter

from . import behind, engine, records
from . import catalogue as cat
from .comparators import comparisons
from .models import IndicatorTarget
from .presentation import (
    ChartPoint,
    Figure,
    Rag,
    chart_points,
    figure_of,
    format_number,
    rag,
)
from .types import Comparison, Indicator, IndicatorValue, Polarity, Source, Unit

BOARD_MONTHS = 12
DETAIL_MONTHS = 24
PERIOD_MONTHS_BACK = 24  # month ends offered in the period filter
YEAR_ENDS_BACK = 5  # and this many earlier 31 Marches


def counts_of(indicator: Indicator) -> str:
    """What the rows behind a figure are: "children", "workers" or "actions"."""
    try:
        return cat.spec(indicator.id).counts
    except (AttributeError, KeyError):
        return "actions" if indicator.id == "actions_overdue" else "children"


# -- filters -------------------------------------------------------------------------------------


def period_choices(snapshot: Snapshot) -> list[date]:
    """Month ends up to the snapshot's as-at date (the last two years), and earlier 31 Marches;
    newest first."""
    as_at = snapshot.as_at
    latest = dates.month_end(as_at)
    if latest > as_at:
        latest = dates.month_end(dates.add_months(as_at, -1))
    ends: set[date] = {
        dates.month_end(dates.add_months(latest, -back)) for back in range(PERIOD_MONTHS_BACK)
    }
    latest_march = engine.default_period_end(snapshot)
    for back in range(YEAR_ENDS_BACK + 1):
        ends.add(date(latest_march.year - back, 3, 31))
    return sorted((d for d in ends if d <= as_at), reverse=True)


def filter_teams(user: User) -> list[Team]:
    """The teams the user may filter by."""
    return list(policy.visible_teams(user).order_by("service__name", "name"))


def filter_services(user: User, teams: list[Team] | None = None) -> list[Service]:
    """Services the user may filter by: those whose every team the user may see (a service's
    figure is all its teams, so a team manager is offered their team, not the service)."""
    teams = filter_teams(user) if teams is None else teams
    visible = {t.pk for t in teams}
    services = {t.service_id: t.service for t in teams}
    members: dict[int, set[int]] = {}
    for service_id, team_id in Team.objects.filter(service_id__in=services).values_list(
        "service_id", "pk"
    ):
        members.setdefault(service_id, set()).add(team_id)
    return [
        service
        for service in sorted(services.values(), key=lambda s: s.name)
        if members.get(service.pk, set()) <= visible
    ]


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadFilter(
            ["Choose a team or service from the list: the page address names neither"]
        ) from None


@dataclass(frozen=True)
class Filters:
    period_end: date
    team: Team | None = None
    service: Service | None = None
    periods: tuple[date, ...] = ()
    teams: tuple[Team, ...] = ()
    services: tuple[Service, ...] = ()
    service_team_ids: tuple[int, ...] = ()
    whole_council: bool = False  # the user may see the council's figures (everything scope)

    @property
    def team_ids(self) -> list[int] | None:
        """Teams to compute for: None for the whole council, which only a user who sees
        everything gets; anyone else gets the teams they may see (never the council)."""
        if self.team is not None:
            return [self.team.pk]
        if self.service is not None:
            return list(self.service_team_ids)
        if self.whole_council:
            return None
        return [t.pk for t in self.teams]

    @property
    def area(self) -> str:
        if self.team is not None:
            return f"{self.team.name} team"
        if self.service is not None:
            return f"{self.service.name} service"
        if self.whole_council:
            return "The whole council"
        if not self.teams:
            return "No teams (you are not a member of any team)"
        return "Your teams: " + ", ".join(t.name for t in self.teams)

    @property
    def council_level_comparisons(self) -> bool:
        """The figures are a team's or service's, while published comparisons are councils'."""
        return self.team_ids is not None

    def query(self, **extra: str) -> str:
        params = {"period": self.period_end.isoformat()}
        if self.service is not None:
            params["service"] = str(self.service.pk)
        if self.team is not None:
            params["team"] = str(self.team.pk)
        params.update(extra)
        return urlencode(params)


def parse_filters(user: User, params: Mapping[str, str], snapshot: Snapshot | None) -> Filters:
    """The filters in a request's query string, checked against the user's scope: a team or
    service the user may not see is a 404; a period not offered is a bad filter.

    With no team or service asked for, a user who sees everything gets the whole council; a
    service manager their service; a team manager their team (or all their teams)."""
    whole_council = policy.scope_for(user) is policy.Scope.EVERYTHING
    teams = filter_teams(user)
    services = filter_services(user, teams)
    team_id, service_id = _int(params.get("team")), _int(params.get("service"))
    team = service = None
    if team_id is not None:
        team = next((t for t in teams if t.pk == team_id), None)
        if team is None:
            raise Http404("No such team")
    if service_id is not None and team is None:
        service = next((s for s in services if s.pk == service_id), None)
        if service is None:
            raise Http404("No such service")
    if team is None and service is None and not whole_council:
        visible = {t.pk for t in teams}
        mine = [s for s in services if {t.pk for t in teams if t.service_id == s.pk} == visible]
        if mine:
            service = mine[0]
        elif len(teams) == 1:
            team = teams[0]
    if snapshot is None:
        periods: list[date] = []
        period_end = date.today()
    else:
        periods = period_choices(snapshot)
        period_end = engine.default_period_end(snapshot)
        raw_period = (params.get("period") or "").strip()
        try:
            asked = date.fromisoformat(raw_period) if raw_period else None
        except ValueError:
            asked = None
        if asked in periods:
            period_end = asked
        elif raw_period:  # never the default period shown as if it were the one asked for
            raise BadFilter(
                ["Choose a period from the list: the period in the page address is not one"]
            )
    return Filters(
        period_end=period_end,
        team=team,
        service=service,
        periods=tuple(periods),
        teams=tuple(teams),
        services=tuple(services),
        service_team_ids=tuple(t.pk for t in teams if service and t.service_id == service.pk),
        whole_council=whole_council,
    )


# -- targets -------------------------------------------------------------------------------------


def targets_by_indicator() -> dict[str, IndicatorTarget]:
    return {t.indicator_id: t for t in IndicatorTarget.objects.select_related("updated_by")}


def get_indicator(indicator_id: str) -> Indicator:
    """The indicator, or 404 for an id the catalogue does not have."""
    try:
        return cat.get(indicator_id)
    except KeyError:
        raise Http404("No such indicator") from None


def may_have_target(indicator: Indicator) -> bool:
    return indicator.polarity is not Polarity.NEITHER


@dataclass(frozen=True)
class TargetLine:
    indicator: Indicator
    target: IndicatorTarget | None
    target_text: str
    margin_text: str


def target_lines() -> list[TargetLine]:
    targets = targets_by_indicator()
    lines = []
    for indicator in cat.catalogue():
        t = targets.get(indicator.id)
        lines.append(
            TargetLine(
                indicator=indicator,
                target=t,
                target_text=format_number(t.target, indicator.unit) if t else "",
                margin_text=format_number(t.amber_margin, indicator.unit) if t else "",
            )
        )
    return lines


# -- comparisons ---------------------------------------------------------------------------------


def all_comparisons() -> dict[str, Comparison]:
    return comparisons()


def _published_unit(indicator: Indicator) -> Unit:
    """The unit the published figure is in (a count on the board may be published as a rate
    per 10,000 children)."""
    try:
        return Unit(measures.measure(indicator.dfe_measure).unit)
    except (KeyError, ValueError, TypeError):
        return indicator.unit


@dataclass(frozen=True)
class ComparatorLine:
    label: str
    area: str
    value_text: str  # "" when not published
    year: int | None


TREND_LABELS = {
    "council": "The council (published)",
    "england": "England",
    "region": "Region",
    "neighbour_average": "Similar councils (average)",
    "neighbours": "Similar councils (average)",
}


@dataclass(frozen=True)
class ComparisonView:
    comparison: Comparison
    england: str
    region: str
    neighbour_average: str
    council: str
    lines: list[ComparatorLine] = field(default_factory=list)
    neighbours: list[ComparatorLine] = field(default_factory=list)
    trend_years: list[int] = field(default_factory=list)
    trend_rows: list[tuple[str, list[str]]] = field(default_factory=list)


def comparison_view(
    indicator: Indicator, comparison: Comparison | None, *, council: bool = True
) -> ComparisonView | None:
    """The published figures, formatted. `council=False` leaves out the council's own published
    figure (for a user whose figures are their team's or service's, not the council's)."""
    if comparison is None:
        return None
    unit = _published_unit(indicator)

    def fmt(value: float | None) -> str:
        return format_number(value, unit) if value is not None else ""

    def line(label: str, fig) -> ComparatorLine:
        if fig is None:
            return ComparatorLine(label, "", "", None)
        return ComparatorLine(label, fig.area, fmt(fig.value), fig.year)

    lines = [
        line("The council (published)", comparison.council),
        line("England", comparison.england),
        line("Region", comparison.region),
    ][0 if council else 1 :]
    neighbours = [line("Statistical neighbour", n) for n in comparison.neighbours]
    years = sorted({y for series in comparison.trend.values() for y, _ in series})
    rows = []
    for key, series in comparison.trend.items():
        if key == "council" and not council:
            continue
        by_year = dict(series)
        label = TREND_LABELS.get(key, key.replace("_", " ").capitalize())
        if key == "region" and comparison.region is not None:
            label = f"Region: {comparison.region.area}"
        rows.append((label, [fmt(by_year.get(y)) for y in years]))
    return ComparisonView(
        comparison=comparison,
        england=fmt(comparison.england.value) if comparison.england else "",
        region=fmt(comparison.region.value) if comparison.region else "",
        neighbour_average=fmt(comparison.neighbour_average),
        council=fmt(comparison.council.value) if comparison.council and council else "",
        lines=lines,
        neighbours=neighbours,
        trend_years=years,
        trend_rows=rows,
    )


# -- the board and one indicator -----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue
    figure: Figure
    points: list[ChartPoint]
    target: IndicatorTarget | None
    target_text: str
    rag: Rag | None
    comparison: ComparisonView | None
    behind_url: str  # the children (or actions) behind the figure; "" when none
    behind_label: str
    detail_url: str  # the indicator's own page, with the same filters

    @property
    def chart_id(self) -> str:
        return f"chart-{self.indicator.id.replace('_', '-')}"


def _behind(indicator: Indicator, filters: Filters) -> tuple[str, str]:
    counts = counts_of(indicator)
    if counts == "actions":
        return reverse("actions:list"), "The improvement actions"
    url = reverse("indicators:children", kwargs={"indicator_id": indicator.id})
    return f"{url}?{filters.query()}", f"The {counts} behind this figure"


def _row(
    value: IndicatorValue,
    series: list[IndicatorValue],
    targets: dict[str, IndicatorTarget],
    comparisons: dict[str, Comparison],
    filters: Filters,
) -> IndicatorRow:
    indicator = value.indicator
    shown = figure_of(value)
    target = targets.get(indicator.id) if may_have_target(indicator) else None
    behind_url, behind_label = _behind(indicator, filters)
    return IndicatorRow(
        indicator=indicator,
        value=value,
        figure=shown,
        points=chart_points(series or [value]),
        target=target,
        target_text=format_number(target.target, indicator.unit) if target else "",
        rag=rag(
            value=shown.value,
            target=target.target if target else None,
            amber_margin=target.amber_margin if target else 0,
            polarity=indicator.polarity,
        ),
        comparison=comparison_view(
            indicator, comparisons.get(indicator.id), council=filters.whole_council
        ),
        behind_url=behind_url,
        behind_label=behind_label,
        detail_url=reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
        + f"?{filters.query()}",
    )


@dataclass(frozen=True)
class Board:
    snapshot: Snapshot | None
    filters: Filters
    rows: list[IndicatorRow]

    @property
    def rag_counts(self) -> dict[str, int]:
        counts = {r.value: 0 for r in Rag}
        for row in self.rows:
            if row.rag is not None:
                counts[row.rag.value] += 1
        return counts


def board_scope(user: User, params: Mapping[str, str]) -> tuple[Snapshot | None, Filters]:
    """The current snapshot and the board's filters, checked against the user's scope."""
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    snapshot = store.current_snapshot()
    return snapshot, parse_filters(user, params, snapshot)


def board_rows(
    *,
    snapshot: Snapshot,
    filters: Filters,
    ids: Sequence[str] | None = None,
    targets: dict[str, IndicatorTarget] | None = None,
) -> list[IndicatorRow]:
    """The board's rows for the filters, in catalogue order: every indicator, or those in
    `ids`."""
    if ids is not None and not ids:
        return []
    # The trend's last month is the period itself, so one call gives both.
    series = engine.trend(
        snapshot=snapshot,
        period_end=filters.period_end,
        months=BOARD_MONTHS,
        team_ids=filters.team_ids,
        ids=ids,
    )
    if all(s and s[-1].period_end == filters.period_end for s in series.values()):
        values = [s[-1] for s in series.values()]
    else:
        values = engine.compute(
            snapshot=snapshot, period_end=filters.period_end, team_ids=filters.team_ids, ids=ids
        )
    targets = targets_by_indicator() if targets is None else targets
    comparisons = all_comparisons()
    return [_row(v, series.get(v.indicator.id, []), targets, comparisons, filters) for v in values]


def board(user: User, params: Mapping[str, str]) -> Board:
    snapshot, filters = board_scope(user, params)
    if snapshot is None:
        return Board(None, filters, [])
    return Board(snapshot, filters, board_rows(snapshot=snapshot, filters=filters))


# -- what the board may keep between requests ----------------------------------------------------


def live_indicator_ids() -> tuple[str, ...]:
    """Indicators counted from the product's own records (audits, moderation, actions), which
    change at any moment, so the board counts them on every request. The others are fixed by
    the snapshot: for one snapshot, scope, filter and target they never change, so the board
    may keep them (board_cache_key)."""
    return tuple(i.id for i in cat.catalogue() if i.source is not Source.SNAPSHOT)


@cache
def _catalogue_fingerprint(specs: tuple[cat.Spec, ...]) -> str:
    return hashlib.sha256(repr(specs).encode()).hexdigest()


def catalogue_fingerprint() -> str:
    """A hash of every indicator's definition (titles, units, direction, SQL, published measure):
    a changed definition never shows figures kept under the old one."""
    return _catalogue_fingerprint(cat.specs())


def board_cache_key(
    *,
    user: User,
    snapshot: Snapshot,
    filters: Filters,
    targets: Mapping[str, IndicatorTarget],
) -> str:
    """The key under which the board's fixed cards may be kept: everything a card shows depends
    on. The snapshot (its id, content and when it was made), the period and the filters as the
    page address gives them; whose figures they are: the user's scope, the teams they may see,
    the teams computed for and the case system teams those are linked to (relinking a team
    changes its figures with no new snapshot); the targets; the catalogue; the council. Two users
    share cards only when all of these are equal, so one never sees another's scoped figures."""
    team_ids = filters.team_ids
    parts = [
        snapshot.pk,
        snapshot.content_hash,
        snapshot.created_at.isoformat(),
        snapshot.file_name,
        filters.period_end.isoformat(),
        filters.query(),
        str(policy.scope_for(user)),
        filters.whole_council,
        sorted(t.pk for t in filters.teams),
        None if team_ids is None else sorted(team_ids),
        engine.team_keys_for(team_ids),
        sorted((i, t.target, t.amber_margin) for i, t in targets.items()),
        catalogue_fingerprint(),
        str(settings.COUNCIL_CODE),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"indicators:board:{digest}"


@dataclass(frozen=True)
class Detail:
    indicator: Indicator
    snapshot: Snapshot | None
    filters: Filters
    row: IndicatorRow | None  # None when nothing is imported yet
    comparison: ComparisonView | None
    target: IndicatorTarget | None
    target_text: str
    margin_text: str
    may_have_target: bool


def indicator_detail(user: User, indicator_id: str, params: Mapping[str, str]) -> Detail:
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    indicator = get_indicator(indicator_id)
    snapshot = store.current_snapshot()
    filters = parse_filters(user, params, snapshot)
    targets = targets_by_indicator()
    comparisons = all_comparisons()
    row = None
    if snapshot is not None:
        series = engine.trend(
            snapshot=snapshot,
            period_end=filters.period_end,
            months=DETAIL_MONTHS,
            team_ids=filters.team_ids,
            ids=[indicator.id],
        ).get(indicator.id, [])
        if series and series[-1].period_end == filters.period_end:
            value = series[-1]
        else:
            value = engine.compute(
                snapshot=snapshot,
                period_end=filters.period_end,
                team_ids=filters.team_ids,
                ids=[indicator.id],
            )[0]
        row = _row(value, series, targets, comparisons, filters)
    target = targets.get(indicator.id) if may_have_target(indicator) else None
    return Detail(
        indicator=indicator,
        snapshot=snapshot,
        filters=filters,
        row=row,
        comparison=comparison_view(
            indicator, comparisons.get(indicator.id), council=filters.whole_council
        ),
        target=target,
        target_text=format_number(target.target, indicator.unit) if target else "",
        margin_text=format_number(target.amber_margin, indicator.unit) if target else "",
        may_have_target=may_have_target(indicator),
    )


# -- the children behind a figure ----------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    person_id: str
    name: str
    counted_in: str
    team: str
    detail: str
    met: bool | None = None  # met the measure (None: the figure is a count, not a measure)

    @property
    def met_text(self) -> str:
        return behind.met_text(self.met)


@dataclass(frozen=True)
class ChildrenList:
    indicator: Indicator
    snapshot: Snapshot | None
    filters: Filters
    children: list[Child]
    limited_to_scope: bool  # the user sees only their own teams' children
    counts: str = "children"  # or "workers": the rows are workers, not children
    met_filter: str = ""  # "", "no" (only those who did not meet the measure) or "yes"
    unmet_count: int = 0  # before the met filter
    all_count: int = 0  # before the met filter

    @property
    def is_measure(self) -> bool:
        return behind.is_measure(self.indicator)

    @property
    def met_choices(self) -> list[tuple[str, str]]:
        return list(behind.MET_CHOICES.items())

    @property
    def about_children(self) -> bool:
        return self.counts == "children"

    @property
    def numerator_count(self) -> int:
        return sum(1 for c in self.children if c.counted_in == "numerator")

    @property
    def person_count(self) -> int:
        return len({c.person_id for c in self.children})

    @property
    def person_count_text(self) -> str:
        """The count through the small-number rule: "Fewer than 5 children", "12 workers"."""
        text = count_text(self.person_count)  # 1 is "fewer than 5", so the noun is plural
        return f"{text[:1].upper()}{text[1:]} {'children' if self.about_children else 'workers'}"


_NAMES_SQL = {
    False: "SELECT pers_person_id, trim(concat_ws(' ', pers_forename, pers_surname)) "
    "FROM ssd_person WHERE pers_person_id IN (SELECT unnest(?))",
    True: "SELECT prof_professional_id, prof_professional_name "
    "FROM ssd_professionals WHERE prof_professional_id IN (SELECT unnest(?))",
}


def _names(snapshot: Snapshot, person_ids: set[str], *, workers: bool) -> dict[str, str]:
    """Children's (or workers') names from the snapshot, by id."""
    if not person_ids:
        return {}
    try:
        with store.connect(snapshot) as con:
            rows = con.execute(_NAMES_SQL[workers], [sorted(person_ids)]).fetchall()
    except Exception:  # noqa: BLE001 - a name is a courtesy; the id is what identifies
        return {}
    return {str(pid): name or "" for pid, name in rows}


def children_behind(user: User, indicator_id: str, params: Mapping[str, str]) -> ChildrenList:
    """The children behind an indicator's figure for the filters, limited to the teams the user
    may see. Not suppressed: these are children in the user's own scope."""
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    policy.require(user, policy.Capability.VIEW_CASEWORK)
    indicator = get_indicator(indicator_id)
    counts = counts_of(indicator)
    if counts == "actions":
        raise Http404("This indicator counts improvement actions, not children")
    snapshot = store.current_snapshot()
    filters = parse_filters(user, params, snapshot)
    met_filter = behind.parse_met(indicator, params)
    everything = policy.scope_for(user) is policy.Scope.EVERYTHING
    visible = {t.pk: t for t in filters.teams}
    if snapshot is None:
        return ChildrenList(indicator, None, filters, [], not everything, counts, met_filter)
    team_ids = filters.team_ids
    if team_ids is None and not everything:
        team_ids = sorted(visible)
    rows = engine.children_behind(
        snapshot=snapshot,
        indicator_id=indicator.id,
        period_end=filters.period_end,
        team_ids=team_ids,
    )
    if not everything:
        rows = [r for r in rows if r.team_id in visible]
    elif team_ids is not None:
        rows = [r for r in rows if r.team_id in set(team_ids)]
    if indicator.source is Source.RECORDS:
        # The app that owns the records says whose rows this user may not see yet (audits: an
        # audit they moderate blind, whose row names the auditor's grade).
        hidden = records.hidden_from(indicator, user)
        rows = [r for r in rows if r.person_id not in hidden]
    names = _names(snapshot, {r.person_id for r in rows}, workers=counts == "workers")
    children = [
        Child(
            person_id=r.person_id,
            name=names.get(r.person_id, ""),
            counted_in=r.counted_in,
            team=visible[r.team_id].name if r.team_id in visible else "Not known",
            detail=behind.plain_detail(r.detail),
            met=behind.met(indicator, r.counted_in),
        )
        for r in rows
    ]
    # Those who did not meet the measure first (for a count: those counted in the figure).
    children.sort(key=lambda c: (c.met is True, c.counted_in != "numerator", c.team, c.person_id))
    unmet = sum(1 for c in children if c.met is False)
    total = len(children)
    if met_filter:
        children = [c for c in children if c.met is (met_filter == "yes")]
    return ChildrenList(
        indicator, snapshot, filters, children, not everything, counts, met_filter, unmet, total
    )


def is_records_indicator(indicator: Indicator) -> bool:
    return indicator.source is Source.RECORDS


def live_card_key(*, row: IndicatorRow, filters: Filters) -> str:
    """The key under which a card for an indicator counted from the product's own records may be
    kept: what the card shows, not where it came from. The period's value (with what it is out
    of, or why there is none), each month of the trend as the chart and its table show it, its
    target, the filters in its links and whether the council's published figure is shown, under
    the catalogue's fingerprint and the council. A changed audit or action changes the figures
    and so the key: it shows at once."""
    target, v = row.target, row.value
    parts = [
        row.indicator.id,
        [v.period_end, v.value, v.numerator, v.denominator, v.no_data_reason, v.figure_from],
        [[p.period_end, p.value, p.text] for p in row.points],
        None if target is None else [target.target, target.amber_margin],
        filters.query(),
        filters.whole_council,
        catalogue_fingerprint(),
        str(settings.COUNCIL_CODE),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"indicators:board-card:{digest}"


def team_table_key(
    *, indicator: Indicator, snapshot: Snapshot, period_end: date, teams: Sequence[Team]
) -> str:
    """The key under which a snapshot indicator's by-team table may be kept: the snapshot, the
    indicator (under the catalogue's fingerprint), the period, and each team the table lists as
    it shows it and as its figure is counted (its case system team)."""
    parts = [
        snapshot.pk,
        snapshot.content_hash,
        snapshot.created_at.isoformat(),
        snapshot.file_name,
        indicator.id,
        period_end.isoformat(),
        [[t.pk, t.name, t.case_system_id] for t in teams],
        catalogue_fingerprint(),
        str(settings.COUNCIL_CODE),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"indicators:by-team:{digest}"
