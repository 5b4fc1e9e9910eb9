"""One indicator for every team at once: the by-team table on an indicator's page.

A snapshot indicator runs once, grouped by team (the same attribution rule as the engine: a child
counts for the team of their allocation on the period-end date, a worker for their own team), so
the table costs one query however many teams there are. A records indicator (audits, moderation)
is counted per team from the product's own records.

`team_values` computes; `team_table` is the selector the page uses: only the teams the user may
see, each figure through the one small-number rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lineofsight.accounts.models import Team
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.web.figures import count_text

from . import catalogue as cat
from . import engine, records
from .presentation import Figure, figure_of
from .types import Indicator, IndicatorValue, Source, Unit

UNLINKED = "This team is not linked to a team in the case management system."


def _grouped_sql(spec: cat.Spec) -> str:
    sql = spec.indicator.sql.rstrip().rstrip(";")
    if spec.attribution == "row":
        return (
            "SELECT d.team_key, sum(d.numerator), sum(d.denominator) "
            f"FROM (\n{sql}\n) AS d WHERE d.team_key IS NOT NULL GROUP BY d.team_key"
        )
    return (
        "SELECT t.team_key, sum(d.numerator), sum(d.denominator) "
        f"FROM (\n{sql}\n) AS d "
        "JOIN _child_team t ON t.period_end = d.period_end AND t.person_id = d.person_id "
        "GROUP BY t.team_key"
    )


def team_values(
    *, snapshot: Snapshot, indicator_id: str, period_end: date, teams: Sequence[Team]
) -> dict[int, IndicatorValue]:
    """The indicator for the 12 months to (or on) `period_end`, for each team, by team pk."""
    spec = cat.spec(indicator_id)
    ind = spec.indicator
    if ind.source is Source.RECORDS:
        return {
            t.pk: records.value(ind, period_end=period_end, team_ids=[t.pk], team_id=t.pk)
            for t in teams
        }

    def no_data(team: Team, reason: str) -> IndicatorValue:
        return engine.value_from(
            ind, period_end=period_end, numerator=None, denominator=None, reason=reason,
            team_id=team.pk,
        )  # fmt: skip

    reason = ""
    figure_from = ""
    sums: dict[str, tuple[float, float]] = {}
    if period_end > snapshot.as_at:
        reason = (
            "The period ends after the date this data describes "
            f"({engine._long_date(snapshot.as_at)})."
        )
    elif ind.unit is Unit.PER_10K:
        reason = engine.TEAM_RATE_REASON
    else:
        with store.connect(snapshot) as con:
            reason = engine.missing_reason(
                spec,
                provided=snapshot.provided_tables,
                present=engine._tables_in(con),
                as_at=snapshot.as_at,
            )
            if not reason:
                engine._make_periods(con, [period_end])
                census = engine.census_spec(spec, filtered=True)
                if census is not None and period_end in engine.census_dates(
                    con, engine._tables_in(con)
                ):
                    spec, figure_from = census, engine.census_figure_from(period_end)
                if spec.attribution == "child":
                    engine._make_attribution(con)
                for key, num, den in con.execute(_grouped_sql(spec)).fetchall():
                    sums[str(key)] = (float(num or 0), float(den or 0))
    out: dict[int, IndicatorValue] = {}
    for team in teams:
        key = (team.case_system_id or "").strip()
        if reason:
            out[team.pk] = no_data(team, reason)
        elif not key:
            out[team.pk] = no_data(team, UNLINKED)
        else:
            num, den = sums.get(key, (0.0, 0.0))
            out[team.pk] = engine.value_from(
                ind, period_end=period_end, numerator=num, denominator=den, empty=spec.empty,
                team_id=team.pk, figure_from=figure_from,
            )  # fmt: skip
    return out


@dataclass(frozen=True)
class TeamLine:
    team: Team
    figure: Figure
    numerator_text: str  # through the small-number rule; "" when there is no data
    denominator_text: str


@dataclass(frozen=True)
class TeamTable:
    indicator: Indicator
    period_end: date
    lines: list[TeamLine]
    note: str = ""  # where the team figures come from, when that needs saying

    @property
    def has_denominator(self) -> bool:
        return self.indicator.unit is not Unit.COUNT

    @property
    def reasons(self) -> list[tuple[str, list[str]]]:
        """Why a team has no figure, each reason once with the teams it applies to."""
        found: dict[str, list[str]] = {}
        for line in self.lines:
            if line.figure.no_data:
                found.setdefault(line.figure.no_data_reason, []).append(line.team.name)
        return list(found.items())


def team_table(
    *, indicator: Indicator, snapshot: Snapshot, period_end: date, teams: Sequence[Team]
) -> TeamTable:
    """The indicator for each of `teams` (the teams the user may see: the page passes
    `Filters.teams`), with numerator and denominator through the small-number rule."""
    values = team_values(
        snapshot=snapshot, indicator_id=indicator.id, period_end=period_end, teams=teams
    )
    lines = []
    for team in teams:
        value = values[team.pk]
        has = value.numerator is not None
        lines.append(
            TeamLine(
                team=team,
                figure=figure_of(value),
                numerator_text=count_text(value.numerator) if has else "",
                denominator_text=(
                    count_text(value.denominator)
                    if has and value.denominator is not None and indicator.unit is not Unit.COUNT
                    else ""
                ),
            )
        )
    return TeamTable(indicator, period_end, lines, _source_note(indicator, values.values()))


def _source_note(indicator: Indicator, values: Iterable[IndicatorValue]) -> str:
    spec = cat.spec(indicator.id)
    from_census = {v.figure_from for v in values if v.figure_from}
    if from_census:
        return f"Team figures are from {sorted(from_census)[0]}."
    if spec.census_figure and not spec.census_figure_by_team:
        return (
            "On a workforce census date the council's figure is the census's. The census gives "
            "it for the whole council only, so team figures are counted from the case system's "
            "list of workers."
        )
    return ""
