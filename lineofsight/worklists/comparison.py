"""Teams side by side: each team the user may see as a row, under a total row for its service,
with the children on the team's list and, for each drift flag, how many of them have it and what
share of the team's children that is (per 100 children, shown as a percentage).

Every figure goes through the one small-number rule (lineofsight.web.figures): a count of 1 to 4
reads "fewer than 5" and a share worked out from 1 to 4 children is withheld. Sorting never
reveals what is hidden: counts of 1 to 4 sort as one group, and withheld shares sort after every
shown share whichever way the column is sorted.

The sort is in the page address (`?sort=<column>&order=asc|desc`), so it works without
JavaScript; a column the table does not have is a bad filter (400), as on other list pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import duckdb
from django.db.models import Exists, OuterRef

from lineofsight.accounts import policy
from lineofsight.accounts.models import Service, Team, User
from lineofsight.casework.models import Snapshot
from lineofsight.web.figures import count_text, is_small, share_text, share_withheld
from lineofsight.web.filters import BadFilter

from . import casedata
from .casedata import CASES_IN_SCOPE_SQL, CaseScope, TeamSummary, per_flag_sql
from .flags import FLAGS, Flag, flag
from .selectors import NO_CASEWORK, casework_scope, reading

TEAM, CHILDREN, FLAGGED = "team", "children", "flagged"
ASCENDING, DESCENDING = "asc", "desc"
ARIA_SORT = {ASCENDING: "ascending", DESCENDING: "descending"}

# Children per service (distinct: a child open to two teams of a service counts once), and per
# flag, in one query. `$keys`/`$services` pair each visible team's case system id with its
# service.
_SERVICE_SQL = (
    CASES_IN_SCOPE_SQL
    + """,
teams AS (
    SELECT unnest($keys::VARCHAR[]) AS team_id, unnest($services::BIGINT[]) AS service_id
),
served AS (
    SELECT DISTINCT c.person_id, t.service_id FROM cases c JOIN teams t ON t.team_id = c.team_id
)"""
    + per_flag_sql("served", "service_id")
)


@dataclass(frozen=True)
class Measure:
    """A column after the children: children with at least one flag, or with one flag."""

    key: str
    label: str
    flag: Flag | None = None  # None: at least one flag


@dataclass(frozen=True)
class Cell:
    key: str  # the measure's key
    count: int
    children: int  # the line's children: what the share is out of

    @property
    def flag_filter(self) -> str:
        """The team worklist's flag filter for the children counted here."""
        return "any" if self.key == FLAGGED else self.key

    @property
    def count_text(self) -> str:
        return count_text(self.count)

    @property
    def rate_text(self) -> str:
        """The share of the line's children, e.g. "12.5%"; withheld for 1 to 4 either side."""
        return share_text(self.count, self.children)

    @property
    def rate_shown(self) -> bool:
        return bool(self.children) and not share_withheld(self.count, self.children)


@dataclass
class Line:
    """One row: a service's total or one team."""

    name: str
    children: int
    cells: list[Cell]
    team: Team | None = None  # None for a service total

    @property
    def children_text(self) -> str:
        return count_text(self.children)

    @property
    def is_team(self) -> bool:
        return self.team is not None


@dataclass
class ServiceGroup:
    service: Service
    total: Line
    teams: list[Line]
    whole_service: bool  # the user sees every team of the service


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    url: str  # the page sorted by this column (the other way round if it is the sort now)
    aria_sort: str  # "ascending", "descending" or "none"
    numeric: bool


@dataclass
class TeamsCompared:
    snapshot: Snapshot | None
    measures: list[Measure]
    groups: list[ServiceGroup]
    sort: str
    order: str
    headers: list[Header] = field(default_factory=list)

    @property
    def team_count(self) -> int:
        return sum(len(g.teams) for g in self.groups)

    @property
    def sort_label(self) -> str:
        return next((h.label for h in self.headers if h.key == self.sort), "")


def _bad(problem: str) -> BadFilter:
    return BadFilter([problem])


def parse_order(params: Mapping[str, str]) -> tuple[str, str]:
    """The sort column (unchecked) and order asked for in the page address."""
    sort = (params.get("sort") or "").strip() or TEAM
    order = (params.get("order") or "").strip()
    if order not in ("", ASCENDING, DESCENDING):
        raise _bad(
            "Sort the table in ascending or descending order: the order in the page address "
            "is neither"
        )
    return sort, order or (ASCENDING if sort == TEAM else DESCENDING)


def _measures(summaries: list[TeamSummary]) -> list[Measure]:
    present = {fid for s in summaries for fid in s.by_flag}
    flags = [f for f in FLAGS.values() if f.id in present]
    flags += [flag(fid) for fid in sorted(present - set(FLAGS))]
    return [Measure(FLAGGED, "At least one flag")] + [Measure(f.id, f.label, f) for f in flags]


def _line(name: str, summary: TeamSummary, measures: list[Measure], team: Team | None) -> Line:
    cells = [
        Cell(
            m.key,
            summary.flagged if m.flag is None else summary.by_flag.get(m.key, 0),
            summary.children,
        )
        for m in measures
    ]
    return Line(name=name, children=summary.children, cells=cells, team=team)


