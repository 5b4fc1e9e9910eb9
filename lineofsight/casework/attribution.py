"""Who is responsible for a child on a date: the team and the worker, written once per snapshot.

    attribution.build(con, alias="snap")       # at import, into the snapshot being written
    attribution.ensure(con)                    # a reader's connection to an older snapshot
    con.sql(attribution.on_date_sql("DATE '2025-03-31'"))

The rule, on any date D:
  worker   the child's allocation open on D (an involvement started on or before D, or with no
           start date, and not ended on or before D); of several, the one that started last, and
           on the same day an allocated worker before a personal adviser, then the higher
           involvement id. NULL when no allocation is open.
  team     that allocation's team; else the team of the child's referral open on D (one that
           started on or before D, is not closed on or before D and was not closed with no
           further action), else of their latest referral started by D; else a care leaver's
           allocated team (the first care leaver row that names one).

The table `child_attribution` holds the rule's answer for every date at once, as periods:

  person_id    the child
  valid_from   the first day of the period (NULL: from the beginning)
  valid_until  the day after its last day (NULL: still so on the snapshot's date and after)
  team_id      the responsible team (matches accounts.Team.case_system_id); NULL when unknown
  worker_id    the allocated worker (matches accounts.User.professional_id); NULL when none
  team_from    where the team came from: 'allocation', 'referral' or 'care_leaver'

A period ends only on a day an involvement or referral starts or ends, so the table is small,
and a child has at most one row in force on any date. Periods with neither team nor worker are
left out. Timeliness (open_cases), the indicators engine, audits and worklists all read it.

The SQL is kept portable (no QUALIFY, no `::` casts) like the indicator definitions.

Snapshots written before the table existed are never changed (a published file is immutable and
is open read-only by every page): `ensure` works the same table out into a temporary table of the
reading connection, and `lineofsight recompute` writes a new snapshot that holds it.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from .writer import quote

TABLE = "child_attribution"


def _sql(t: Callable[[str], str]) -> str:
    """The rule as one SELECT over the snapshot's SSD tables, each named through `t`."""
    return f"""
WITH involvements AS (
    SELECT invo_involvements_id AS involvement_id,
           invo_person_id AS person_id,
           invo_professional_id AS worker_id,
           invo_professional_team AS team_id,
           CASE WHEN lower(invo_professional_role_id) LIKE '%advis%' THEN 1 ELSE 0 END AS adviser,
           invo_involvement_start_date AS start_date,
           invo_involvement_end_date AS end_date
    FROM {t("ssd_involvements")}
    WHERE invo_person_id IS NOT NULL
),
referrals AS (
    SELECT cine_referral_id AS referral_id,
           cine_person_id AS person_id,
           cine_referral_team AS team_id,
           cine_referral_date AS referral_date,
           CASE WHEN cine_referral_nfa = 'Y' THEN cine_referral_date
                ELSE cine_close_date END AS close_date
    FROM {t("ssd_cin_episodes")}
    WHERE cine_person_id IS NOT NULL AND cine_referral_team IS NOT NULL
      AND cine_referral_date IS NOT NULL
),
leavers AS (
    SELECT person_id, team_id FROM (
        SELECT clea_person_id AS person_id, clea_care_leaver_allocated_team AS team_id,
               row_number() OVER (PARTITION BY clea_person_id ORDER BY clea_table_id) AS pick
        FROM {t("ssd_care_leavers")}
        WHERE clea_person_id IS NOT NULL AND clea_care_leaver_allocated_team IS NOT NULL
    ) l WHERE pick = 1
),
changes AS (
    SELECT person_id, CAST(NULL AS DATE) AS valid_from FROM involvements
    UNION SELECT person_id, CAST(NULL AS DATE) FROM referrals
    UNION SELECT person_id, CAST(NULL AS DATE) FROM leavers
    UNION SELECT person_id, start_date FROM involvements WHERE start_date IS NOT NULL
    UNION SELECT person_id, end_date FROM involvements WHERE end_date IS NOT NULL
    UNION SELECT person_id, referral_date FROM referrals
    UNION SELECT person_id, close_date FROM referrals WHERE close_date IS NOT NULL
),
segments AS (
    SELECT person_id, valid_from,
           lead(valid_from) OVER (PARTITION BY person_id ORDER BY valid_from NULLS FIRST)
               AS valid_until,
           row_number() OVER (PARTITION BY person_id ORDER BY valid_from NULLS FIRST) AS n
    FROM changes
),
allocated AS (
    SELECT person_id, n, team_id, worker_id FROM (
        SELECT s.person_id, s.n, i.team_id, i.worker_id,
               row_number() OVER (
                   PARTITION BY s.person_id, s.n
                   ORDER BY i.start_date DESC NULLS LAST, i.adviser, i.involvement_id DESC
               ) AS pick
        FROM segments s
        JOIN involvements i
          ON i.person_id = s.person_id
         AND (i.start_date IS NULL OR i.start_date <= s.valid_from)
         AND (i.end_date IS NULL OR s.valid_from IS NULL OR i.end_date > s.valid_from)
    ) a WHERE pick = 1
),
referred AS (
    SELECT person_id, n, team_id FROM (
        SELECT s.person_id, s.n, r.team_id,
               row_number() OVER (
                   PARTITION BY s.person_id, s.n
                   ORDER BY CASE WHEN r.close_date IS NULL OR r.close_date > s.valid_from
                                 THEN 0 ELSE 1 END,
                            r.referral_date DESC, r.referral_id DESC
               ) AS pick
        FROM segments s
        JOIN referrals r ON r.person_id = s.person_id AND r.referral_date <= s.valid_from
    ) r WHERE pick = 1
),
answered AS (
    SELECT s.person_id, s.n, s.valid_from, s.valid_until,
           coalesce(a.team_id, r.team_id, l.team_id) AS team_id,
           a.worker_id,
           CASE WHEN a.team_id IS NOT NULL THEN 'allocation'
                WHEN r.team_id IS NOT NULL THEN 'referral'
                WHEN l.team_id IS NOT NULL THEN 'care_leaver' END AS team_from
    FROM segments s
    LEFT JOIN allocated a ON a.person_id = s.person_id AND a.n = s.n
    LEFT JOIN referred r ON r.person_id = s.person_id AND r.n = s.n
    LEFT JOIN leavers l ON l.person_id = s.person_id
),
runs AS (
    SELECT *, sum(new_run) OVER (PARTITION BY person_id ORDER BY n
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
    FROM (
        SELECT *, CASE WHEN lag(answer) OVER (PARTITION BY person_id ORDER BY n) = answer
                       THEN 0 ELSE 1 END AS new_run
        FROM (
            SELECT *, coalesce(team_id, '') || '|' || coalesce(worker_id, '') || '|'
                      || coalesce(team_from, '') AS answer
            FROM answered
        ) x
    ) y
)
SELECT person_id,
       CASE WHEN count(*) > count(valid_from) THEN NULL ELSE min(valid_from) END AS valid_from,
       CASE WHEN count(*) > count(valid_until) THEN NULL ELSE max(valid_until) END
           AS valid_until,
       min(team_id) AS team_id,
       min(worker_id) AS worker_id,
       min(team_from) AS team_from
FROM runs
WHERE team_id IS NOT NULL OR worker_id IS NOT NULL
GROUP BY person_id, run
"""


