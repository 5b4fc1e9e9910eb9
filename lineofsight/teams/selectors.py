"""Reads for the team pages: the workforce beside practice, one row per team the user may see.

Every figure comes from the app that owns it and goes through the one small-number rule:
- children held and drift flags: the worklists' team summaries (one query of the snapshot);
- caseload, agency share, turnover and audit grades: the indicators by team (`by_team`), one
  run of each indicator for every team at once;
- vacancies and the census's agency share: the workforce census gives them for the whole council
  only, so they are shown once, above the table, to the roles that see the council's figures;
- supervision on time: one-to-one supervision's status for each of the team's workers, by the
  council's policy, worked out for every team's workers together;
- core training: the share of the team's members who attended each core course (learning and
  development), for the roles that read the workforce pages;
- the staff health check: the latest closed survey's scores for each standard, for a team only
  where 5 or more of its staff answered (the feedback app's rules decide which teams are shown).

The figures cost the same few queries however many teams there are: the audit grades are
counted from the rows behind the council's figure (one query), not team by team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import Membership, Role, Team, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.feedback import healthcheck_selectors as healthcheck
from lineofsight.feedback.healthcheck_selectors import Group
from lineofsight.feedback.models import HealthCheck
from lineofsight.indicators import by_team, engine, records
from lineofsight.indicators import catalogue as cat
from lineofsight.indicators.presentation import Figure, figure_of
from lineofsight.indicators.types import Indicator, IndicatorValue
from lineofsight.supervision.one_to_one_selectors import statuses_for
from lineofsight.supervision.selectors import leadable_teams
from lineofsight.web.figures import count_text, share_text
from lineofsight.workforce import selectors as workforce
from lineofsight.workforce.models import Course
from lineofsight.workforce.selectors import CoverageCell
from lineofsight.worklists import selectors as worklists
from lineofsight.worklists.casedata import TeamSummary
from lineofsight.worklists.flags import Flag, flag

CASELOAD = "caseload_mean"
AGENCY = "agency_worker_pct"
TURNOVER = "turnover_pct"
AUDITS = "audits_good_or_better_pct"
# Indicators a team's row shows, in the order of the table's columns.
BY_TEAM = (CASELOAD, AGENCY, TURNOVER, AUDITS)
# From the workforce census: the council's vacancies and agency workers are not given by team
# (their rows have no team), so each is one figure for the whole council.
CENSUS_AGENCY = "csww_agency_worker_pct"
VACANCIES = "vacancy_pct"
COUNCIL_ONLY = (VACANCIES, CENSUS_AGENCY)


@dataclass(frozen=True)
class Measure:
    """One indicator's figure for a team, with the page that shows its evidence."""

    indicator: Indicator
    figure: Figure
    href: str


@dataclass(frozen=True)
class Share:
    """A share of a count (children with a flag, workers supervised on time), as shown."""

    numerator: int
    denominator: int

    @property
    def numerator_text(self) -> str:
        return count_text(self.numerator)

    @property
    def denominator_text(self) -> str:
        return count_text(self.denominator)

    @property
    def text(self) -> str:
        return share_text(self.numerator, self.denominator)


@dataclass(frozen=True)
class FlagCount:
    flag: Flag
    children: int

    @property
    def text(self) -> str:
        return count_text(self.children)


@dataclass(frozen=True)
class TeamLine:
    team: Team
    children: int | None  # None when no casework has been imported
    flagged: Share | None
    flags: list[FlagCount]
    measures: dict[str, Measure]
    supervision: Share
    supervision_href: str  # "" when the user does not lead the team's supervision
    training: list[CoverageCell] = field(default_factory=list)  # one a core course
    health: Group | None = None  # None: not shown (fewer than 5 answered, or not surveyed)

    @property
    def health_bands(self) -> list[tuple[str, int]]:
        """How many standards fall in each band, best band first (bands with none left out)."""
        if self.health is None:
            return []
        counts: dict[str, int] = {}
        for score in self.health.standards:
            counts[score.band.label] = counts.get(score.band.label, 0) + 1
        order = [band.label for band in healthcheck.config().bands]
        return sorted(
            counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )

    @property
    def children_text(self) -> str:
        return "No data" if self.children is None else count_text(self.children)

    @property
    def worklist_href(self) -> str:
        return reverse("worklists:team", args=[self.team.pk])

    @property
    def href(self) -> str:
        return reverse("teams:detail", args=[self.team.pk])

    def measure(self, indicator_id: str) -> Measure:
        return self.measures[indicator_id]

    @property
    def caseload(self) -> Measure:
        return self.measures[CASELOAD]

    @property
    def agency(self) -> Measure:
        return self.measures[AGENCY]

    @property
    def turnover(self) -> Measure:
        return self.measures[TURNOVER]

    @property
    def audits(self) -> Measure:
        return self.measures[AUDITS]

    @property
    def workforce(self) -> list[Measure]:
        return [self.caseload, self.agency, self.turnover]


