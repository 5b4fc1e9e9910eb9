"""What every part of the derivation needs: the connection, the snapshot's alias and as-at date,
which tables the source provided, and the rules in force; plus small SQL helpers.

Only this package's own constants and validated values (dates, whole numbers, rule ids from the
rules file) are ever put into SQL text.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from lineofsight.casework import sources as casework_sources
from lineofsight.casework.writer import quote

from .calendar import CALENDAR_TABLE, WorkingCalendar
from .rules import Interval, Rule, Unit

# Temporary tables made along the way live in the connection's temp schema, never in the
# snapshot, and are dropped when the derivation ends.
TEMP_PREFIX = "_tl_"


@dataclass(frozen=True)
class Derivation:
    con: duckdb.DuckDBPyConnection
    alias: str
    as_at: datetime.date
    provided: frozenset[str]
    source_kind: str
    rules: Mapping[str, Rule]
    calendar: WorkingCalendar
    # {table: the fields the source could fill}; a table not named: every field.
    source_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def t(self, table: str) -> str:
        """A snapshot table, qualified by the snapshot's alias."""
        return f"{quote(self.alias)}.{quote(table)}"

    @property
    def cal(self) -> str:
        return self.t(CALENDAR_TABLE)

    @property
    def as_at_sql(self) -> str:
        return date_sql(self.as_at)

    def has(self, *tables: str) -> bool:
        return all(t in self.provided for t in tables)

    @property
    def history_is_partial(self) -> bool:
        """Annex A lists hold only each child's latest visit and review, so a chain of visits
        cannot be rebuilt from them: only the expectation after the latest one is measured."""
        return self.source_kind == "annex_a"

    @property
    def source(self) -> casework_sources.Coverage:
        """What the kind of source can hold (casework.sources)."""
        return casework_sources.coverage(self.source_kind)

    def lacks(self, table: str, name: str) -> bool:
        """Whether the source could not fill this field of the table at all."""
        given = self.source_fields.get(table)
        return bool(given) and name not in given

    def run(self, sql: str) -> None:
        self.con.execute(sql)


def date_sql(value: datetime.date) -> str:
    return f"DATE '{value.isoformat()}'"


def text_sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def uk_date_sql(expr: str) -> str:
    """A date as people read it on screen, dd/mm/yyyy."""
    return f"strftime({expr}, '%d/%m/%Y')"


def interval_words_sql(amount: str, unit: str) -> str:
    """'10 working days', '1 week', '3 months' from amount and unit columns."""
    return f"""({amount} || ' ' || CASE {unit}
        WHEN '{Unit.WORKING_DAYS}' THEN CASE WHEN {amount} = 1 THEN 'working day'
                                             ELSE 'working days' END
        WHEN '{Unit.DAYS}' THEN CASE WHEN {amount} = 1 THEN 'day' ELSE 'days' END
        WHEN '{Unit.WEEKS}' THEN CASE WHEN {amount} = 1 THEN 'week' ELSE 'weeks' END
        WHEN '{Unit.MONTHS}' THEN CASE WHEN {amount} = 1 THEN 'month' ELSE 'months' END
    END)"""


def interval_literals(interval: Interval) -> tuple[str, str]:
    """(amount, unit) as SQL literals."""
    return str(int(interval.amount)), text_sql(interval.unit.value)
