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
    # From event_timeliness: the due date of the most overdue open item (and its event type),
    # and of the next item not yet overdue (due within 5 working days: `next_due_soon`).
    overdue_since: datetime.date | None = None
    overdue_item: str = ""
    next_due: datetime.date | None = None
    next_due_item: str = ""
    next_due_soon: bool = False
    # From the visit tables (CIN, CP and looked-after visits; one day's visits are one visit):
    # the last visit on or before the snapshot's date, whether the child was seen and seen
    # alone (None when the case system did not record it).
    last_visit: datetime.date | None = None
    last_visit_seen: bool | None = None
    last_visit_seen_alone: bool | None = None

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

    def days_overdue(self, as_at: datetime.date) -> int | None:
        """Calendar days from the most overdue open item's due date to the snapshot's date."""
        return (as_at - self.overdue_since).days if self.overdue_since else None


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

# Due dates and the last visit of each child in scope, in one set-based query. Open items
# only (not completed): overdue, due soon or not yet due. The visit tables a snapshot holds are
# put together as the timeliness step does (lineofsight/timeliness/sources.py: `_tl_visits`).
_CASE_DUE_SQL = """
WITH people AS (SELECT DISTINCT oc.person_id FROM open_cases oc WHERE {scope}),
due AS (
    SELECT t.person_id,
           min(t.due_date) FILTER (WHERE t.status = 'overdue') AS overdue_since,
           arg_min(t.event_type, t.due_date) FILTER (WHERE t.status = 'overdue') AS overdue_item,
           min(t.due_date) FILTER (WHERE t.status <> 'overdue') AS next_due,
           arg_min(t.event_type, t.due_date) FILTER (WHERE t.status <> 'overdue') AS next_item,
           arg_min(t.status, t.due_date) FILTER (WHERE t.status <> 'overdue') AS next_status
    FROM {timeliness} t
    JOIN people p ON p.person_id = t.person_id
    WHERE t.completed_date IS NULL AND t.status IN ('overdue', 'due_soon', 'not_due')
    GROUP BY t.person_id
),
visits AS ({visits}),
last_visit AS (
    SELECT v.person_id, v.visit_date,
           CASE WHEN bool_or(v.seen = 'Y') THEN TRUE WHEN bool_or(v.seen = 'N') THEN FALSE END
               AS seen,
           CASE WHEN bool_or(v.alone = 'Y') THEN TRUE WHEN bool_or(v.alone = 'N') THEN FALSE END
               AS alone
    FROM visits v
    JOIN people p ON p.person_id = v.person_id
    WHERE v.visit_date IS NOT NULL AND ($as_at::DATE IS NULL OR v.visit_date <= $as_at::DATE)
    GROUP BY v.person_id, v.visit_date
    QUALIFY row_number() OVER (PARTITION BY v.person_id ORDER BY v.visit_date DESC) = 1
)
SELECT p.person_id, d.overdue_since, d.overdue_item, d.next_due, d.next_item, d.next_status,
       lv.visit_date, lv.seen, lv.alone
FROM people p
LEFT JOIN due d ON d.person_id = p.person_id
LEFT JOIN last_visit lv ON lv.person_id = p.person_id
WHERE d.person_id IS NOT NULL OR lv.person_id IS NOT NULL
"""
_VISIT_SOURCES = {
    "ssd_cin_visits": "SELECT cinv_person_id AS person_id, cinv_cin_visit_date AS visit_date, "
    "CAST(cinv_cin_visit_seen AS VARCHAR) AS seen, "
    "CAST(cinv_cin_visit_seen_alone AS VARCHAR) AS alone FROM ssd_cin_visits",
    "ssd_cp_visits": "SELECT cppv_person_id, cppv_cp_visit_date, "
    "CAST(cppv_cp_visit_seen AS VARCHAR), CAST(cppv_cp_visit_seen_alone AS VARCHAR) "
    "FROM ssd_cp_visits",
    # A looked-after visit may name only the care episode: its child comes from the episodes.
    "ssd_cla_visits": "SELECT coalesce(v.clav_person_id, e.person_id), v.clav_cla_visit_date, "
    "CAST(v.clav_cla_visit_seen AS VARCHAR), CAST(v.clav_cla_visit_seen_alone AS VARCHAR) "
    "FROM ssd_cla_visits v LEFT JOIN {episodes} e ON e.cla_id = v.clav_cla_id",
}
_CLA_OWNERS = (
    "(SELECT clae_cla_id AS cla_id, any_value(clae_person_id) AS person_id "
    "FROM ssd_cla_episodes WHERE clae_cla_id IS NOT NULL GROUP BY clae_cla_id)"
)
# A snapshot made before the timeliness step existed: no due dates, still the last visit.
_NO_TIMELINESS = (
    "(SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS event_type, NULL::DATE AS due_date, "
    "NULL::DATE AS completed_date, NULL::VARCHAR AS status WHERE FALSE)"
)
_NO_VISITS = (
    "SELECT NULL::VARCHAR AS person_id, NULL::DATE AS visit_date, NULL::VARCHAR AS seen, "
    "NULL::VARCHAR AS alone WHERE FALSE"
)


