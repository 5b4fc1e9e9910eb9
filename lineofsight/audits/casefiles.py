"""What audits read from a casework snapshot: the open cases to sample, and one child's context.

Read-only DuckDB queries. The open cases come from the snapshot's derived `open_cases` table
when the import made one; older snapshots without it are read from the SSD tables directly
(`_DERIVED_OPEN_CASES`), and the programme records which source it used.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import duckdb

from lineofsight.casework import attribution, codewords, store
from lineofsight.casework.models import Snapshot
from lineofsight.timeliness.flags import FLAGS

from .sampling import OpenCase, one_row_per_child

SOURCE_TABLE = "the snapshot's open_cases table"
SOURCE_DERIVED = "derived from the SSD tables (the snapshot has no open_cases table)"

# A child's open episodes, by cohort, as at the snapshot date, with the team and worker
# responsible for the child then (casework.attribution, the rule timeliness's open_cases uses).
_DERIVED_OPEN_CASES = f"""
WITH cin AS (
    SELECT cine_person_id AS person_id, cine_referral_date AS start_date,
           row_number() OVER (PARTITION BY cine_person_id
                              ORDER BY cine_referral_date DESC, cine_referral_id DESC) AS n
    FROM ssd_cin_episodes
    WHERE cine_referral_date <= $as_at
      AND (cine_close_date IS NULL OR cine_close_date > $as_at)
      AND coalesce(upper(trim(cine_referral_nfa)), 'N') NOT IN ('Y', 'YES', '1', 'TRUE')
),
episodes AS (
    SELECT person_id, 'cin' AS cohort, start_date FROM cin WHERE n = 1
    UNION ALL
    SELECT cppl_person_id, 'cp', cppl_cp_plan_start_date FROM ssd_cp_plans
    WHERE cppl_cp_plan_start_date <= $as_at
      AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > $as_at)
    UNION ALL
    SELECT clae_person_id, 'cla', clae_cla_episode_start_date FROM ssd_cla_episodes
    WHERE clae_cla_episode_start_date <= $as_at
      AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > $as_at)
    UNION ALL
    SELECT clea_person_id, 'care_leaver', NULL FROM ssd_care_leavers
),
responsible AS ({attribution.on_date_sql("$as_at")})
SELECT e.person_id, e.cohort, coalesce(r.team_id, '') AS team_id,
       coalesce(r.worker_id, '') AS worker_id, e.start_date
FROM episodes e
LEFT JOIN responsible r ON r.person_id = e.person_id
WHERE e.person_id IS NOT NULL
"""


class CaseDataUnavailable(LookupError):
    """No snapshot, or its file is gone: say so to the user rather than fail."""


def _connect(snapshot: Snapshot | None) -> duckdb.DuckDBPyConnection:
    try:
        con = store.connect(snapshot)
    except (store.NoCurrentSnapshot, store.SnapshotFileMissing) as exc:
        raise CaseDataUnavailable(str(exc)) from exc
    # A missing table must be an error, never a Python variable of the same name found in scope.
    con.execute("SET python_enable_replacements = false")
    return con


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {name for (name,) in rows}


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


_CLEAN = """
SELECT trim(CAST(person_id AS VARCHAR)), lower(trim(CAST(cohort AS VARCHAR))),
       coalesce(trim(CAST(team_id AS VARCHAR)), ''), coalesce(trim(CAST(worker_id AS VARCHAR)), ''),
       start_date
FROM ({rows})
WHERE person_id IS NOT NULL AND trim(CAST(person_id AS VARCHAR)) <> ''
  AND lower(trim(CAST(cohort AS VARCHAR))) IN ('cin', 'cp', 'cla', 'care_leaver')
"""


def open_cases(snapshot: Snapshot) -> tuple[list[OpenCase], str]:
    """Every open case in the snapshot (a child may appear in several cohorts), and the source."""
    cases, source, _ = open_cases_and_teams(snapshot)
    return cases, source


def open_cases_and_teams(snapshot: Snapshot) -> tuple[list[OpenCase], str, dict[str, str]]:
    """The open cases, their source, and the snapshot's team names, read in one connection."""
    with _connect(snapshot) as con:
        try:
            rows = con.execute(
                _CLEAN.format(
                    rows="SELECT person_id, cohort, team_id, worker_id, start_date FROM open_cases"
                )
            ).fetchall()
            source = SOURCE_TABLE
        except duckdb.CatalogException:  # a snapshot from before the table was derived
            attribution.ensure(con)
            rows = con.execute(
                _CLEAN.format(rows=_DERIVED_OPEN_CASES), {"as_at": snapshot.as_at}
            ).fetchall()
            source = SOURCE_DERIVED
        names = con.execute("SELECT dept_team_id, dept_team_name FROM ssd_department").fetchall()
    cases = [
        OpenCase(person, cohort, team, worker, start if isinstance(start, datetime.date) else None)
        for person, cohort, team, worker, start in rows
    ]
    return cases, source, {_text(i): _text(n) for i, n in names if _text(i)}


