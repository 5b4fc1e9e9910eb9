"""`drift_flags`: one row per open flag per child with an open case, and what each flag means.

Columns: person_id, flag, since (the day the flag's condition began to hold), detail (plain
words). docs/drift-flags.md says the same as the definitions below, for people.

Every flag is limited to children in open_cases. When a child meets a flag's condition more than
once (two overdue visits, two open plans), the row kept is the one that began earliest.

A flag needs certain tables (and, for flags read from event_timeliness, at least one of its rules
measured). When the source did not provide them (an Annex A workbook lacks some lists), the flag
gives no rows, and `_drift_flag_coverage` says it was not checked and why, so a page can tell
"no drift" from "could not look".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .context import Derivation, interval_words_sql, text_sql, uk_date_sql
from .expectations import Evaluation, missing_reason

# Thresholds of the child protection plan duration bands, in months (markers used in practice;
# the DfE publishes the share of plans open two years or more).
CP_PLAN_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("cp_plan_9m", 9, 15),
    ("cp_plan_15m", 15, 24),
    ("cp_plan_24m", 24, None),
)
WORKER_CHANGES = 3
WORKER_WINDOW_MONTHS = 12
NOT_SEEN_ALONE_VISITS = 2


@dataclass(frozen=True)
class Flag:
    id: str
    title: str
    definition: str
    tables: tuple[str, ...] = ()
    # For flags read from event_timeliness: checked when at least one of these was measured.
    rules: tuple[str, ...] = ()
    # Compares a child's records with their earlier ones (not checked on a source without them).
    history: bool = False
    # (table, field) pairs the flag cannot do without (not checked when the source lacks one).
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Coverage:
    flag: str
    checked: bool
    reason: str = ""


FLAGS: tuple[Flag, ...] = (
    Flag(
        "cp_plan_9m",
        "Child protection plan open 9 to 15 months",
        "An open child protection plan started at least 9 months and less than 15 months before "
        "the as-at date. Since: the day it reached 9 months.",
        tables=("ssd_cp_plans",),
    ),
    Flag(
        "cp_plan_15m",
        "Child protection plan open 15 to 24 months",
        "An open child protection plan started at least 15 months and less than 24 months before "
        "the as-at date. Since: the day it reached 15 months.",
        tables=("ssd_cp_plans",),
    ),
    Flag(
        "cp_plan_24m",
        "Child protection plan open 2 years or more",
        "An open child protection plan started 24 months or more before the as-at date. Since: "
        "the day it reached 24 months.",
        tables=("ssd_cp_plans",),
    ),
    Flag(
        "cp_second_plan",
        "Second or later child protection plan",
        "The child's open child protection plan is a second or later plan: another plan of the "
        "child's ended before it started (at any time; a plan ending on the day this one started "
        "is the same plan carried on, and does not count). Since: the open plan's start.",
        tables=("ssd_cp_plans",),
        history=True,
    ),
    Flag(
        "assessment_over_45wd",
        "Assessment open past 45 working days",
        "An assessment not authorised by the as-at date whose due date (45 working days after "
        "its start, or the council's rule) has passed. Since: the day after the due date.",
        tables=("ssd_cin_assessments",),
        rules=("assessment_45wd",),
    ),
    Flag(
        "s47_no_icpc_15wd",
        "Section 47 enquiry with no initial conference after 15 working days",
        "A section 47 enquiry awaiting an initial conference (not ended with no further action, "
        "and either still open, or ended with a decision to hold a conference, or with a "
        "conference booked) with none held 15 working days after the strategy discussion. "
        "Since: the day after the due date.",
        tables=("ssd_s47_enquiry", "ssd_initial_cp_conference"),
        rules=("icpc_15wd",),
    ),
    Flag(
        "visit_overdue",
        "Visit overdue",
        "On an open child protection or child in need plan, no visit (at which the child was "
        "not recorded as not seen) within the local standard (cp_visit, cin_visit) of the "
        "previous visit or, if none, the plan's start. Since: the day after the visit fell due.",
        rules=("cp_visit", "cin_visit"),
    ),
    Flag(
        "not_seen_alone",
        "Not seen alone",
        "At each of the child's last 2 visits (child protection, child in need or looked-after "
        "visits, since the open case began) at which the child was seen, the child was recorded "
        "as not seen alone. Visits where the child was not seen, or seeing alone was not "
        "recorded, are not 'not seen alone'. Since: the earlier of the two visits.",
        tables=(),
    ),
    Flag(
        "review_overdue",
        "Child protection review overdue",
        "On an open child protection plan, the first review conference not held within 3 months "
        "of the plan's start, or a later one not within 6 months of the previous review. Since: "
        "the day after the review fell due.",
        rules=("cp_first_review_3m", "cp_review_6m"),
    ),
    Flag(
        "worker_changes_3_in_12m",
        "3 or more new workers in 12 months",
        "3 or more new allocations (involvements) started in the 12 months up to and including "
        "the as-at date. An involvement counts as new unless it continues the same worker as the "
        "child's previous involvement. Since: the start of the first of them in the window.",
        tables=("ssd_involvements",),
    ),
    Flag(
        "unallocated",
        "Unallocated",
        "An open case with no open involvement (allocation) on the as-at date. Since: the end of "
        "the child's last allocation, or the start of the open case if that is later or there "
        "never was one.",
        tables=("ssd_involvements",),
    ),
    Flag(
        "cla_review_overdue",
        "Looked-after review overdue",
        "In an open period of care, a review not held when due: the first within 20 working days "
        "of becoming looked after, the second within 3 months of the first, then every 6 "
        "months. Since: the day after the review fell due.",
        rules=("cla_first_review_20wd", "cla_second_review_3m", "cla_review_6m"),
    ),
    Flag(
        "cla_visit_overdue",
        "Looked-after visit overdue",
        "In an open period of care, no visit (child not recorded as not seen) within 6 weeks of "
        "the previous visit or of becoming looked after (3 months a year into a long-term foster "
        "placement), or within 1 week of a placement starting. Since: the day after the visit "
        "fell due.",
        rules=("cla_visit_6w", "cla_placement_visit_1w"),
    ),
    Flag(
        "cla_health_overdue",
        "Health assessment overdue",
        "An initial health assessment not done within 20 working days of becoming looked after, "
        "or a review health assessment not done when due. Not checked: no table the product "
        "reads holds health assessments.",
        rules=("cla_health_assessment",),
    ),
    Flag(
        "pathway_plan_overdue",
        "Pathway plan review overdue",
        "A care leaver whose pathway plan was last reviewed more than 6 months before the "
        "as-at date (or, with no review recorded, who left care more than 6 months before). "
        "Since: the day after the review fell due.",
        tables=("ssd_care_leavers",),
        rules=("pathway_plan_6m",),
        fields=(("ssd_care_leavers", "clea_pathway_plan_review_date"),),
    ),
)
FLAG_IDS: tuple[str, ...] = tuple(f.id for f in FLAGS)

# The event each overdue flag reports on, as a detail begins: "Visit due by ...".
EVENT_WORDS: dict[str, str] = {
    "cp_visit": "Child protection visit",
    "cin_visit": "Child in need visit",
    "cp_first_review_3m": "First review conference",
    "cp_review_6m": "Review conference",
    "cla_first_review_20wd": "First looked-after review",
    "cla_second_review_3m": "Second looked-after review",
    "cla_review_6m": "Looked-after review",
    "cla_visit_6w": "Visit",
    "cla_placement_visit_1w": "Visit in the new placement",
    "pathway_plan_6m": "Pathway plan review",
}


def _days_words(expr: str) -> str:
    return f"({expr} || CASE WHEN {expr} = 1 THEN ' working day' ELSE ' working days' END)"


def _overdue(flag: str, rule_ids: tuple[str, ...]) -> Callable[[Derivation], str]:
    """A flag for each expectation of these rules that is overdue."""

    def sql(d: Derivation) -> str:
        rules = ", ".join(text_sql(r) for r in rule_ids)
        words = " ".join(f"WHEN {text_sql(r)} THEN {text_sql(EVENT_WORDS[r])}" for r in rule_ids)
        return f"""
            SELECT person_id, {text_sql(flag)} AS flag, due_date + 1 AS since,
                   CASE rule_id {words} END || ' due by ' || {uk_date_sql("due_date")} || ', '
                   || {interval_words_sql("amount", "unit")} || ' after ' || start_event
                   || ' (' || {uk_date_sql("start_date")} || '); '
                   || {_days_words("working_days_late")} || ' overdue' AS detail
            FROM _tl_overdue
            WHERE rule_id IN ({rules})
        """

    return sql


def _overdue_one(
    flag: str, rule_id: str, started: str, missing: str
) -> Callable[[Derivation], str]:
    """A flag for one rule's overdue work, said as "<started> <date> <missing>: due by ..."."""

    def sql(d: Derivation) -> str:
        return f"""
            SELECT person_id, '{flag}' AS flag, due_date + 1 AS since,
                   '{started} ' || {uk_date_sql("start_date")}
                   || ' {missing}: due by ' || {uk_date_sql("due_date")} || ', '
                   || {_days_words("working_days_late")} || ' overdue' AS detail
            FROM _tl_overdue
            WHERE rule_id = '{rule_id}'
        """

    return sql


