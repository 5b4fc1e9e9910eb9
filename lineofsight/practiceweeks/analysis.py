"""The analysis of a practice week: observations side by side, themes and how widely each was
seen, and the comparison with the previous week.

Only submitted observations count. "Teams visited" are the distinct teams with a submitted
observation; a theme is "seen" in a team when any finding of an observation of that team is
tagged with it. How widely is said in words from the share of teams visited:
at least PRACTICE_WEEK_HIGH_SHARE "in a high number of teams", below PRACTICE_WEEK_LOW_SHARE
"in a small number of teams", otherwise "in some teams".

Small numbers (issue 11): every count is shown through the one rule in `lineofsight.web.figures`
(1 to 4 reads "fewer than 5"). A share, and so a comparison between weeks, is built on the teams
visited: with fewer than MIN_TEAMS (5) teams visited in a week, the page and the report say how
widely a theme was seen "cannot be said" and that the weeks "cannot be compared", rather than
"seen more widely" or "less widely".
Callers check the user may read the whole week (READ_WHOLE_PRACTICE_WEEKS).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from lineofsight.accounts.models import Team
from lineofsight.framework import vocabulary
from lineofsight.web.figures import SMALL_MAX, count_text
from lineofsight.web.figures import SUPPRESSION_NOTE as _NOTE

from .models import Finding, Heading, Kind, Observation, ObservationStatus, PracticeWeek

HIGH = "in a high number of teams"
SOME = "in some teams"
SMALL = "in a small number of teams"
NONE = "in no teams"
# The fewest teams visited for a share or a comparison to be given: fewer than 5 is a small
# number, and one team more or less would swing the share.
MIN_TEAMS = SMALL_MAX + 1
TOO_FEW = f"cannot be said: fewer than {MIN_TEAMS} teams were visited"
SUPPRESSION_NOTE = (
    _NOTE + f" A practice week's shares and comparisons need at least {MIN_TEAMS} teams visited."
)
CANNOT_COMPARE = (
    f"Cannot be compared: fewer than {MIN_TEAMS} teams were visited in one of the weeks"
)


def thresholds() -> tuple[float, float]:
    high = float(getattr(settings, "PRACTICE_WEEK_HIGH_SHARE", 0.5))
    low = float(getattr(settings, "PRACTICE_WEEK_LOW_SHARE", 0.25))
    return high, low


def share_words(teams: int, visited: int) -> str:
    """How widely something was seen, in words, from the share of the teams visited; TOO_FEW
    when fewer than MIN_TEAMS teams were visited (the share would rest on too few)."""
    if teams <= 0 or visited <= 0:
        return NONE
    if visited < MIN_TEAMS:
        return TOO_FEW
    high, low = thresholds()
    share = teams / visited
    if share >= high:
        return HIGH
    if share < low:
        return SMALL
    return SOME


@dataclass(frozen=True)
class ThemeCount:
    key: str
    label: str
    suggested: bool
    visited: int
    teams: tuple[Team, ...]
    strength_teams: tuple[Team, ...]
    area_teams: tuple[Team, ...]
    headings: tuple[str, ...] = ()  # heading labels where it was tagged

    @property
    def count(self) -> int:
        return len(self.teams)

    # As pages and reports show them: every count through the small-number rule.
    @property
    def count_text(self) -> str:
        return count_text(self.count)

    @property
    def visited_text(self) -> str:
        return count_text(self.visited)

    @property
    def strength_text(self) -> str:
        return count_text(len(self.strength_teams))

    @property
    def area_text(self) -> str:
        return count_text(len(self.area_teams))

    @property
    def seen_text(self) -> str:
        """E.g. "fewer than 5 of 8 teams (in some teams)"."""
        return f"{self.count_text} of {self.visited_text} teams ({self.words})"

    @property
    def words(self) -> str:
        return share_words(len(self.teams), self.visited)

    @property
    def strength_words(self) -> str:
        return share_words(len(self.strength_teams), self.visited)

    @property
    def area_words(self) -> str:
        return share_words(len(self.area_teams), self.visited)

    @property
    def sentence(self) -> str:
        """E.g. "Seen in 6 of 10 teams visited (in a high number of teams): as a strength in
        fewer than 5, as an area for development in 5."""
        parts = []
        if self.strength_teams:
            parts.append(f"as a strength in {self.strength_text}")
        if self.area_teams:
            parts.append(f"as an area for development in {self.area_text}")
        return (
            f"Seen in {self.count_text} of {self.visited_text} teams visited ({self.words}): "
            f"{', '.join(parts)}."
        )


@dataclass
class TeamRow:
    team: Team
    observations: list[Observation] = field(default_factory=list)
    strengths: list[Finding] = field(default_factory=list)
    areas: list[Finding] = field(default_factory=list)


@dataclass
class HeadingView:
    heading: str
    label: str
    rows: list[TeamRow]
    themes: list[ThemeCount]


@dataclass
class WeekAnalysis:
    week: PracticeWeek
    observations: list[Observation]
    teams: list[Team]  # teams visited (with a submitted observation)
    visits: int
    drafts: int  # visits whose observation is not (or no longer) submitted
    headings: list[HeadingView]
    themes: list[ThemeCount]

    @property
    def visited(self) -> int:
        return len(self.teams)

    @property
    def untagged(self) -> int:
        return sum(1 for o in self.observations for f in o.findings.all() if not f.themes)

    @property
    def assessors(self) -> int:
        return len({o.visit.assessor_id for o in self.observations})

    @property
    def comparable(self) -> bool:
        """Whether enough teams were visited for shares and comparisons (MIN_TEAMS)."""
        return self.visited >= MIN_TEAMS

    @property
    def texts(self) -> dict[str, str]:
        """The week's counts as pages and reports show them (small numbers suppressed)."""
        return {
            "observations": count_text(len(self.observations)),
            "visits": count_text(self.visits),
            "visited": count_text(self.visited),
            "drafts": count_text(self.drafts),
            "untagged": count_text(self.untagged),
            "assessors": count_text(self.assessors),
        }