# The rule over a connection whose SSD tables need no qualifying (a reader's), also used to tell
# when cached results computed under an older rule must be worked out again.
SQL = _sql(quote)


def build(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Write the table into the snapshot attached as `alias` (an import or a recompute, before
    the snapshot is closed and published, so it is published or discarded with the rest)."""
    table = f"{quote(alias)}.{quote(TABLE)}"
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS "
        f"SELECT * FROM ({_sql(lambda name: f'{quote(alias)}.{quote(name)}')}) a "
        "ORDER BY person_id, valid_from NULLS FIRST"
    )


def exists(con: duckdb.DuckDBPyConnection, alias: str | None = None) -> bool:
    """Whether the snapshot (attached as `alias`, or the connection's own) holds the table."""
    if alias is None:
        (database,) = con.execute("SELECT current_database()").fetchone()
    else:
        database = alias
    (found,) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
        [database, TABLE],
    ).fetchone()
    return bool(found)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Make `child_attribution` readable on a connection to a snapshot written before the table
    existed: worked out into a temporary table, leaving the file as it is. A no-op otherwise."""
    if exists(con):
        return
    (temporary,) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [TABLE]
    ).fetchone()
    if not temporary:
        con.execute(f"CREATE TEMP TABLE {quote(TABLE)} AS {SQL}")


def ensure_built(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """`build`, unless the snapshot being written already holds the table."""
    if not exists(con, alias):
        build(con, alias)


def on_date_sql(date_sql: str, table: str = TABLE) -> str:
    """A SELECT of each child's row in force on a date (a SQL expression): person_id, team_id,
    worker_id, team_from."""
    return (
        f"SELECT person_id, team_id, worker_id, team_from FROM {table} "
        f"WHERE (valid_from IS NULL OR valid_from <= {date_sql}) "
        f"AND (valid_until IS NULL OR valid_until > {date_sql})"
    )