@dataclass(frozen=True)
class Teams:
    snapshot: Snapshot | None
    period_end: date | None
    lines: list[TeamLine]
    # The council-wide figures (vacancies, the census's agency share): empty for a user who
    # does not see the council's figures, or when no census covers the period.
    council: list[Measure] = field(default_factory=list)
    sees_council: bool = False
    census: bool = False  # a workforce census covers the period
    # Leavers in the census year matched to no professional, so to no team: each team's
    # turnover leaves them out (the council's counts them). As the page shows it.
    unmatched_leavers: str = ""
    # Core training coverage: None for a user who does not read the workforce pages.
    core_courses: list[Course] | None = None
    # The latest closed staff health check (None when there is none with results to show), and
    # its results page for those who may read it ("" otherwise).
    health_check: HealthCheck | None = None
    health_href: str = ""
    indicators: dict[str, Indicator] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        n = len(self.lines)
        return f"{n} team{'' if n == 1 else 's'}, workforce beside practice"


def _indicator_href(indicator_id: str, team: Team | None) -> str:
    url = reverse("indicators:detail", args=[indicator_id])
    return f"{url}?{urlencode({'team': team.pk})}" if team is not None else url


def _records_by_team(
    indicator: Indicator, *, period_end: date, teams: list[Team]
) -> dict[int, IndicatorValue]:
    """A records indicator (audit grades) for each team from one read of the rows behind it:
    each row counts in the denominator, and in the numerator too when counted in it. The same
    figures as `by_team.team_values`, which asks the records once a team."""
    sums = {t.pk: [0, 0] for t in teams}
    for row in records.children_behind(
        indicator, period_end=period_end, team_ids=[t.pk for t in teams]
    ):
        if row.team_id in sums:
            sums[row.team_id][1] += 1
            sums[row.team_id][0] += row.counted_in == "numerator"
    empty = cat.spec(indicator.id).empty
    return {
        team_id: engine.value_from(
            indicator,
            period_end=period_end,
            numerator=num,
            denominator=den,
            empty=empty,
            team_id=team_id,
        )
        for team_id, (num, den) in sums.items()
    }


def _supervision(teams: list[Team]) -> dict[int, Share]:
    """For each team, its workers (active practitioners) and how many are supervised on time,
    from a few queries for every team together."""
    members: dict[int, list[int]] = {t.pk: [] for t in teams}
    workers: dict[int, User] = {}
    for membership in Membership.objects.filter(
        team__in=teams, user__role=Role.PRACTITIONER, user__is_active=True
    ).select_related("user"):
        members[membership.team_id].append(membership.user_id)
        workers[membership.user_id] = membership.user
    on_time = {s.worker.pk for s in statuses_for(list(workers.values())) if not s.overdue}
    return {
        team_id: Share(sum(1 for w in ids if w in on_time), len(set(ids)))
        for team_id, ids in members.items()
    }


def _flags(summary: TeamSummary) -> list[FlagCount]:
    return sorted(
        (FlagCount(flag(fid), n) for fid, n in summary.by_flag.items() if n),
        key=lambda f: (-f.children, f.flag.label),
    )


def _team_values(
    snapshot: Snapshot, period_end: date, teams: list[Team], indicators: dict[str, Indicator]
) -> dict[str, dict[int, IndicatorValue]]:
    """Each indicator of a team's row, for every team at once."""
    values = {}
    for indicator_id in BY_TEAM:
        if indicator_id == AUDITS:
            values[indicator_id] = _records_by_team(
                indicators[indicator_id], period_end=period_end, teams=teams
            )
        else:
            values[indicator_id] = by_team.team_values(
                snapshot=snapshot, indicator_id=indicator_id, period_end=period_end, teams=teams
            )
    return values


UNMATCHED_LEAVERS_SQL = """
SELECT count(*) FROM csww_workers
WHERE agency_worker = 'N' AND prof_professional_id IS NULL
  AND role_end_date > CAST(? AS DATE) - INTERVAL 1 YEAR AND role_end_date <= CAST(? AS DATE)
"""


def _unmatched_leavers(snapshot: Snapshot, period_end: date) -> str:
    """How many of the census year's leavers no team can be given, as the page shows it ("" for
    none, or when the snapshot holds no census)."""
    if not snapshot.provided("csww_workers"):
        return ""
    with store.connect(snapshot) as con:
        (count,) = con.execute(UNMATCHED_LEAVERS_SQL, [period_end, period_end]).fetchone()
    return count_text(count) if count else ""