def _months_open(start: str, as_at: str) -> str:
    """Whole months from start to as_at, consistent with adding months to a date (31 January
    plus one month is 29 February in a leap year)."""
    rough = f"(date_diff('month', {start}, {as_at}) - 1)"
    return (
        f"({rough} + CASE WHEN CAST({start} + to_months({rough} + 1) AS DATE) <= {as_at} "
        "THEN 1 ELSE 0 END)"
    )


def _cp_plan_bands(d: Derivation) -> str:
    a = d.as_at_sql
    parts = []
    for flag, low, high in CP_PLAN_BANDS:
        reached = f"CAST(start_date + to_months({low}) AS DATE)"
        below = f"AND CAST(start_date + to_months({high}) AS DATE) > {a}" if high else ""
        parts.append(f"""
            SELECT person_id, {text_sql(flag)} AS flag, {reached} AS since,
                   'Plan open ' || {_months_open("start_date", a)} || ' months (since '
                   || {uk_date_sql("start_date")} || ')' AS detail
            FROM _tl_cp_plans
            WHERE end_date IS NULL AND {reached} <= {a} {below}
        """)
    return " UNION ALL ".join(parts)


def _second_plan(d: Derivation) -> str:
    return f"""
        SELECT cur.person_id, 'cp_second_plan' AS flag, cur.start_date AS since,
               'Plan ' || (count(*) + 1) || ' for this child (started '
               || {uk_date_sql("cur.start_date")} || '); the previous plan ended '
               || {uk_date_sql("max(prev.end_date)")} AS detail
        FROM _tl_cp_plans cur
        JOIN _tl_cp_plans prev ON prev.person_id = cur.person_id
             AND prev.end_date IS NOT NULL AND prev.end_date < cur.start_date
        WHERE cur.end_date IS NULL
        GROUP BY cur.person_id, cur.plan_id, cur.start_date
    """