def _service_totals(
    con: duckdb.DuckDBPyConnection, scope: CaseScope, teams: list[Team]
) -> dict[int, TeamSummary]:
    linked = [t for t in teams if t.case_system_id]
    if scope.nothing or not linked:
        return {}
    condition, params = scope.sql("oc")
    params |= {
        "keys": [t.case_system_id for t in linked],
        "services": [t.service_id for t in linked],
    }
    totals: dict[int, TeamSummary] = {}
    for service_id, flag_id, whole, children, flagged in con.execute(
        _SERVICE_SQL.format(scope=condition), params
    ).fetchall():
        total = totals.setdefault(service_id, TeamSummary(str(service_id)))
        if whole:
            total.children, total.flagged = children, flagged
        elif flag_id is not None:
            total.by_flag[flag_id] = children
    return totals


# -- sorting ------------------------------------------------------------------------------------


def _count_rank(n: int) -> float:
    """1 to 4 sort together (between 0 and 5), so the order never tells them apart."""
    return 2.5 if is_small(n) else float(n)


def _sort_value(line: Line, sort: str, keys: list[str]) -> float | None:
    """The value a line sorts by; None (always last) for a share that is not shown."""
    if sort == CHILDREN:
        return _count_rank(line.children)
    cell = line.cells[keys.index(sort)]
    if not cell.rate_shown:
        return None
    return cell.count / cell.children


def _sorted(lines: list, sort: str, order: str, keys: list[str], line_of=lambda x: x) -> list:
    by_name = sorted(lines, key=lambda x: line_of(x).name.lower())
    if sort == TEAM:
        return by_name if order == ASCENDING else by_name[::-1]
    shown = [x for x in by_name if _sort_value(line_of(x), sort, keys) is not None]
    hidden = [x for x in by_name if _sort_value(line_of(x), sort, keys) is None]
    shown.sort(
        key=lambda x: _sort_value(line_of(x), sort, keys), reverse=order == DESCENDING
    )  # stable: equal values stay in name order
    return shown + hidden


def _headers(measures: list[Measure], sort: str, order: str) -> list[Header]:
    columns = [(TEAM, "Team", False), (CHILDREN, "Children with open cases", True)]
    columns += [(m.key, m.label, True) for m in measures]
    headers = []
    for key, label, numeric in columns:
        if key == sort:
            next_order = DESCENDING if order == ASCENDING else ASCENDING
        else:
            next_order = ASCENDING if key == TEAM else DESCENDING
        headers.append(
            Header(
                key=key,
                label=label,
                url="?" + urlencode({"sort": key, "order": next_order}),
                aria_sort=ARIA_SORT[order] if key == sort else "none",
                numeric=numeric,
            )
        )
    return headers


def _teams(user: User) -> tuple[list[Team], set[int]]:
    """The teams the user may see, and the services whose every team they see (one query)."""
    if policy.scope_for(user) is policy.Scope.OWN_CASELOAD:
        return [], set()
    visible = policy.visible_teams(user)
    in_services = (
        Team.objects.filter(service_id__in=visible.values("service_id"))
        .select_related("service")
        .annotate(visible=Exists(visible.filter(pk=OuterRef("pk"))))
        .order_by("service__name", "name")
    )
    everything = list(in_services)
    teams = [t for t in everything if t.visible]
    hidden = {t.service_id for t in everything if not t.visible}
    return teams, {t.service_id for t in teams} - hidden


# -- the page -----------------------------------------------------------------------------------


def teams_compared(user: User, params: Mapping[str, str]) -> TeamsCompared:
    """The teams the user may see, grouped by service with a total row each, sorted as the
    page address asks. Needs VIEW_INDICATORS (403 otherwise); a bad sort is a BadFilter."""
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    sort, order = parse_order(params)
    teams, whole_services = _teams(user)
    scope = casework_scope(user)
    snapshot: Snapshot | None = None
    summaries: dict[str, TeamSummary] = {}
    totals: dict[int, TeamSummary] = {}
    if teams:
        try:
            with reading() as reader:
                snapshot = reader.snapshot
                if reader.has_worklists:
                    summaries = casedata.team_summaries(reader.con, scope)
                    totals = _service_totals(reader.con, scope, teams)
        except NO_CASEWORK:
            snapshot = None
    team_summary = {
        t.pk: summaries.get(t.case_system_id) or TeamSummary(t.case_system_id) for t in teams
    }
    measures = _measures(list(team_summary.values()))
    keys = [m.key for m in measures]
    if sort not in (TEAM, CHILDREN, *keys, *FLAGS):
        raise _bad(
            "Sort the table by one of its columns: the column in the page address is not one"
        )
    if sort not in (TEAM, CHILDREN, *keys):
        # A known flag no team has: every team has none, so the teams are in name order.
        sort, order = TEAM, ASCENDING
    groups: dict[int, ServiceGroup] = {}
    for t in teams:
        group = groups.get(t.service_id)
        if group is None:
            whole = t.service_id in whole_services
            name = f"{t.service.name}: {'all teams' if whole else 'your teams'}"
            total = totals.get(t.service_id) or TeamSummary(str(t.service_id))
            group = groups[t.service_id] = ServiceGroup(
                t.service, _line(name, total, measures, None), [], whole
            )
        group.teams.append(_line(t.name, team_summary[t.pk], measures, t))
    ordered = _sorted(list(groups.values()), sort, order, keys, line_of=lambda g: g.total)
    for group in ordered:
        group.teams = _sorted(group.teams, sort, order, keys)
    return TeamsCompared(
        snapshot=snapshot,
        measures=measures,
        groups=ordered,
        sort=sort,
        order=order,
        headers=_headers(measures, sort, order),
    )
