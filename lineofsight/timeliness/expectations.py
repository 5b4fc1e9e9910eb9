"""What each rule expects: one row per event that should happen, whether or not it did.

Every rule gives rows of the same shape (EXPECT_COLUMNS):

  person_id, rule_id, event_type, event_id, source_table,
  start_event    what started the clock, in words ("the previous visit")
  start_date     when the clock started
  completed_date when the expected event happened (NULL: not by the as-at date)
  stop_date      when the need for it ended without it (the plan or episode closed), else NULL
  amount, unit   how long after start_date it is due

`measure.py` then works out due dates, lateness and status for every row, in the same statement.

Repeating events (visits, reviews) are chains: within each plan or period of care, the first is
due after the plan starts and each later one after the one before; after the last one recorded,
one more is expected while the plan is open (or was, if the plan ended after it fell due).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .context import Derivation, interval_literals, text_sql
from .rules import LongTerm, Unit

# The tables whose events are chains (below): each is timed from the one before, so a source
# without a child's earlier events (a year's return) times the first of them wrongly.
CHAINED_TABLES = frozenset(
    {"ssd_cp_reviews", "ssd_cp_visits", "ssd_cin_visits", "ssd_cla_reviews", "ssd_cla_visits"}
)

NO_HEALTH_DATA = (
    "No table in the snapshot holds health assessments: the Standard Safeguarding Dataset "
    "tables Line of Sight reads do not include them, so this rule cannot be checked."
)

TABLE_WORDS = {
    "ssd_cin_episodes": "referrals (ssd_cin_episodes)",
    "ssd_cin_assessments": "assessments (ssd_cin_assessments)",
    "ssd_s47_enquiry": "section 47 enquiries (ssd_s47_enquiry)",
    "ssd_initial_cp_conference": "initial conferences (ssd_initial_cp_conference)",
    "ssd_cp_plans": "child protection plans (ssd_cp_plans)",
    "ssd_cp_reviews": "child protection reviews (ssd_cp_reviews)",
    "ssd_cp_visits": "child protection visits (ssd_cp_visits)",
    "ssd_cin_plans": "child in need plans (ssd_cin_plans)",
    "ssd_cin_visits": "child in need visits (ssd_cin_visits)",
    "ssd_cla_episodes": "looked-after episodes (ssd_cla_episodes)",
    "ssd_cla_reviews": "looked-after reviews (ssd_cla_reviews)",
    "ssd_cla_visits": "looked-after visits (ssd_cla_visits)",
    "ssd_cla_placement": "placements (ssd_cla_placement)",
    "ssd_care_leavers": "care leavers (ssd_care_leavers)",
    "ssd_involvements": "worker allocations (ssd_involvements)",
}


def missing_reason(tables: Sequence[str]) -> str:
    names = " or ".join(TABLE_WORDS.get(t, t) for t in tables)
    return f"The data imported has no {names}, so this is not checked."


@dataclass(frozen=True)
class Evaluation:
    rule_id: str
    evaluated: bool
    reason: str = ""


@dataclass(frozen=True)
class RuleGroup:
    """Rules measured by one statement, and the tables they cannot do without."""

    rule_ids: tuple[str, ...]
    requires: tuple[str, ...]
    select: Callable[[Derivation], str]


def _literals(d: Derivation, rule_id: str) -> tuple[str, str]:
    return interval_literals(d.rules[rule_id].due)


def _by_sequence(d: Derivation, rule_ids: Sequence[str], what: str) -> str:
    """A CASE over `seq` choosing, per position in a chain, the rule (what='rule'), amount or
    unit; the last rule applies to every later position."""
    values = []
    for rule_id in rule_ids:
        amount, unit = _literals(d, rule_id)
        values.append({"rule": text_sql(rule_id), "amount": amount, "unit": unit}[what])
    arms = " ".join(f"WHEN seq = {i + 1} THEN {v}" for i, v in enumerate(values[:-1]))
    return f"CASE {arms} ELSE {values[-1]} END" if arms else values[-1]


def _words_by_sequence(phrases: Sequence[str]) -> str:
    arms = " ".join(f"WHEN seq = {i + 1} THEN {text_sql(p)}" for i, p in enumerate(phrases[:-1]))
    return f"CASE {arms} ELSE {text_sql(phrases[-1])} END" if arms else text_sql(phrases[-1])


def _shift_sql(date: str, amount: int, unit: Unit) -> str:
    if unit is Unit.MONTHS:
        return f"CAST({date} + to_months({amount}) AS DATE)"
    days = {Unit.DAYS: 1, Unit.WEEKS: 7}.get(unit)
    if days is None:
        raise ValueError(f"cannot shift a date by {unit}")
    return f"({date} + {amount * days})"


def _chain(
    d: Derivation,
    *,
    rule_ids: Sequence[str],
    start_events: Sequence[str],
    event_type: str,
    source_table: str,
    episodes: str,
    events: str,
    long_term: LongTerm | None = None,
) -> str:
    """A chain's expectations. `episodes` yields (episode_key, person_id, ep_start,
    ep_end); `events` yields (episode_key, event_id, event_date). `rule_ids` and `start_events`
    are by position in the chain, the last applying to the rest."""
    assert source_table in CHAINED_TABLES, source_table  # what indicators.coverage relies on
    a = d.as_at_sql
    rule = _by_sequence(d, rule_ids, "rule")
    amount = _by_sequence(d, rule_ids, "amount")
    unit = _by_sequence(d, rule_ids, "unit")
    join = ""
    if long_term is not None:
        # Long-term placements, a year in, may be visited less often: the placement in force
        # when the clock starts decides the interval.
        lt_amount, lt_unit = interval_literals(long_term.due)
        types = ", ".join(text_sql(t) for t in long_term.placement_types) or "NULL"
        after = _shift_sql("p.start_date", long_term.after.amount, long_term.after.unit)
        is_long = (
            f"(p.placement_type IN ({types}) AND (p.end_date IS NULL OR p.end_date > r.start_date)"
            f" AND r.start_date >= {after})"
        )
        amount = f"CASE WHEN {is_long} THEN {lt_amount} ELSE {amount} END"
        unit = f"CASE WHEN {is_long} THEN {lt_unit} ELSE {unit} END"
        join = (
            "ASOF LEFT JOIN _tl_placements p "
            "ON r.person_id = p.person_id AND r.start_date >= p.start_date"
        )
    only_latest = "WHERE r.event_id IS NULL" if d.history_is_partial else ""
    return f"""
        WITH ep AS ({episodes}),
        raw AS ({events}),
        inside AS (
            SELECT raw.episode_key, min(raw.event_id) AS event_id, raw.event_date
            FROM raw JOIN ep ON ep.episode_key = raw.episode_key
            WHERE raw.event_date >= ep.ep_start AND raw.event_date <= coalesce(ep.ep_end, {a})
            GROUP BY raw.episode_key, raw.event_date
        ),
        ev AS (
            SELECT *,
                   row_number() OVER w AS seq,
                   lag(event_date) OVER w AS previous_date
            FROM inside
            WINDOW w AS (PARTITION BY episode_key ORDER BY event_date)
        ),
        latest AS (
            SELECT episode_key, max(seq) AS n, max(event_date) AS last_date
            FROM ev GROUP BY episode_key
        ),
        chain AS (
            SELECT ep.person_id, ev.event_id, ev.seq,
                   coalesce(ev.previous_date, ep.ep_start) AS start_date,
                   ev.event_date AS completed_date,
                   CAST(NULL AS DATE) AS stop_date
            FROM ev JOIN ep ON ep.episode_key = ev.episode_key
            UNION ALL
            SELECT ep.person_id, NULL, coalesce(l.n, 0) + 1,
                   coalesce(l.last_date, ep.ep_start), NULL, ep.ep_end
            FROM ep LEFT JOIN latest l ON l.episode_key = ep.episode_key
        ),
        r AS (
            SELECT *, {rule} AS rule_id, {_words_by_sequence(start_events)} AS start_event
            FROM chain
        )
        SELECT r.person_id, r.rule_id, {text_sql(event_type)}, r.event_id,
               {text_sql(source_table)}, r.start_event, r.start_date, r.completed_date,
               r.stop_date, {amount}, {unit}
        FROM r {join}
        {only_latest}
    """


def _attached(
    d: Derivation,
    events: str,
    plans: str,
    *,
    plan_key: str,
    person: str,
    date: str,
    event_id: str,
    plan_id: str,
) -> str:
    """Events joined to their plan by id, or, when the id is missing or unknown, to the plan of
    the same child that was open on the event's date."""
    a = d.as_at_sql
    return f"""
        SELECT coalesce(p1.{plan_key}, p2.{plan_key}) AS episode_key,
               e.{event_id} AS event_id, e.{date} AS event_date
        FROM {events} e
        LEFT JOIN {plans} p1 ON p1.{plan_key} = e.{plan_id}
        LEFT JOIN {plans} p2 ON p1.{plan_key} IS NULL AND p2.person_id = e.{person}
             AND e.{date} BETWEEN p2.start_date AND coalesce(p2.end_date, {a})
        WHERE coalesce(p1.{plan_key}, p2.{plan_key}) IS NOT NULL
    """


