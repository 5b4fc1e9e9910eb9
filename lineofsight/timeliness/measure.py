"""`event_timeliness`: due date, lateness and status of every expected event, in one statement.

The table is not sorted: it is read by person or by status, and sorting it would cost more than
those scans of a council's rows.

Columns:
  person_id, rule_id, event_type
  event_id           the record the row is about: the assessment itself, or the visit, review
                     or conference that met the expectation; NULL while none has
  source_table       the SSD table the event is (or would be) recorded in
  start_event        what started the clock, in words ("the previous visit")
  start_date         the date the clock started
  due_date           start_date plus the rule's interval (working days by the calendar index)
  completed_date     when it happened; NULL if not by the as-at date
  working_days_late  0 when on time; working days after the due date up to the completion, the
                     end of the plan (missed) or the as-at date (overdue), at least 1 once late;
                     NULL while open and not yet due
  status             on_time   happened on or before the due date
                     late      happened after it, or never happened before the plan or episode
                               ended (completed_date NULL)
                     overdue   open, and the due date is before the as-at date
                     due_soon  open, due on the as-at date or within the 5 working days after it
                     not_due   open, due later

An expectation whose plan ended on or before its due date was never owed and is left out. Open
expectations are kept only for children in open_cases, so an assessment left unauthorised on a
long-closed case does not count as overdue forever.
"""

from __future__ import annotations

from .context import Derivation

# Kept on event_timeliness while the drift flags are worded, then dropped.
WORKING_COLUMNS = ("amount", "unit")
DUE_SOON_WORKING_DAYS = 5


def build(d: Derivation, expectations: str) -> None:
    """`expectations` is the query expectations.build gave."""
    a = d.as_at_sql
    cal = d.cal
    d.run(f"""
        CREATE OR REPLACE TEMP TABLE _tl_workdays AS
        SELECT working_day_index, date FROM {cal} WHERE is_working_day
    """)
    d.run(f"""
        CREATE OR REPLACE TABLE {d.t("event_timeliness")} AS
        WITH counted AS (
            SELECT e.*, c.working_day_index AS start_index
            FROM ({expectations}) e
            JOIN {cal} c ON c.date = e.start_date
            WHERE e.start_date <= {a}
        ),
        dated AS (
            SELECT x.*,
                   CASE x.unit
                       WHEN 'working_days' THEN w.date
                       WHEN 'days' THEN x.start_date + x.amount
                       WHEN 'weeks' THEN x.start_date + 7 * x.amount
                       WHEN 'months' THEN CAST(x.start_date + to_months(x.amount) AS DATE)
                   END AS due_date
            FROM counted x
            LEFT JOIN _tl_workdays w
                   ON x.unit = 'working_days' AND w.working_day_index = x.start_index + x.amount
        ),
        indexed AS (
            SELECT x.*,
                   due.working_day_index AS due_index,
                   done.working_day_index AS completed_index,
                   stop.working_day_index AS stop_index
            FROM dated x
            LEFT JOIN {cal} due ON due.date = x.due_date
            LEFT JOIN {cal} done ON done.date = x.completed_date
            LEFT JOIN {cal} stop ON stop.date = x.stop_date
        ),
        today AS (SELECT working_day_index AS as_at_index FROM {cal} WHERE date = {a})
        SELECT person_id, rule_id, event_type, event_id, source_table, start_event,
               start_date, due_date, completed_date,
               CAST(CASE
                   WHEN completed_date IS NOT NULL THEN
                       CASE WHEN completed_date <= due_date THEN 0
                            ELSE greatest(1, completed_index - due_index) END
                   WHEN stop_date IS NOT NULL THEN greatest(1, stop_index - due_index)
                   WHEN due_date < {a} THEN greatest(1, as_at_index - due_index)
               END AS INTEGER) AS working_days_late,
               CASE
                   WHEN completed_date IS NOT NULL THEN
                       CASE WHEN completed_date <= due_date THEN 'on_time' ELSE 'late' END
                   WHEN stop_date IS NOT NULL THEN 'late'
                   WHEN due_date < {a} THEN 'overdue'
                   WHEN due_index - as_at_index <= {DUE_SOON_WORKING_DAYS} THEN 'due_soon'
                   ELSE 'not_due'
               END AS status,
               amount, unit
        FROM indexed, today
        WHERE due_date IS NOT NULL
          AND due_index IS NOT NULL
          AND NOT (completed_date IS NULL AND stop_date IS NOT NULL AND stop_date <= due_date)
          AND (completed_date IS NOT NULL OR stop_date IS NOT NULL
               OR person_id IN (SELECT person_id FROM {d.t("open_cases")}))
    """)


def drop_working_columns(d: Derivation) -> None:
    """The interval columns serve the drift flags' wording only; the table keeps its documented
    shape. (Dropping a column in DuckDB does not rewrite the table.)"""
    for column in WORKING_COLUMNS:
        d.run(f"ALTER TABLE {d.t('event_timeliness')} DROP COLUMN {column}")