def _not_seen_alone(d: Derivation) -> str:
    # Visits on one day are one visit, whichever tables recorded it.
    return f"""
        SELECT person_id, 'not_seen_alone' AS flag, min(visit_date) AS since,
               'Seen but not seen alone at the last {NOT_SEEN_ALONE_VISITS} visits ('
               || {uk_date_sql("min(visit_date)")} || ' and '
               || {uk_date_sql("max(visit_date)")} || ')' AS detail
        FROM (
            SELECT v.person_id, v.visit_date,
                   bool_or(v.seen_alone = 'Y') AS alone,
                   bool_or(v.seen_alone = 'N') AS not_alone,
                   row_number() OVER (PARTITION BY v.person_id ORDER BY v.visit_date DESC) AS recent
            FROM _tl_visits v
            JOIN {d.t("open_cases")} oc ON oc.person_id = v.person_id
            WHERE v.seen = 'Y' AND v.visit_date >= coalesce(oc.case_start_date, v.visit_date)
            GROUP BY v.person_id, v.visit_date
        )
        WHERE recent <= {NOT_SEEN_ALONE_VISITS}
        GROUP BY person_id
        HAVING count(*) = {NOT_SEEN_ALONE_VISITS} AND bool_and(not_alone AND NOT alone)
    """