def _counts(findings: list[Finding], visited: int, team_of: dict[int, Team]) -> list[ThemeCount]:
    seen: dict[str, dict[str, dict[int, Team]]] = defaultdict(
        lambda: {"all": {}, Kind.STRENGTH: {}, Kind.AREA: {}}
    )
    headings: dict[str, list[str]] = defaultdict(list)
    labels = dict(Heading.choices)
    for f in findings:
        team = team_of[f.observation_id]
        for key in f.themes or []:
            seen[key]["all"][team.pk] = team
            seen[key][f.kind][team.pk] = team
            if labels[f.heading] not in headings[key]:
                headings[key].append(labels[f.heading])
    out = []
    for key, by in seen.items():
        theme = vocabulary.get(key)
        order = sorted(by["all"].values(), key=lambda t: t.name)
        out.append(
            ThemeCount(
                key=key,
                label=theme.label,
                suggested=theme.suggested,
                visited=visited,
                teams=tuple(order),
                strength_teams=tuple(t for t in order if t.pk in by[Kind.STRENGTH]),
                area_teams=tuple(t for t in order if t.pk in by[Kind.AREA]),
                headings=tuple(headings[key]),
            )
        )
    return sorted(out, key=lambda c: (-c.count, c.label.lower()))


def week_analysis(week: PracticeWeek) -> WeekAnalysis:
    visits = list(week.visits.select_related("team__service"))
    observations = list(
        Observation.objects.filter(visit__week=week, status=ObservationStatus.SUBMITTED)
        .select_related("visit__team__service", "visit__assessor")
        .prefetch_related("findings")
        .order_by("visit__team__name", "visit__starts_at")
    )
    team_of = {o.pk: o.visit.team for o in observations}
    teams = sorted({t.pk: t for t in team_of.values()}.values(), key=lambda t: t.name)
    visited = len(teams)
    findings = [f for o in observations for f in o.findings.all()]
    headings = []
    for heading in Heading:
        rows: dict[int, TeamRow] = {t.pk: TeamRow(team=t) for t in teams}
        for o in observations:
            rows[o.visit.team_id].observations.append(o)
            for f in sorted(o.findings.all(), key=lambda f: (f.order, f.pk)):
                if f.heading != heading:
                    continue
                (
                    rows[o.visit.team_id].strengths
                    if f.kind == Kind.STRENGTH
                    else rows[o.visit.team_id].areas
                ).append(f)
        headings.append(
            HeadingView(
                heading=heading.value,
                label=heading.label,
                rows=list(rows.values()),
                themes=_counts([f for f in findings if f.heading == heading], visited, team_of),
            )
        )
    return WeekAnalysis(
        week=week,
        observations=observations,
        teams=teams,
        visits=len(visits),
        drafts=len(visits) - len(observations),
        headings=headings,
        themes=_counts(findings, visited, team_of),
    )


# -- comparison with the previous week ----------------------------------------------------------


@dataclass(frozen=True)
class ThemeChange:
    key: str
    label: str
    then: ThemeCount
    now: ThemeCount

    @property
    def comparable(self) -> bool:
        return self.then.visited >= MIN_TEAMS and self.now.visited >= MIN_TEAMS

    @property
    def direction(self) -> str:
        if not self.comparable:
            return CANNOT_COMPARE
        then_share = self.then.count / self.then.visited if self.then.visited else 0
        now_share = self.now.count / self.now.visited if self.now.visited else 0
        if now_share > then_share:
            return "Seen more widely"
        if now_share < then_share:
            return "Seen less widely"
        return "About as widely"


@dataclass
class Comparison:
    previous: PracticeWeek
    previous_visited: int
    comparable: bool  # both weeks visited at least MIN_TEAMS teams
    continuing: list[ThemeChange]
    new: list[ThemeCount]  # seen now, not then
    gone: list[ThemeCount]  # seen then, not now

    @property
    def previous_visited_text(self) -> str:
        return count_text(self.previous_visited)


def compare(current: WeekAnalysis, previous: WeekAnalysis) -> Comparison:
    then = {c.key: c for c in previous.themes}
    now = {c.key: c for c in current.themes}
    continuing = [
        ThemeChange(key=k, label=now[k].label, then=then[k], now=now[k]) for k in now if k in then
    ]
    return Comparison(
        previous=previous.week,
        previous_visited=previous.visited,
        comparable=current.comparable and previous.comparable,
        continuing=continuing,
        new=[c for k, c in now.items() if k not in then],
        gone=[c for k, c in then.items() if k not in now],
    )