def team_names(snapshot: Snapshot) -> dict[str, str]:
    """The snapshot's own names for its teams (ssd_department)."""
    with _connect(snapshot) as con:
        rows = con.execute("SELECT dept_team_id, dept_team_name FROM ssd_department").fetchall()
    return {_text(i): _text(n) for i, n in rows if _text(i)}


# -- one child's context, beside the audit -----------------------------------------------------


@dataclass(frozen=True)
class Event:
    date: datetime.date
    what: str
    detail: str = ""


@dataclass
class ChildContext:
    available: bool
    message: str = ""
    snapshot: Snapshot | None = None
    name: str = ""
    date_of_birth: datetime.date | None = None
    sex: str = ""
    ethnicity: str = ""
    events: list[Event] = field(default_factory=list)
    event_count: int = 0
    last_seen: datetime.date | None = None
    timeliness: list[dict] = field(default_factory=list)
    timeliness_available: bool = False
    drift_flags: list[dict] = field(default_factory=list)
    drift_available: bool = False

    @property
    def age(self) -> int | None:
        if not self.date_of_birth or not self.snapshot:
            return None
        on = self.snapshot.as_at
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# (table, date column, description, detail SQL expression, person column)
_EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("ssd_contacts", "cont_contact_date", "Contact", "cont_contact_source_desc", "cont_person_id"),
    (
        "ssd_cin_episodes",
        "cine_referral_date",
        "Referral",
        "cine_cin_primary_need_code",
        "cine_person_id",
    ),
    (
        "ssd_cin_episodes",
        "cine_close_date",
        "Case closed",
        "coalesce(cine_close_reason, '')",
        "cine_person_id",
    ),
    (
        "ssd_cin_assessments",
        "cina_assessment_start_date",
        "Assessment started",
        "''",
        "cina_person_id",
    ),
    (
        "ssd_cin_assessments",
        "cina_assessment_auth_date",
        "Assessment completed",
        "CASE WHEN upper(cina_assessment_child_seen) = 'Y' THEN 'child seen' ELSE '' END",
        "cina_person_id",
    ),
    ("ssd_s47_enquiry", "s47e_s47_start_date", "Section 47 enquiry", "''", "s47e_person_id"),
    (
        "ssd_initial_cp_conference",
        "icpc_icpc_date",
        "Initial child protection conference",
        "CASE WHEN upper(icpc_icpc_outcome_cp_flag) = 'Y' THEN 'plan made' ELSE '' END",
        "icpc_person_id",
    ),
    (
        "ssd_cp_plans",
        "cppl_cp_plan_start_date",
        "Child protection plan started",
        "coalesce(cppl_cp_plan_latest_category, cppl_cp_plan_initial_category, '')",
        "cppl_person_id",
    ),
    (
        "ssd_cp_plans",
        "cppl_cp_plan_end_date",
        "Child protection plan ended",
        "''",
        "cppl_person_id",
    ),
    ("ssd_cp_reviews", "cppr_cp_review_date", "Child protection review", "''", "cppr_person_id"),
    ("ssd_cin_plans", "cinp_cin_plan_start_date", "Child in need plan", "''", "cinp_person_id"),
    (
        "ssd_cla_episodes",
        "clae_cla_episode_start_date",
        "Became looked after",
        "coalesce(clae_cla_episode_start_reason, '')",
        "clae_person_id",
    ),
    (
        "ssd_cla_episodes",
        "clae_cla_episode_ceased_date",
        "Stopped being looked after",
        "coalesce(clae_cla_episode_ceased_reason, '')",
        "clae_person_id",
    ),
    (
        "ssd_cla_placement",
        "clap_cla_placement_start_date",
        "Placement started",
        "coalesce(clap_cla_placement_type, '')",
        "clap_person_id",
    ),
    (
        "ssd_missing",
        "miss_missing_episode_start_date",
        "Missing episode",
        "coalesce(miss_missing_episode_type, '')",
        "miss_person_id",
    ),
)
# Events whose detail is a code: shown as "label: words" (casework.codewords).
_CODED_DETAIL = {
    "Referral": ("Category of need", "primary_need"),
    "Case closed": ("Reason", "cin_close_reason"),
    "Child protection plan started": ("Category of abuse", "cp_category"),
    "Became looked after": ("Reason", "cla_start_reason"),
    "Stopped being looked after": ("Reason", "cla_ceased_reason"),
    "Placement started": ("Placement type", "placement_type"),
    "Missing episode": ("Type", "missing_type"),
}


