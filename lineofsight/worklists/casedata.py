"""Reads of one casework snapshot (DuckDB) for worklists, chronologies and supervision.

Nothing here knows who is asking: callers pass a `CaseScope` that `selectors` built from the
user, and every query applies it. All values reach DuckDB as parameters; the only text put into
SQL is this module's own constants.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import duckdb

from .flags import Flag, cohort_label
from .flags import flag as flag_info

DERIVED_TABLES = ("open_cases", "drift_flags", "event_timeliness")

# Snapshot files never change once published, so what tables one holds is asked only once.
_tables_cache: dict[str, frozenset[str]] = {}
_tables_lock = threading.Lock()


def tables_in(con: duckdb.DuckDBPyConnection, cache_key: str) -> frozenset[str]:
    with _tables_lock:
        known = _tables_cache.get(cache_key)
    if known is not None:
        return known
    names = frozenset(
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    )
    with _tables_lock:
        _tables_cache[cache_key] = names
    return names


@dataclass(frozen=True)
class CaseScope:
    """Which open cases a reader may see: teams (None = every team) and, for a practitioner,
    one worker. `nothing` is a scope that matches no case (e.g. no professional id)."""

    team_ids: tuple[str, ...] | None = None
    worker_id: str | None = None
    nothing: bool = False

    def narrowed_to_team(self, team_id: str) -> CaseScope:
        if self.nothing or (self.team_ids is not None and team_id not in self.team_ids):
            return CaseScope(nothing=True)
        return CaseScope(team_ids=(team_id,), worker_id=self.worker_id)

    def sql(self, alias: str = "oc") -> tuple[str, dict]:
        """A WHERE condition over open_cases (aliased `alias`) and its parameters."""
        if self.nothing:
            return "FALSE", {}
        parts, params = ["TRUE"], {}
        if self.team_ids is not None:
            parts.append(f"list_contains($scope_teams::VARCHAR[], {alias}.team_id)")
            params["scope_teams"] = list(self.team_ids)
        if self.worker_id is not None:
            parts.append(f"{alias}.worker_id = $scope_worker")
            params["scope_worker"] = self.worker_id
        return " AND ".join(parts), params


@dataclass(frozen=True)
class FlagMark:
    flag: str
    since: datetime.date | None
    detail: str = ""

    @property
    def info(self) -> Flag:
        return flag_info(self.flag)


@dataclass
class CaseRow:
    person_id: str
    name: str
    cohorts: tuple[str, ...]
    team_id: str
    worker_id: str
    worker_name: str
    flags: tuple[FlagMark, ...] = ()
    discussed_on: datetime.date | None = None  # latest group supervision, when shown

    @property
    def cohort_labels(self) -> list[str]:
        return [cohort_label(c) for c in self.cohorts]

    @property
    def display_name(self) -> str:
        return self.name or f"Child {self.person_id}"

    # Worked out once: sorting, filtering and the page all ask for them many times.
    @cached_property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(f.flag for f in self.flags)

    @cached_property
    def oldest_flag(self) -> datetime.date | None:
        dates = [f.since for f in self.flags if f.since is not None]
        return min(dates) if dates else None


# Two flat queries rather than one with nested lists: DuckDB hands flat rows to Python several
# times faster, and the flags join only the children in scope.
_CASES_SQL = """
SELECT oc.person_id,
       trim(concat_ws(' ', p.pers_forename, p.pers_surname)) AS name,
       oc.cohort, oc.team_id, oc.worker_id,
       w.prof_professional_name AS worker_name
FROM open_cases oc
LEFT JOIN ssd_person p ON p.pers_person_id = oc.person_id
LEFT JOIN ssd_professionals w ON w.prof_professional_id = oc.worker_id
WHERE {scope}
"""
_CASE_FLAGS_SQL = """
SELECT f.person_id, f.flag, f.since, f.detail
FROM drift_flags f
JOIN (SELECT DISTINCT oc.person_id FROM open_cases oc WHERE {scope}) c
  ON c.person_id = f.person_id
