"""The snapshot's SSD tables as the rules read them, as at the as-at date.

Each temporary view (a table, where it takes work to make) renames the SSD fields once, drops
rows that start after the as-at date, and treats an end date after the as-at date as no end yet,
so that the rules downstream need not repeat those decisions. Yes/no flags are compared with 'Y'
and 'N' as they are: the importer stores them trimmed and upper-cased (casework.rules). A table
the source did not provide is empty in the snapshot, so these are empty too; the rules check
`provided` before trusting an empty table to mean "nothing".
"""

from __future__ import annotations

from lineofsight.casework.schema import CASE_TABLES

from .context import Derivation

# The SSD tables the derivation reads (casework.schema.CASE_TABLES); the rest of a snapshot plays
# no part in it.
READS = CASE_TABLES


def _ended(column: str, as_at: str) -> str:
    """An end date, or NULL while the thing is still open as at the as-at date."""
    return f"CASE WHEN {column} <= {as_at} THEN {column} END"


def prepare(d: Derivation) -> None:
    a = d.as_at_sql
    # A referral closed with no further action may carry no close date; it is not open.
    d.run(f"""
        CREATE OR REPLACE TEMP VIEW _tl_referrals AS
        SELECT cine_referral_id AS referral_id,
               cine_person_id AS person_id,
               cine_referral_date AS referral_date,
               CASE WHEN cine_close_date <= {a} THEN cine_close_date
                    WHEN cine_referral_nfa = 'Y' THEN cine_referral_date
               END AS close_date,
               cine_referral_team AS team_id
        FROM {d.t("ssd_cin_episodes")}
        WHERE cine_person_id IS NOT NULL AND cine_referral_date <= {a}
    """)
    # Child protection and child in need plans: the same fields, each under its table's prefix.
    for view, table, row, plan in (
        ("_tl_cp_plans", "ssd_cp_plans", "cppl", "cppl_cp_plan"),
        ("_tl_cin_plans", "ssd_cin_plans", "cinp", "cinp_cin_plan"),
    ):
        d.run(f"""
            CREATE OR REPLACE TEMP VIEW {view} AS
            SELECT {plan}_id AS plan_id,
                   {row}_person_id AS person_id,
                   {plan}_start_date AS start_date,
                   {_ended(f"{plan}_end_date", a)} AS end_date
            FROM {d.t(table)}
            WHERE {row}_person_id IS NOT NULL AND {plan}_start_date <= {a}
        """)
    d.run(f"""
        CREATE OR REPLACE TEMP VIEW _tl_cla_episodes AS
        SELECT clae_cla_episode_id AS episode_id,
               clae_cla_id AS cla_id,
               clae_person_id AS person_id,
               clae_cla_episode_start_date AS start_date,
               {_ended("clae_cla_episode_ceased_date", a)} AS end_date
        FROM {d.t("ssd_cla_episodes")}
        WHERE clae_person_id IS NOT NULL AND clae_cla_episode_start_date <= {a}
    """)
    # A period of care is a run of episodes with no day out of care between them. Grouping by
    # date rather than by clae_cla_id copes with case systems that reuse one id for every period.
    d.run("""
        CREATE OR REPLACE TEMP TABLE _tl_periods AS
        WITH reach AS (
            SELECT person_id, start_date, end_date,
                   max(coalesce(end_date, DATE '9999-12-31')) OVER (
                       PARTITION BY person_id ORDER BY start_date, end_date NULLS LAST
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                   ) AS reached
            FROM _tl_cla_episodes
        ),
        grouped AS (
            SELECT *, sum(CASE WHEN reached IS NULL OR start_date > reached + 1 THEN 1 ELSE 0 END)
                      OVER (PARTITION BY person_id ORDER BY start_date, end_date NULLS LAST
                            ROWS UNBOUNDED PRECEDING) AS period
            FROM reach
        )
        SELECT person_id || '#' || period AS period_id,
               person_id,
               min(start_date) AS start_date,
               CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END AS end_date
        FROM grouped
        GROUP BY person_id, period
    """)
    d.run(f"""
        CREATE OR REPLACE TEMP VIEW _tl_placements AS
        WITH owners AS (
            SELECT cla_id, any_value(person_id) AS person_id
            FROM _tl_cla_episodes WHERE cla_id IS NOT NULL GROUP BY cla_id
        )
        SELECT p.clap_cla_placement_id AS placement_id,
               coalesce(p.clap_person_id, o.person_id) AS person_id,
               p.clap_cla_placement_start_date AS start_date,
               {_ended("p.clap_cla_placement_end_date", a)} AS end_date,
               upper(trim(p.clap_cla_placement_type)) AS placement_type
        FROM {d.t("ssd_cla_placement")} p
        LEFT JOIN owners o ON o.cla_id = p.clap_cla_id
        WHERE p.clap_cla_placement_start_date <= {a}
          AND coalesce(p.clap_person_id, o.person_id) IS NOT NULL
    """)
    # An involvement with no start date (Annex A gives none) is taken to have started before
    # the as-at date: the list it came from names the worker allocated then.
    d.run(f"""
        CREATE OR REPLACE TEMP VIEW _tl_involvements AS
        SELECT invo_involvements_id AS involvement_id,
               invo_person_id AS person_id,
               invo_professional_id AS professional_id,
               invo_professional_team AS team_id,
               invo_professional_role_id AS role,
               invo_involvement_start_date AS start_date,
               {_ended("invo_involvement_end_date", a)} AS end_date
        FROM {d.t("ssd_involvements")}
        WHERE invo_person_id IS NOT NULL
          AND (invo_involvement_start_date IS NULL OR invo_involvement_start_date <= {a})
    """)
    d.run(f"""
        CREATE OR REPLACE TEMP VIEW _tl_visits AS
        WITH owners AS (
            SELECT cla_id, any_value(person_id) AS person_id
            FROM _tl_cla_episodes WHERE cla_id IS NOT NULL GROUP BY cla_id
        )
        SELECT 'cin' AS kind, 'ssd_cin_visits' AS source_table,
               cinv_cin_visit_id AS visit_id, cinv_person_id AS person_id,
               CAST(NULL AS VARCHAR) AS plan_id, cinv_cin_visit_date AS visit_date,
               cinv_cin_visit_seen AS seen,
               cinv_cin_visit_seen_alone AS seen_alone
        FROM {d.t("ssd_cin_visits")}
        WHERE cinv_person_id IS NOT NULL AND cinv_cin_visit_date <= {a}
        UNION ALL
        SELECT 'cp', 'ssd_cp_visits', cppv_cp_visit_id, cppv_person_id, cppv_cp_plan_id,
               cppv_cp_visit_date, cppv_cp_visit_seen,
               cppv_cp_visit_seen_alone
        FROM {d.t("ssd_cp_visits")}
        WHERE cppv_person_id IS NOT NULL AND cppv_cp_visit_date <= {a}
        UNION ALL
        SELECT 'cla', 'ssd_cla_visits', v.clav_cla_visit_id,
               coalesce(v.clav_person_id, o.person_id), v.clav_cla_id, v.clav_cla_visit_date,
               v.clav_cla_visit_seen, v.clav_cla_visit_seen_alone
        FROM {d.t("ssd_cla_visits")} v
        LEFT JOIN owners o ON o.cla_id = v.clav_cla_id
        WHERE coalesce(v.clav_person_id, o.person_id) IS NOT NULL
          AND v.clav_cla_visit_date <= {a}
    """)


def earliest_date(d: Derivation) -> object:
    """The earliest date any rule counts from, so the calendar need start no sooner."""
    (earliest,) = d.con.execute(f"""
        SELECT min(x) FROM (
            SELECT min(referral_date) AS x FROM _tl_referrals
            UNION ALL SELECT min(start_date) FROM _tl_cp_plans
            UNION ALL SELECT min(start_date) FROM _tl_cin_plans
            UNION ALL SELECT min(start_date) FROM _tl_periods
            UNION ALL SELECT min(start_date) FROM _tl_placements
            UNION ALL SELECT min(start_date) FROM _tl_involvements
            UNION ALL SELECT min(visit_date) FROM _tl_visits
            UNION ALL SELECT min(cina_assessment_start_date) FROM {d.t("ssd_cin_assessments")}
            UNION ALL SELECT min(s47e_s47_start_date) FROM {d.t("ssd_s47_enquiry")}
            UNION ALL SELECT min(clea_pathway_plan_review_date) FROM {d.t("ssd_care_leavers")}
        )
    """).fetchone()
    return earliest