def _detail(what: str, detail: object) -> str:
    coded = _CODED_DETAIL.get(what)
    if coded is None:
        return _text(detail)
    words = codewords.describe(coded[1], detail)
    return f"{coded[0]}: {words}" if words else ""


_VISITS = (
    ("ssd_cin_visits", "cinv_cin_visit_date", "cinv_cin_visit_seen", "cinv_person_id"),
    ("ssd_cp_visits", "cppv_cp_visit_date", "cppv_cp_visit_seen", "cppv_person_id"),
    ("ssd_cla_visits", "clav_cla_visit_date", "clav_cla_visit_seen", "clav_person_id"),
)
EVENTS_SHOWN = 20
_STATUS_LABELS = {"late": "late", "overdue": "overdue", "due_soon": "due soon"}


def _flag_titles() -> dict[str, str]:
    """Plain names of drift flags, from the timeliness app that computes them."""
    return {f.id: f.title for f in FLAGS}


def child_context(person_id: str, snapshot: Snapshot | None = None) -> ChildContext:
    """A summary of the child's record for the auditor: who, what happened when, and flags."""
    try:
        con = _connect(snapshot)
    except CaseDataUnavailable as exc:
        return ChildContext(available=False, message=str(exc))
    snapshot = snapshot or store.current_snapshot()
    with con:
        tables = _tables(con)
        person = con.execute(
            "SELECT pers_forename, pers_surname, pers_dob, pers_sex, pers_ethnicity "
            "FROM ssd_person WHERE pers_person_id = ?",
            [person_id],
        ).fetchone()
        if person is None:
            return ChildContext(
                available=False,
                snapshot=snapshot,
                message=f"Child {person_id} is not in the casework snapshot of "
                f"{snapshot.as_at:%d/%m/%Y}.",
            )
        union = " UNION ALL ".join(
            f"SELECT {date_col} AS d, '{what}' AS what, CAST({detail} AS VARCHAR) AS detail "
            f"FROM {table} WHERE {person_col} = $p AND {date_col} IS NOT NULL"
            for table, date_col, what, detail, person_col in _EVENTS
        )
        rows = con.execute(
            f"SELECT d, what, detail, count(*) OVER () FROM ({union}) "
            f"ORDER BY d DESC, what LIMIT {EVENTS_SHOWN}",
            {"p": person_id},
        ).fetchall()
        visits = " UNION ALL ".join(
            f"SELECT {d} AS d FROM {t} WHERE {p} = $p AND upper({seen}) = 'Y'"
            for t, d, seen, p in _VISITS
        )
        (last_seen,) = con.execute(f"SELECT max(d) FROM ({visits})", {"p": person_id}).fetchone()
        timeliness: list[dict] = []
        if "event_timeliness" in tables:
            timeliness = _dicts(
                con,
                "SELECT event_type, start_date, due_date, completed_date, working_days_late, "
                "status FROM event_timeliness WHERE person_id = ? "
                "AND status IN ('late', 'overdue', 'due_soon') "
                "ORDER BY due_date DESC NULLS LAST LIMIT 10",
                [person_id],
            )
            for row in timeliness:
                row["status_label"] = _STATUS_LABELS.get(row["status"], row["status"])
        drift: list[dict] = []
        if "drift_flags" in tables:
            drift = _dicts(
                con,
                "SELECT flag, since, detail FROM drift_flags WHERE person_id = ? ORDER BY since",
                [person_id],
            )
            titles = _flag_titles()
            for row in drift:
                row["title"] = titles.get(row["flag"], row["flag"])
    forename, surname, dob, sex, ethnicity = person
    return ChildContext(
        available=True,
        snapshot=snapshot,
        name=" ".join(p for p in (_text(forename), _text(surname)) if p),
        date_of_birth=dob,
        sex=_text(sex),
        ethnicity=_text(ethnicity),
        events=[Event(d, what, _detail(what, detail)) for d, what, detail, _ in rows],
        event_count=rows[0][3] if rows else 0,
        last_seen=last_seen,
        timeliness=timeliness,
        timeliness_available="event_timeliness" in tables,
        drift_flags=drift,
        drift_available="drift_flags" in tables,
    )


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def find_open_case(snapshot: Snapshot, person_id: str) -> OpenCase | None:
    """The child's open case in the snapshot (their most intensive one), or None."""
    cases, _ = open_cases(snapshot)
    mine = [c for c in cases if c.person_id == person_id]
    return one_row_per_child(mine)[0] if mine else None
