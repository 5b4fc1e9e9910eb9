"""Reads for worklists, scoped by the requesting user (one child's record: lineofsight.children).

Who sees which open cases (lineofsight.accounts.policy): a practitioner their own caseload (the
cases allocated to their professional id), a team manager their teams', a service manager their
service's, quality assurance leads, senior leaders and analysts every case. Administrators see
none. The scope becomes a `CaseScope` that every snapshot query applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb

from lineofsight.accounts import policy
from lineofsight.accounts.models import Service, Team, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot

from . import casedata, connections
from .casedata import CaseRow, CaseScope, TeamSummary
from .flags import COHORTS, FLAGS, Flag, flag
from .query import ANY_FLAG, UNALLOCATED, WorklistQuery

NoCurrentSnapshot = store.NoCurrentSnapshot
# Either way there is no casework to show: nothing imported, or the current file has gone.
NO_CASEWORK = (store.NoCurrentSnapshot, store.SnapshotFileMissing)


@dataclass
class Reader:
    """An open snapshot and which derived tables it holds."""

    snapshot: Snapshot
    con: duckdb.DuckDBPyConnection
    tables: frozenset[str]

    @property
    def key(self) -> str:
        """Names the snapshot file for caches: its content never changes."""
        return str(self.snapshot.path)

    @property
    def has_worklists(self) -> bool:
        return {"open_cases", "drift_flags"} <= self.tables

    @property
    def has_timeliness(self) -> bool:
        return "event_timeliness" in self.tables


@contextmanager
def reading(snapshot: Snapshot | None = None) -> Iterator[Reader]:
    """The current snapshot (or the one given), open read-only for the length of the block."""
    if snapshot is None:
        snapshot = store.current_snapshot()
        if snapshot is None:
            raise NoCurrentSnapshot("No casework data has been imported yet.")
    con = connections.cursor(snapshot)
    try:
        yield Reader(snapshot, con, casedata.tables_in(con, str(snapshot.path)))
    finally:
        con.close()


def casework_scope(user: User) -> CaseScope:
    if not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return CaseScope(nothing=True)
    scope = policy.scope_for(user)
    if scope is policy.Scope.EVERYTHING:
        return CaseScope()
    if scope is policy.Scope.OWN_CASELOAD:
        pid = user.professional_id.strip()
        return CaseScope(worker_id=pid) if pid else CaseScope(nothing=True)
    team_ids = tuple(
        sorted({t.case_system_id for t in policy.visible_teams(user) if t.case_system_id})
    )
    return CaseScope(team_ids=team_ids) if team_ids else CaseScope(nothing=True)


def team_scope(user: User, team: Team) -> CaseScope:
    """The user's scope within one team they may see (`team` from policy.get_team_for_user):
    the whole team, or for a practitioner only their own cases in it."""
    if not team.case_system_id or not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return CaseScope(nothing=True)
    if policy.scope_for(user) is policy.Scope.OWN_CASELOAD:
        pid = user.professional_id.strip()
        if not pid:
            return CaseScope(nothing=True)
        return CaseScope(team_ids=(team.case_system_id,), worker_id=pid)
    return CaseScope(team_ids=(team.case_system_id,))


# -- worklists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagCount:
    flag: Flag
    children: int


@dataclass
class Worklist:
    snapshot: Snapshot
    ready: bool  # the snapshot has the derived tables a worklist needs
    query: WorklistQuery
    rows: list[CaseRow]  # filtered and sorted
    total: int  # children in scope before filters
    flagged: int  # children shown (after the filters) with at least one flag
    flag_counts: list[FlagCount]  # after the worker and cohort filters (not the flag one)
    workers: list[tuple[str, str]]  # (value, label) for the worker filter
    cohorts: list[tuple[str, str]]
    shown: int = 0  # children that match the filters
    overdue: int = 0  # children shown with an open item overdue
    due_soon: int = 0  # children shown with an item due within 5 working days

    @property
    def as_at(self):
        return self.snapshot.as_at


def _children(rows: list[CaseRow]) -> int:
    return len({r.person_id for r in rows})


def _worklist(reader: Reader, scope: CaseScope, query: WorklistQuery) -> Worklist:
    if not reader.has_worklists:
        return Worklist(reader.snapshot, False, query, [], 0, 0, [], [], [])
    # One query for the whole scope; filters, counts and sorting run over those rows, so the
    # counts at the top always describe the same rows the table is drawn from.
    rows = casedata.case_rows(reader.con, scope, cache_key=reader.key, as_at=reader.snapshot.as_at)
    # The flag counts follow the worker and cohort filters; each offers its flag as a filter.
    facet = query.without_flag()
    children_by_flag: dict[str, set[str]] = {}
    workers: dict[str, str] = {}
    for row in rows:
        if facet.matches(row):
            for flag_id in row.flag_ids:
                children_by_flag.setdefault(flag_id, set()).add(row.person_id)
        if row.worker_id:
            workers[row.worker_id] = row.worker_name or row.worker_id
    counts = {flag_id: len(people) for flag_id, people in children_by_flag.items()}
    flag_counts = [FlagCount(f, counts[f.id]) for f in FLAGS.values() if f.id in counts]
    flag_counts += [
        FlagCount(flag(fid), n) for fid, n in sorted(counts.items()) if fid not in FLAGS
    ]
    if query.flag and query.flag != ANY_FLAG and query.flag not in counts:
        flag_counts.append(FlagCount(flag(query.flag), 0))  # still offered, as chosen
    worker_options = sorted(workers.items(), key=lambda kv: kv[1].lower())
    if any(not r.worker_id for r in rows):
        worker_options.append((UNALLOCATED, "Unallocated"))
    shown = query.apply(rows)
    return Worklist(
        snapshot=reader.snapshot,
        ready=True,
        query=query,
        rows=shown,
        total=_children(rows),
        flagged=_children([r for r in shown if r.flags]),
        flag_counts=flag_counts,
        workers=worker_options,
        cohorts=list(COHORTS.items()),
        shown=_children(shown),
        overdue=_children([r for r in shown if r.overdue_since]),
        due_soon=_children([r for r in shown if r.next_due_soon]),
    )


def team_worklist(user: User, team: Team, query: WorklistQuery) -> Worklist:
    """The team's open cases as `user` may see them (a practitioner: only their own).
    `team` must come from policy.get_team_for_user."""
    scope = team_scope(user, team)
    with reading() as reader:
        return _worklist(reader, scope, query)


def team_person_ids(user: User, team: Team) -> frozenset[str]:
    """The children on the team's worklist as `user` may see it (empty without casework).
    `team` must come from policy.get_team_for_user."""
    scope = team_scope(user, team)
    try:
        with reading() as reader:
            if not reader.has_worklists:
                return frozenset()
            rows = casedata.case_rows(
                reader.con, scope, cache_key=reader.key, as_at=reader.snapshot.as_at
            )
    except NO_CASEWORK:
        return frozenset()
    return frozenset(r.person_id for r in rows)


def caseload_worklist(user: User, query: WorklistQuery) -> Worklist:
    """The cases allocated to the user's own professional id, within their scope."""
    scope = casework_scope(user)
    pid = user.professional_id.strip()
    if not pid or scope.nothing:
        scope = CaseScope(nothing=True)
    else:
        scope = CaseScope(team_ids=scope.team_ids, worker_id=pid)
    with reading() as reader:
        return _worklist(reader, scope, query)


