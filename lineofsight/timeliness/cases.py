"""`open_cases`: one row per child with an open case on the as-at date, for worklists.

A child's case is open when, on the as-at date, any of these is open (started on or before it,
not ended on or before it): a referral (CIN episode) not closed with no further action, a child
in need plan, a child protection plan, a period of care; or the child is a care leaver (a row in
ssd_care_leavers, in touch or not, but not recorded as having died or no longer needing
services, and under 25). A child recorded as having died on or before the as-at date has no open
case.

cohort is the most intensive that applies: cla over cp over care_leaver over cin (a care leaver's
open referral belongs to the leaving care service).

Columns:
  person_id        the child
  cohort           'cla', 'cp', 'care_leaver' or 'cin'
  team_id          the team responsible for the child on the as-at date, and
  worker_id        the worker allocated then (NULL when unallocated): the snapshot's
                   child_attribution table (casework.attribution, which states the rule) read on
                   the as-at date. Match accounts.Team.case_system_id and
                   accounts.User.professional_id.
  start_date       start of the cohort's current episode: the plan (cp), the period of care (cla),
                   the referral (cin), leaving care (care_leaver; NULL if not in the data)
  case_start_date  start of the whole open case: the earliest of everything open
"""

from __future__ import annotations

from lineofsight.casework import attribution
from lineofsight.casework.models import COHORT_PRIORITY

from .context import Derivation

# The most intensive involvement weighs most: a child open in several cohorts is counted in it.
COHORT_WEIGHT = {c.value: len(COHORT_PRIORITY) - i for i, c in enumerate(COHORT_PRIORITY)}


def build(d: Derivation) -> None:
    a = d.as_at_sql
    weight = " ".join(f"WHEN '{c}' THEN {w}" for c, w in COHORT_WEIGHT.items())
    d.run(f"""
        CREATE OR REPLACE TABLE {d.t("open_cases")} AS
        WITH left_care AS (
            SELECT person_id, max(end_date) AS left_care
            FROM _tl_periods WHERE end_date IS NOT NULL GROUP BY person_id
        ),
        leavers AS (
            SELECT DISTINCT cl.clea_person_id AS person_id, lc.left_care
            FROM {d.t("ssd_care_leavers")} cl
            LEFT JOIN left_care lc ON lc.person_id = cl.clea_person_id
            LEFT JOIN {d.t("ssd_person")} p ON p.pers_person_id = cl.clea_person_id
            WHERE cl.clea_person_id IS NOT NULL
              AND coalesce(upper(trim(cl.clea_care_leaver_in_touch)), '') NOT IN ('DIED', 'NREQ')
              AND (p.pers_dob IS NULL OR CAST(p.pers_dob + to_years(25) AS DATE) > {a})
        ),
        items AS (
            SELECT person_id, 'cin' AS cohort, referral_date AS start_date
            FROM _tl_referrals WHERE close_date IS NULL
            UNION ALL
            SELECT person_id, 'cin', start_date FROM _tl_cin_plans WHERE end_date IS NULL
            UNION ALL
            SELECT person_id, 'cp', start_date FROM _tl_cp_plans WHERE end_date IS NULL
            UNION ALL
            SELECT person_id, 'cla', start_date FROM _tl_periods WHERE end_date IS NULL
            UNION ALL
            SELECT person_id, 'care_leaver', left_care FROM leavers
        ),
        living AS (
            SELECT i.*, CASE i.cohort {weight} END AS weight
            FROM items i
            WHERE i.person_id NOT IN (
                SELECT pers_person_id FROM {d.t("ssd_person")}
                WHERE pers_death_date <= {a} AND pers_person_id IS NOT NULL
            )
        ),
        per_child AS (
            SELECT person_id, max(weight) AS weight, min(start_date) AS case_start_date
            FROM living GROUP BY person_id
        ),
        top AS (
            SELECT l.person_id, any_value(l.cohort) AS cohort, min(l.start_date) AS start_date
            FROM living l JOIN per_child c ON c.person_id = l.person_id AND c.weight = l.weight
            GROUP BY l.person_id
        ),
        responsible AS ({attribution.on_date_sql(a, d.t(attribution.TABLE))})
        SELECT t.person_id,
               t.cohort,
               r.team_id,
               r.worker_id,
               t.start_date,
               c.case_start_date
        FROM top t
        JOIN per_child c ON c.person_id = t.person_id
        LEFT JOIN responsible r ON r.person_id = t.person_id
        ORDER BY t.person_id
    """)