def _worker_changes(d: Derivation) -> str:
    a = d.as_at_sql
    window_start = f"CAST({a} - to_months({WORKER_WINDOW_MONTHS}) AS DATE)"
    return f"""
        SELECT person_id, 'worker_changes_3_in_12m' AS flag, min(start_date) AS since,
               count(*) || ' new workers allocated in the {WORKER_WINDOW_MONTHS} months to '
               || {uk_date_sql(a)} || ' (the first on ' || {uk_date_sql("min(start_date)")}
               || ')' AS detail
        FROM (
            SELECT person_id, professional_id, start_date,
                   lag(professional_id) OVER (
                       PARTITION BY person_id ORDER BY start_date, involvement_id
                   ) AS previous_worker
            FROM _tl_involvements
            WHERE start_date IS NOT NULL AND professional_id IS NOT NULL
        )
        WHERE previous_worker IS DISTINCT FROM professional_id
          AND start_date > {window_start} AND start_date <= {a}
        GROUP BY person_id
        HAVING count(*) >= {WORKER_CHANGES}
    """


def _unallocated(d: Derivation) -> str:
    a = d.as_at_sql
    return f"""
        SELECT oc.person_id, 'unallocated' AS flag,
               coalesce(greatest(oc.case_start_date, last.ended), {a}) AS since,
               CASE WHEN last.ended IS NOT NULL AND last.ended >= coalesce(oc.case_start_date,
                                                                           last.ended)
                    THEN 'No allocated worker since the last allocation ended on '
                         || {uk_date_sql("last.ended")}
                    WHEN oc.case_start_date IS NOT NULL
                    THEN 'No allocated worker since the case opened on '
                         || {uk_date_sql("oc.case_start_date")}
                    ELSE 'No allocated worker'
               END AS detail
        FROM {d.t("open_cases")} oc
        LEFT JOIN (
            SELECT person_id, max(end_date) AS ended
            FROM _tl_involvements WHERE end_date IS NOT NULL GROUP BY person_id
        ) last ON last.person_id = oc.person_id
        WHERE oc.worker_id IS NULL
    """


SQL: dict[str, Callable[[Derivation], str]] = {
    "cp_plan_9m": _cp_plan_bands,  # one statement gives all three bands
    "cp_second_plan": _second_plan,
    "assessment_over_45wd": _overdue_one(
        "assessment_over_45wd", "assessment_45wd", "Assessment started", "not authorised"
    ),
    "s47_no_icpc_15wd": _overdue_one(
        "s47_no_icpc_15wd", "icpc_15wd", "Section 47 enquiry started", "with no initial conference"
    ),
    "visit_overdue": _overdue("visit_overdue", ("cp_visit", "cin_visit")),
    "not_seen_alone": _not_seen_alone,
    "review_overdue": _overdue("review_overdue", ("cp_first_review_3m", "cp_review_6m")),
    "worker_changes_3_in_12m": _worker_changes,
    "unallocated": _unallocated,
    "cla_review_overdue": _overdue(
        "cla_review_overdue", ("cla_first_review_20wd", "cla_second_review_3m", "cla_review_6m")
    ),
    "cla_visit_overdue": _overdue("cla_visit_overdue", ("cla_visit_6w", "cla_placement_visit_1w")),
    "pathway_plan_overdue": _overdue("pathway_plan_overdue", ("pathway_plan_6m",)),
}
# Computed by another flag's statement.
_SHARED = {"cp_plan_15m": "cp_plan_9m", "cp_plan_24m": "cp_plan_9m"}
# Flags no data we hold can show yet; coverage always says why.
NEVER_CHECKED = frozenset({"cla_health_overdue"})
assert set(SQL) | set(_SHARED) | NEVER_CHECKED == set(FLAG_IDS)
# Visits of every kind may show it; with none of the three tables it cannot be checked.
_VISIT_TABLES = ("ssd_cin_visits", "ssd_cp_visits", "ssd_cla_visits")