# -- the rules ---------------------------------------------------------------------------------


def assessments(d: Derivation) -> str:
    a = d.as_at_sql
    amount, unit = _literals(d, "assessment_45wd")
    # An assessment whose referral closed stops being expected when it closed.
    return f"""
        SELECT x.cina_person_id, 'assessment_45wd', 'assessment', x.cina_assessment_id,
               'ssd_cin_assessments', 'the assessment started', x.cina_assessment_start_date,
               CASE WHEN x.cina_assessment_auth_date <= {a} THEN x.cina_assessment_auth_date END,
               r.close_date, {amount}, {unit}
        FROM {d.t("ssd_cin_assessments")} x
        LEFT JOIN _tl_referrals r ON r.referral_id = x.cina_referral_id
        WHERE x.cina_person_id IS NOT NULL AND x.cina_assessment_start_date <= {a}
    """


def initial_conferences(d: Derivation) -> str:
    """Measured for every enquiry that led to a conference (transfers in left out), and expected
    for an enquiry not ended with no further action that is still open, or that ended with a
    decision to confer, or whose conference is booked but not yet held."""
    a = d.as_at_sql
    amount, unit = _literals(d, "icpc_15wd")
    return f"""
        WITH s47 AS (
            SELECT s47e_s47_enquiry_id AS s47_id, s47e_person_id AS person_id,
                   s47e_s47_start_date AS start_date,
                   CASE WHEN s47e_s47_end_date <= {a} THEN s47e_s47_end_date END AS end_date,
                   coalesce(upper(trim(s47e_s47_nfa)) = 'Y', false) AS nfa,
                   coalesce(regexp_matches(s47e_s47_outcome_json,
                                           '"?CP_CONFERENCE_FLAG"?\\s*:\\s*"?[Yy]'), false)
                       AS to_conference,
                   s47e_referral_id AS referral_id
            FROM {d.t("ssd_s47_enquiry")}
            WHERE s47e_person_id IS NOT NULL AND s47e_s47_start_date <= {a}
        ),
        icpc AS (
            SELECT icpc_icpc_id AS icpc_id, icpc_person_id AS person_id,
                   icpc_s47_enquiry_id AS s47_id, icpc_icpc_date AS held,
                   coalesce(upper(trim(icpc_icpc_transfer_in)) = 'Y', false) AS transfer_in
            FROM {d.t("ssd_initial_cp_conference")}
        ),
        by_id AS (
            SELECT i.icpc_id, i.held, i.transfer_in, s.s47_id
            FROM icpc i JOIN s47 s ON s.s47_id = i.s47_id
        ),
        unlinked AS (
            SELECT i.* FROM icpc i
            WHERE i.held IS NOT NULL AND i.person_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM s47 s WHERE s.s47_id = i.s47_id)
        ),
        by_date AS (
            SELECT u.icpc_id, u.held, u.transfer_in, s.s47_id
            FROM unlinked u ASOF JOIN s47 s ON u.person_id = s.person_id AND u.held >= s.start_date
        ),
        per_s47 AS (
            SELECT s47_id,
                   bool_or(transfer_in) AS transfer_in,
                   min(held) FILTER (WHERE held <= {a}) AS first_held,
                   arg_min(icpc_id, held) FILTER (WHERE held <= {a}) AS icpc_id
            FROM (SELECT * FROM by_id UNION ALL SELECT * FROM by_date)
            GROUP BY s47_id
        )
        SELECT s.person_id, 'icpc_15wd', 'icpc', p.icpc_id, 'ssd_initial_cp_conference',
               'the strategy discussion', s.start_date, p.first_held,
               CASE WHEN p.first_held IS NULL THEN r.close_date END,
               {amount}, {unit}
        FROM s47 s
        LEFT JOIN per_s47 p ON p.s47_id = s.s47_id
        LEFT JOIN _tl_referrals r ON r.referral_id = s.referral_id
        WHERE NOT coalesce(p.transfer_in, false)
          AND (p.first_held IS NOT NULL
               OR (NOT s.nfa AND (s.end_date IS NULL OR s.to_conference OR p.s47_id IS NOT NULL)))
    """