ORDER BY f.person_id, f.since, f.flag
"""

# Rows already read, by snapshot file and scope. A snapshot never changes once published, so a
# team's rows stay right for as long as its file is the one being read; only the newest few
# scopes are kept.
_ROWS_KEPT = 128
_rows_cache: OrderedDict[tuple[str, CaseScope], tuple[CaseRow, ...]] = OrderedDict()
_rows_lock = threading.Lock()


def _read_case_rows(con: duckdb.DuckDBPyConnection, scope: CaseScope) -> tuple[CaseRow, ...]:
    condition, params = scope.sql("oc")
    flags: dict[str, list[FlagMark]] = defaultdict(list)
    for pid, flag_id, since, detail in con.execute(
        _CASE_FLAGS_SQL.format(scope=condition), params
    ).fetchall():
        flags[str(pid)].append(FlagMark(flag_id, since, detail or ""))
    grouped: dict[tuple[str, str, str], CaseRow] = {}
    for pid, name, cohort, team_id, worker_id, worker_name in con.execute(
        _CASES_SQL.format(scope=condition), params
    ).fetchall():
        pid = str(pid)
        row_key = (pid, team_id or "", worker_id or "")
        row = grouped.get(row_key)
        if row is None:
            grouped[row_key] = CaseRow(
                person_id=pid,
                name=name or "",
                cohorts=(cohort,) if cohort else (),
                team_id=team_id or "",
                worker_id=worker_id or "",
                worker_name=worker_name or "",
                flags=tuple(flags.get(pid, ())),
            )
        elif cohort and cohort not in row.cohorts:
            row.cohorts = tuple(sorted((*row.cohorts, cohort)))
    return tuple(sorted(grouped.values(), key=lambda r: r.person_id))


def case_rows(
    con: duckdb.DuckDBPyConnection, scope: CaseScope, *, cache_key: str | None = None
) -> list[CaseRow]:
    """Every open case in scope, one row per child, team and worker, with the child's flags.

    With `cache_key` (the snapshot file's path) the rows are read once per process and shared:
    treat them as read-only, and copy one (dataclasses.replace) to note anything on it.
    """
    if scope.nothing:
        return []
    if cache_key is None:
        return list(_read_case_rows(con, scope))
    key = (cache_key, scope)
    with _rows_lock:
        found = _rows_cache.get(key)
        if found is not None:
            _rows_cache.move_to_end(key)
            return list(found)
    found = _read_case_rows(con, scope)
    with _rows_lock:
        _rows_cache[key] = found
        while len(_rows_cache) > _ROWS_KEPT:
            _rows_cache.popitem(last=False)
    return list(found)


@dataclass
class TeamSummary:
    team_id: str
    children: int = 0
    flagged: int = 0
    by_flag: dict[str, int] = field(default_factory=dict)


_TEAM_SUMMARY_SQL = """
WITH cases AS (
    SELECT DISTINCT oc.person_id, oc.team_id FROM open_cases oc WHERE {scope}
)
SELECT c.team_id, f.flag, grouping(f.flag) AS whole_team,
       count(DISTINCT c.person_id) AS children,
       count(DISTINCT CASE WHEN f.flag IS NOT NULL THEN c.person_id END) AS flagged
FROM cases c
LEFT JOIN drift_flags f ON f.person_id = c.person_id
GROUP BY GROUPING SETS ((c.team_id), (c.team_id, f.flag))
"""


def team_summaries(con: duckdb.DuckDBPyConnection, scope: CaseScope) -> dict[str, TeamSummary]:
    """Children and flagged children per team, and children per flag, in one query."""
    if scope.nothing:
        return {}
    condition, params = scope.sql("oc")
    summaries: dict[str, TeamSummary] = {}
    for team_id, flag_id, whole_team, children, flagged in con.execute(
        _TEAM_SUMMARY_SQL.format(scope=condition), params
    ).fetchall():
        summary = summaries.setdefault(team_id or "", TeamSummary(team_id or ""))
        if whole_team:
            summary.children, summary.flagged = children, flagged
        elif flag_id is not None:
            summary.by_flag[flag_id] = children
    return summaries


def person_in_scope(con: duckdb.DuckDBPyConnection, person_id: str, scope: CaseScope) -> bool:
    if scope.nothing:
        return False
    condition, params = scope.sql("oc")
    row = con.execute(
        f"SELECT 1 FROM open_cases oc WHERE oc.person_id = $person AND {condition} LIMIT 1",
        {"person": person_id, **params},
    ).fetchone()
    return row is not None


def flags_for(
    con: duckdb.DuckDBPyConnection, person_ids: Iterable[str]
) -> dict[str, tuple[FlagMark, ...]]:
    """The current drift flags of each child named (children without flags are left out)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found: dict[str, list[FlagMark]] = defaultdict(list)
    for pid, flag_id, since, detail in con.execute(
        "SELECT person_id, flag, since, detail FROM drift_flags "
        "WHERE list_contains($ids::VARCHAR[], person_id) ORDER BY person_id, since, flag",
        {"ids": ids},
    ).fetchall():
        found[str(pid)].append(FlagMark(flag_id, since, detail or ""))
    return {pid: tuple(marks) for pid, marks in found.items()}


def open_people(con: duckdb.DuckDBPyConnection, person_ids: Iterable[str]) -> set[str]:
    """Which of these children have an open case in the snapshot."""
    ids = sorted(set(person_ids))
    if not ids:
        return set()
    return {
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT person_id FROM open_cases "
            "WHERE list_contains($ids::VARCHAR[], person_id)",
            {"ids": ids},
        ).fetchall()
    }


def team_flag_sets(con: duckdb.DuckDBPyConnection, team_id: str) -> dict[str, frozenset[str]]:
    """Each child with an open case in the team, and the set of flags the child has."""
    rows = con.execute(
        "SELECT oc.person_id, list(DISTINCT f.flag) FILTER (WHERE f.flag IS NOT NULL) "
        "FROM (SELECT DISTINCT person_id FROM open_cases WHERE team_id = $team) oc "
        "LEFT JOIN drift_flags f ON f.person_id = oc.person_id GROUP BY oc.person_id",
        {"team": team_id},
    ).fetchall()
    return {str(pid): frozenset(flags or ()) for pid, flags in rows}


def names_for(con: duckdb.DuckDBPyConnection, person_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    return {
        str(pid): (name or "")
        for pid, name in con.execute(
            "SELECT pers_person_id, trim(concat_ws(' ', pers_forename, pers_surname)) "
            "FROM ssd_person WHERE list_contains($ids::VARCHAR[], pers_person_id)",
            {"ids": ids},
        ).fetchall()
    }