# -- teams side by side ----------------------------------------------------------------------


@dataclass
class TeamColumn:
    team: Team
    summary: TeamSummary


@dataclass
class ServiceComparison:
    service: Service
    teams: list[TeamColumn]
    flags: list[Flag] = field(default_factory=list)  # flags present in any of these teams

    def rows(self) -> list[tuple[Flag, list[tuple[TeamColumn, int]]]]:
        return [
            (f, [(col, col.summary.by_flag.get(f.id, 0)) for col in self.teams]) for f in self.flags
        ]


def team_summaries(user: User) -> tuple[Snapshot | None, list[TeamColumn]]:
    """Each team the user may see, with its children and flag counts (from one query).
    The snapshot is None when nothing has been imported yet."""
    teams = list(policy.visible_teams(user))
    scope = casework_scope(user)
    if policy.scope_for(user) is policy.Scope.OWN_CASELOAD:
        return None, []
    try:
        with reading() as reader:
            summaries = casedata.team_summaries(reader.con, scope) if reader.has_worklists else {}
            snapshot = reader.snapshot
    except NO_CASEWORK:
        return None, [TeamColumn(t, TeamSummary(t.case_system_id)) for t in teams]
    return snapshot, [
        TeamColumn(t, summaries.get(t.case_system_id) or TeamSummary(t.case_system_id))
        for t in teams
    ]


def service_comparisons(user: User) -> tuple[Snapshot | None, list[ServiceComparison]]:
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    snapshot, columns = team_summaries(user)
    by_service: dict[int, ServiceComparison] = {}
    for col in columns:
        group = by_service.setdefault(col.team.service_id, ServiceComparison(col.team.service, []))
        group.teams.append(col)
    for group in by_service.values():
        present = {fid for col in group.teams for fid in col.summary.by_flag}
        group.flags = [f for f in FLAGS.values() if f.id in present] + [
            flag(fid) for fid in sorted(present - set(FLAGS))
        ]
    return snapshot, list(by_service.values())


# -- where a child's cases are held --------------------------------------------------------


@dataclass(frozen=True)
class ChildAllocation:
    """Where a child's open cases are held in the current snapshot: the case system's team ids
    and the professional ids of the workers they are allocated to (a user is linked to a worker
    by User.professional_id)."""

    team_ids: frozenset[str] = frozenset()
    worker_ids: frozenset[str] = frozenset()

    @property
    def found(self) -> bool:
        return bool(self.team_ids or self.worker_ids)


def child_allocation(person_id: str) -> ChildAllocation:
    person_id = (person_id or "").strip()
    if not person_id:
        return ChildAllocation()
    try:
        with reading() as reader:
            if not reader.has_worklists:
                return ChildAllocation()
            rows = reader.con.execute(
                "SELECT DISTINCT team_id, worker_id FROM open_cases WHERE person_id = $p",
                {"p": person_id},
            ).fetchall()
    except NO_CASEWORK:
        return ChildAllocation()
    return ChildAllocation(
        frozenset(str(t) for t, _ in rows if t), frozenset(str(w) for _, w in rows if w)
    )


def scope_covers(scope: CaseScope, allocation: ChildAllocation) -> bool:
    """Whether a user with `scope` sees a child allocated as `allocation` (the same rule as
    CaseScope.sql, worked out in Python for a list of people)."""
    if scope.nothing or not allocation.found:
        return False
    if scope.worker_id is not None and scope.worker_id not in allocation.worker_ids:
        return False
    return scope.team_ids is None or bool(set(scope.team_ids) & allocation.team_ids)