def cp_reviews(d: Derivation) -> str:
    events = _attached(
        d,
        d.t("ssd_cp_reviews"),
        "_tl_cp_plans",
        plan_key="plan_id",
        person="cppr_person_id",
        date="cppr_cp_review_date",
        event_id="cppr_cp_review_id",
        plan_id="cppr_cp_plan_id",
    )
    return _chain(
        d,
        rule_ids=("cp_first_review_3m", "cp_review_6m"),
        start_events=("the plan started", "the previous review"),
        event_type="cp_review",
        source_table="ssd_cp_reviews",
        episodes=_plans("_tl_cp_plans"),
        events=events + f" AND e.cppr_cp_review_date <= {d.as_at_sql}",
    )


def _plans(view: str) -> str:
    """A view of plans (`_tl_cp_plans`, `_tl_cin_plans`) as the episodes of a chain."""
    return (
        "SELECT plan_id AS episode_key, person_id, start_date AS ep_start, end_date AS ep_end "
        f"FROM {view}"
    )


def cp_visits(d: Derivation) -> str:
    events = _attached(
        d,
        "(SELECT * FROM _tl_visits WHERE kind = 'cp' AND coalesce(seen, '') <> 'N')",
        "_tl_cp_plans",
        plan_key="plan_id",
        person="person_id",
        date="visit_date",
        event_id="visit_id",
        plan_id="plan_id",
    )
    return _chain(
        d,
        rule_ids=("cp_visit",),
        start_events=("the plan started", "the previous visit"),
        event_type="cp_visit",
        source_table="ssd_cp_visits",
        episodes=_plans("_tl_cp_plans"),
        events=events,
    )