def coverage(d: Derivation, evaluations: Mapping[str, Evaluation]) -> dict[str, Coverage]:
    found: dict[str, Coverage] = {}
    for flag in FLAGS:
        missing = [t for t in flag.tables if t not in d.provided]
        if flag.id == "not_seen_alone" and not any(t in d.provided for t in _VISIT_TABLES):
            missing = list(_VISIT_TABLES)
        if missing:
            found[flag.id] = Coverage(flag.id, False, missing_reason(missing))
            continue
        if reason := _source_cannot(d, flag):
            found[flag.id] = Coverage(flag.id, False, reason)
            continue
        if flag.rules:
            measured = [r for r in flag.rules if evaluations[r].evaluated]
            skipped = [evaluations[r] for r in flag.rules if not evaluations[r].evaluated]
            if not measured:
                reasons = sorted({e.reason for e in skipped})
                found[flag.id] = Coverage(flag.id, False, " ".join(reasons))
                continue
            if skipped:
                names = ", ".join(d.rules[e.rule_id].title.lower() for e in skipped)
                reasons = " ".join(sorted({e.reason for e in skipped}))
                found[flag.id] = Coverage(
                    flag.id, True, f"Partly checked: not for {names}. {reasons}"
                )
                continue
        found[flag.id] = Coverage(flag.id, True)
    return found


def _source_cannot(d: Derivation, flag: Flag) -> str:
    """Why this kind of source cannot show the flag truly, or "" when it can."""
    source = d.source
    if flag.history and not source.history:
        return (
            f"Not checked: it compares each child's records with their earlier ones, and "
            f"{source.name} holds only the last 12 months and what is still open."
        )
    partial = [t for t in flag.tables if t in source.partial]
    if partial:
        whom = ", ".join(sorted({source.partial[t] for t in partial}))
        return f"Not checked: in {source.name} the {', '.join(partial)} cover {whom} only."
    lacking = [name for table, name in flag.fields if d.lacks(table, name)]
    if lacking:
        return f"Not checked: {source.name} does not give {', '.join(lacking)}."
    return ""


def build(d: Derivation, evaluations: Mapping[str, Evaluation]) -> dict[str, Coverage]:
    covered = coverage(d, evaluations)
    # Several flags read the overdue events: find them once.
    d.run(f"""
        CREATE OR REPLACE TEMP TABLE _tl_overdue AS
        SELECT person_id, rule_id, start_event, start_date, due_date, working_days_late,
               amount, unit
        FROM {d.t("event_timeliness")}
        WHERE status = 'overdue'
    """)
    parts = [sql(d) for flag_id, sql in SQL.items() if covered[flag_id].checked]
    union = " UNION ALL ".join(f"({p})" for p in parts) or (
        "SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS flag, NULL::DATE AS since, "
        "NULL::VARCHAR AS detail WHERE FALSE"
    )
    d.run(f"""
        CREATE OR REPLACE TABLE {d.t("drift_flags")} AS
        SELECT f.person_id, f.flag, min(f.since) AS since, arg_min(f.detail, f.since) AS detail
        FROM ({union}) f
        JOIN {d.t("open_cases")} oc ON oc.person_id = f.person_id
        GROUP BY f.person_id, f.flag
        ORDER BY f.person_id, f.flag
    """)
    return covered