def _council_figures(snapshot: Snapshot, period_end: date) -> list[Measure]:
    """Vacancies and the census's agency share for the whole council; [] when no workforce
    census covers the period."""
    found = engine.compute(
        snapshot=snapshot, period_end=period_end, team_ids=None, ids=list(COUNCIL_ONLY)
    )
    if not any(value.has_data for value in found):
        return []
    return [
        Measure(value.indicator, figure_of(value), _indicator_href(value.indicator.id, None))
        for value in found
    ]


def _health_check(user: User) -> tuple[HealthCheck | None, dict[int, Group], str]:
    """The latest closed staff health check with results to show, its groups by team (only the
    teams the feedback app's rules show), and its results page if the user may read it."""
    if not policy.can(user, policy.Capability.VIEW_THEMES):
        return None, {}, ""
    survey = healthcheck.latest_closed()
    result = healthcheck.results(survey) if survey is not None else None
    if result is None or not result.shown:
        return None, {}, ""
    href = ""
    if healthcheck.may_manage(user):
        href = reverse("feedback:healthcheck_results", kwargs={"pk": survey.pk})
    return survey, {g.team_id: g for g in result.teams}, href


def _measures(
    team: Team,
    values: dict[str, dict[int, IndicatorValue]],
    indicators: dict[str, Indicator],
    period_end: date | None,
) -> dict[str, Measure]:
    measures = {}
    for indicator_id in BY_TEAM:
        value = values.get(indicator_id, {}).get(team.pk)
        if value is None:
            value = engine.value_from(
                indicators[indicator_id],
                period_end=period_end or date.today(),
                numerator=None,
                denominator=None,
                reason="No casework data has been imported yet.",
                team_id=team.pk,
            )
        measures[indicator_id] = Measure(
            indicators[indicator_id], figure_of(value), _indicator_href(indicator_id, team)
        )
    return measures


def teams_for(user: User, *, team: Team | None = None) -> Teams:
    """The teams the user may see (or the one `team`, already checked to be in the user's
    scope), each with its figures."""
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    snapshot, columns = worklists.team_summaries(user)
    if team is not None:
        columns = [c for c in columns if c.team.pk == team.pk]
    teams = sorted((c.team for c in columns), key=lambda t: (t.service.name, t.name))
    summaries = {c.team.pk: c.summary for c in columns}
    indicators = {i: cat.get(i) for i in (*BY_TEAM, *COUNCIL_ONLY)}
    period_end = engine.default_period_end(snapshot) if snapshot is not None else None

    values: dict[str, dict[int, IndicatorValue]] = {}
    council: list[Measure] = []
    unmatched = ""
    sees_council = policy.scope_for(user) is policy.Scope.EVERYTHING
    if snapshot is not None and teams:
        values = _team_values(snapshot, period_end, teams, indicators)
        council = _council_figures(snapshot, period_end)
        unmatched = _unmatched_leavers(snapshot, period_end)
    supervision = _supervision(teams)
    core_courses, training = None, {}
    if policy.can(user, workforce.READ):
        core_courses, coverage = workforce.team_coverage(user)
        training = {row.team.pk: row.cells for row in coverage}
    led = set(leadable_teams(user).values_list("pk", flat=True)) if teams else set()
    survey, health, health_href = _health_check(user) if teams else (None, {}, "")

    lines = []
    for t in teams:
        summary = summaries.get(t.pk)
        has = snapshot is not None and summary is not None
        lines.append(
            TeamLine(
                team=t,
                children=summary.children if has else None,
                flagged=Share(summary.flagged, summary.children) if has else None,
                flags=_flags(summary) if has else [],
                measures=_measures(t, values, indicators, period_end),
                supervision=supervision[t.pk],
                supervision_href=(
                    reverse("supervision:one_to_one_team", args=[t.pk]) if t.pk in led else ""
                ),
                training=training.get(t.pk, []),
                health=health.get(t.pk),
            )
        )
    return Teams(
        snapshot=snapshot,
        period_end=period_end,
        lines=lines,
        council=council if sees_council else [],
        sees_council=sees_council,
        census=bool(council),
        unmatched_leavers=unmatched,
        core_courses=core_courses,
        health_check=survey,
        health_href=health_href,
        indicators=indicators,
    )


def team_for(user: User, team_id: int) -> tuple[Team, Teams]:
    """One team in full, or 404 for a team outside the user's scope."""
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    team = policy.get_team_for_user(user, team_id)
    return team, teams_for(user, team=team)