def cin_visits(d: Derivation) -> str:
    # Child in need visits carry no plan id: each belongs to the plan open on its date.
    return _chain(
        d,
        rule_ids=("cin_visit",),
        start_events=("the plan started", "the previous visit"),
        event_type="cin_visit",
        source_table="ssd_cin_visits",
        episodes=_plans("_tl_cin_plans"),
        events=f"""
            SELECT p.plan_id AS episode_key, v.visit_id AS event_id, v.visit_date AS event_date
            FROM _tl_visits v JOIN _tl_cin_plans p ON p.person_id = v.person_id
                 AND v.visit_date BETWEEN p.start_date AND coalesce(p.end_date, {d.as_at_sql})
            WHERE v.kind = 'cin' AND coalesce(v.seen, '') <> 'N'
        """,
    )


_PERIODS = (
    "SELECT period_id AS episode_key, person_id, start_date AS ep_start, end_date AS ep_end "
    "FROM _tl_periods"
)


def cla_reviews(d: Derivation) -> str:
    a = d.as_at_sql
    # Reviews name the care id, not the child: the child is found through the episodes.
    return _chain(
        d,
        rule_ids=("cla_first_review_20wd", "cla_second_review_3m", "cla_review_6m"),
        start_events=("the child became looked after", "the first review", "the previous review"),
        event_type="cla_review",
        source_table="ssd_cla_reviews",
        episodes=_PERIODS,
        events=f"""
            WITH owners AS (
                SELECT DISTINCT cla_id, person_id FROM _tl_cla_episodes WHERE cla_id IS NOT NULL
            )
            SELECT p.period_id AS episode_key, r.clar_cla_review_id AS event_id,
                   r.clar_cla_review_date AS event_date
            FROM {d.t("ssd_cla_reviews")} r
            JOIN owners o ON o.cla_id = r.clar_cla_id
            JOIN _tl_periods p ON p.person_id = o.person_id
                 AND r.clar_cla_review_date BETWEEN p.start_date AND coalesce(p.end_date, {a})
            WHERE r.clar_cla_review_date <= {a}
              AND coalesce(upper(trim(r.clar_cla_review_cancelled)), '') <> 'Y'
        """,
    )