def _visits_sql(tables: frozenset[str]) -> str:
    parts = []
    for table, sql in _VISIT_SOURCES.items():
        if table not in tables:
            continue
        if table == "ssd_cla_visits":
            episodes = (
                _CLA_OWNERS
                if "ssd_cla_episodes" in tables
                else ("(SELECT NULL::VARCHAR AS cla_id, NULL::VARCHAR AS person_id WHERE FALSE)")
            )
            sql = sql.format(episodes=episodes)
        parts.append(sql)
    return " UNION ALL ".join(parts) or _NO_VISITS


def _due_and_visits(
    con: duckdb.DuckDBPyConnection,
    condition: str,
    params: dict,
    tables: frozenset[str],
    as_at: datetime.date | None,
) -> dict[str, tuple]:
    timeliness = "event_timeliness" if "event_timeliness" in tables else _NO_TIMELINESS
    sql = _CASE_DUE_SQL.format(scope=condition, visits=_visits_sql(tables), timeliness=timeliness)
    return {str(r[0]): r[1:] for r in con.execute(sql, {**params, "as_at": as_at}).fetchall()}


# Rows already read, by snapshot file and scope. A snapshot never changes once published, so a
# team's rows stay right for as long as its file is the one being read; only the newest few
# scopes are kept.
_ROWS_KEPT = 128
_rows_cache: OrderedDict[tuple[str, CaseScope, datetime.date | None], tuple[CaseRow, ...]] = (
    OrderedDict()
)
_rows_lock = threading.Lock()


def _read_case_rows(
    con: duckdb.DuckDBPyConnection,
    scope: CaseScope,
    tables: frozenset[str],
    as_at: datetime.date | None,
) -> tuple[CaseRow, ...]:
    condition, params = scope.sql("oc")
    extras = _due_and_visits(con, condition, params, tables, as_at)
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
                **_extra_fields(extras.get(pid)),
            )
        elif cohort and cohort not in row.cohorts:
            row.cohorts = tuple(sorted((*row.cohorts, cohort)))
    return tuple(sorted(grouped.values(), key=lambda r: r.person_id))


def _extra_fields(extra: tuple | None) -> dict:
    if extra is None:
        return {}
    overdue_since, overdue_item, next_due, next_item, next_status, visit, seen, alone = extra
    return {
        "overdue_since": overdue_since,
        "overdue_item": overdue_item or "",
        "next_due": next_due,
        "next_due_item": next_item or "",
        "next_due_soon": next_status == "due_soon",
        "last_visit": visit,
        "last_visit_seen": seen,
        "last_visit_seen_alone": alone,
    }


def case_rows(
    con: duckdb.DuckDBPyConnection,
    scope: CaseScope,
    *,
    cache_key: str | None = None,
    as_at: datetime.date | None = None,
) -> list[CaseRow]:
    """Every open case in scope, one row per child, team and worker, with the child's flags,
    due dates and last visit (visits after `as_at`, the snapshot's date, are left out).

    With `cache_key` (the snapshot file's path) the rows are read once per process and shared:
    treat them as read-only, and copy one (dataclasses.replace) to note anything on it.
    """
    if scope.nothing:
        return []
    if cache_key is None:
        tables = frozenset(
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        )
        return list(_read_case_rows(con, scope, tables, as_at))
    key = (cache_key, scope, as_at)
    with _rows_lock:
        found = _rows_cache.get(key)
        if found is not None:
            _rows_cache.move_to_end(key)
            return list(found)
    found = _read_case_rows(con, scope, tables_in(con, cache_key), as_at)
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


# The open cases in a scope, one row per child and team; `{scope}` is the scope's condition.
CASES_IN_SCOPE_SQL = """
WITH cases AS (
    SELECT DISTINCT oc.person_id, oc.team_id FROM open_cases oc WHERE {scope}
)"""


def per_flag_sql(rows: str, key: str) -> str:
    """Children (distinct) and flagged children for each `key` of `rows` (a query's table of
    person_id and key), and children for each flag, in one query: key, flag, whole (1 on the
    key's totals), children, flagged."""
    return f"""
SELECT r.{key}, f.flag, grouping(f.flag) AS whole,
       count(DISTINCT r.person_id) AS children,
       count(DISTINCT CASE WHEN f.flag IS NOT NULL THEN r.person_id END) AS flagged
FROM {rows} r
LEFT JOIN drift_flags f ON f.person_id = r.person_id
GROUP BY GROUPING SETS ((r.{key}), (r.{key}, f.flag))
"""


_TEAM_SUMMARY_SQL = CASES_IN_SCOPE_SQL + per_flag_sql("cases", "team_id")


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