def cla_visits(d: Derivation) -> str:
    a = d.as_at_sql
    return _chain(
        d,
        rule_ids=("cla_visit_6w",),
        start_events=("the child became looked after", "the previous visit"),
        event_type="cla_visit",
        source_table="ssd_cla_visits",
        episodes=_PERIODS,
        events=f"""
            SELECT p.period_id AS episode_key, v.visit_id AS event_id, v.visit_date AS event_date
            FROM _tl_visits v JOIN _tl_periods p ON p.person_id = v.person_id
                 AND v.visit_date BETWEEN p.start_date AND coalesce(p.end_date, {a})
            WHERE v.kind = 'cla' AND coalesce(v.seen, '') <> 'N'
        """,
        long_term=d.rules["cla_visit_6w"].long_term,
    )


def placement_visits(d: Derivation) -> str:
    """The first visit on or after each placement start, while the child is still there."""
    a = d.as_at_sql
    amount, unit = _literals(d, "cla_placement_visit_1w")
    only_missing = "AND first_visit IS NULL" if d.history_is_partial else ""
    return f"""
        WITH visits AS (
            SELECT person_id, visit_id, visit_date FROM _tl_visits
            WHERE kind = 'cla' AND coalesce(seen, '') <> 'N'
        ),
        firsts AS (
            SELECT pl.person_id, pl.start_date, pl.end_date,
                   CASE WHEN v.visit_date <= coalesce(pl.end_date, {a}) THEN v.visit_id END
                       AS visit_id,
                   CASE WHEN v.visit_date <= coalesce(pl.end_date, {a}) THEN v.visit_date END
                       AS first_visit
            FROM _tl_placements pl
            ASOF LEFT JOIN visits v ON pl.person_id = v.person_id AND pl.start_date <= v.visit_date
            WHERE pl.start_date IS NOT NULL
        )
        SELECT person_id, 'cla_placement_visit_1w', 'cla_visit', visit_id, 'ssd_cla_visits',
               'the placement started', start_date, first_visit,
               CASE WHEN first_visit IS NULL THEN end_date END, {amount}, {unit}
        FROM firsts
        WHERE TRUE {only_missing}
    """


def pathway_plans(d: Derivation) -> str:
    """Care leavers in open_cases: the next review is due 6 months after the latest recorded
    one, or after leaving care when none is recorded. The SSD keeps only the latest review, so
    only that next one is measured."""
    a = d.as_at_sql
    amount, unit = _literals(d, "pathway_plan_6m")
    return f"""
        WITH reviewed AS (
            SELECT clea_person_id AS person_id, max(clea_pathway_plan_review_date) AS reviewed
            FROM {d.t("ssd_care_leavers")}
            WHERE clea_pathway_plan_review_date <= {a}
            GROUP BY clea_person_id
        )
        SELECT oc.person_id, 'pathway_plan_6m', 'pathway_plan_review', NULL, 'ssd_care_leavers',
               CASE WHEN r.reviewed IS NOT NULL THEN 'the previous review'
                    ELSE 'the young person left care' END,
               coalesce(r.reviewed, oc.start_date), NULL, NULL, {amount}, {unit}
        FROM {d.t("open_cases")} oc
        LEFT JOIN reviewed r ON r.person_id = oc.person_id
        WHERE oc.cohort = 'care_leaver' AND coalesce(r.reviewed, oc.start_date) IS NOT NULL
    """


GROUPS: tuple[RuleGroup, ...] = (
    RuleGroup(("assessment_45wd",), ("ssd_cin_assessments",), assessments),
    RuleGroup(
        ("icpc_15wd",), ("ssd_s47_enquiry", "ssd_initial_cp_conference"), initial_conferences
    ),
    RuleGroup(
        ("cp_first_review_3m", "cp_review_6m"), ("ssd_cp_plans", "ssd_cp_reviews"), cp_reviews
    ),
    RuleGroup(("cp_visit",), ("ssd_cp_plans", "ssd_cp_visits"), cp_visits),
    RuleGroup(("cin_visit",), ("ssd_cin_plans", "ssd_cin_visits"), cin_visits),
    RuleGroup(
        ("cla_first_review_20wd", "cla_second_review_3m", "cla_review_6m"),
        ("ssd_cla_episodes", "ssd_cla_reviews"),
        cla_reviews,
    ),
    RuleGroup(("cla_visit_6w",), ("ssd_cla_episodes", "ssd_cla_visits"), cla_visits),
    RuleGroup(
        ("cla_placement_visit_1w",),
        ("ssd_cla_episodes", "ssd_cla_placement", "ssd_cla_visits"),
        placement_visits,
    ),
    RuleGroup(("pathway_plan_6m",), ("ssd_care_leavers",), pathway_plans),
)

# Rules in the rules file that no table we hold can measure, and why.
NOT_MEASURABLE: dict[str, str] = {"cla_health_assessment": NO_HEALTH_DATA}


EXPECT_COLUMNS = (
    ("person_id", "VARCHAR"),
    ("rule_id", "VARCHAR"),
    ("event_type", "VARCHAR"),
    ("event_id", "VARCHAR"),
    ("source_table", "VARCHAR"),
    ("start_event", "VARCHAR"),
    ("start_date", "DATE"),
    ("completed_date", "DATE"),
    ("stop_date", "DATE"),
    ("amount", "INTEGER"),
    ("unit", "VARCHAR"),
)


def build(d: Derivation) -> tuple[dict[str, Evaluation], str]:
    """Say for each rule whether the data can measure it, and give one query yielding the
    expectations of every rule that can (EXPECT_COLUMNS). measure.py reads it as it runs, so
    the expectations are never written out on their own."""
    evaluations: dict[str, Evaluation] = {}
    selects: list[str] = []
    for group in GROUPS:
        missing = [t for t in group.requires if t not in d.provided]
        if missing:
            for rule_id in group.rule_ids:
                evaluations[rule_id] = Evaluation(rule_id, False, missing_reason(missing))
            continue
        selects.append(group.select(d))
        for rule_id in group.rule_ids:
            evaluations[rule_id] = Evaluation(rule_id, True)
    for rule_id, reason in NOT_MEASURABLE.items():
        evaluations[rule_id] = Evaluation(rule_id, False, reason)
    names = ", ".join(name for name, _ in EXPECT_COLUMNS)
    typed = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in EXPECT_COLUMNS)
    parts = [f"SELECT {typed} FROM ({sql}) AS x({names})" for sql in selects]
    if not parts:
        parts = [
            f"SELECT {typed} FROM (SELECT {', '.join(['NULL'] * len(EXPECT_COLUMNS))}) "
            f"AS x({names}) WHERE FALSE"
        ]
    return evaluations, "\nUNION ALL\n".join(parts)
