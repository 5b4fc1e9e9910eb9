"""Working days: weekdays that are neither an England and Wales bank holiday nor a council closure.

Bank holidays come from the `holidays` package, which holds them offline, substitute days
included (Christmas Day on a Saturday gives Monday 27 December, Boxing Day Tuesday 28 December).
Closure days are the council's own (for instance the days between Christmas and New Year) and
are passed in; they live in the `ClosurePeriod` model, so this module needs no database.

Counting, here and in the DuckDB calendar table, rests on one number per date: its working-day
index, the count of working days from the start of the calendar up to and including that date.
A non-working day shares the index of the working day before it. Then

    working_days_between(a, b) = index(b) - index(a)   (working days after a, up to and including b)
    add_working_days(d, n)     = the working day whose index is index(d) + n

so "within 45 working days of the start" is day 45 counting the first working day after the
start as day 1, and a clock that starts on a Saturday starts counting on the Monday.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import duckdb
import holidays

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5  # date.weekday(): Saturday and Sunday are 5 and 6

CALENDAR_TABLE = "_calendar"


@dataclass(frozen=True)
class Closure:
    """Days the council's offices are closed, first and last day included."""

    first_day: datetime.date
    last_day: datetime.date
    description: str = ""

    @property
    def reason(self) -> str:
        return f"council closure: {self.description}" if self.description else "council closure"

    def days(self) -> Iterator[datetime.date]:
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += ONE_DAY


ClosureLike = Closure | datetime.date | tuple[datetime.date, datetime.date]


def _as_closure(item: ClosureLike) -> Closure:
    if isinstance(item, Closure):
        return item
    if isinstance(item, tuple):
        return Closure(item[0], item[1])
    return Closure(item, item)


class WorkingCalendar:
    """Bank holidays for England (which are also those of Wales) plus council closures."""

    def __init__(self, closures: Iterable[ClosureLike] = ()) -> None:
        self.closures = tuple(_as_closure(c) for c in closures)
        # Years are filled in on first use of each year; the package needs no network.
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")

    @cached_property
    def _closed(self) -> dict[datetime.date, str]:
        closed: dict[datetime.date, str] = {}
        for closure in self.closures:
            for day in closure.days():
                closed.setdefault(day, closure.reason)
        return closed

    def bank_holiday(self, day: datetime.date) -> str | None:
        return self._bank_holidays.get(day)

    def non_working_reason(self, day: datetime.date) -> str | None:
        """Why `day` is not a working day, in words; None for a working day."""
        if day.weekday() >= SATURDAY:
            return "weekend"
        holiday = self.bank_holiday(day)
        if holiday:
            return f"bank holiday: {holiday}"
        return self._closed.get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        return self.non_working_reason(day) is None

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (before it, for negative n); `day` itself for 0."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def non_working_days(
        self, first: datetime.date, last: datetime.date
    ) -> list[tuple[datetime.date, str]]:
        """Every bank holiday and closure day from `first` to `last` (weekends left out)."""
        days: list[tuple[datetime.date, str]] = []
        self._ensure_years(first.year, last.year)
        for day, name in self._bank_holidays.items():
            if first <= day <= last:
                days.append((day, f"bank holiday: {name}"))
        bank = {d for d, _ in days}
        for day, reason in self._closed.items():
            if first <= day <= last and day not in bank:
                days.append((day, reason))
        return sorted(days)

    def _ensure_years(self, first_year: int, last_year: int) -> None:
        for year in range(first_year, last_year + 1):
            # Looking up one date of a year makes the package compute that whole year.
            self._bank_holidays.get(datetime.date(year, 1, 1))

    def install(
        self,
        con: duckdb.DuckDBPyConnection,
        first: datetime.date,
        last: datetime.date,
        table: str = CALENDAR_TABLE,
    ) -> None:
        """Create `table` (date, is_working_day, working_day_index, non_working_reason), one row
        per day from `first` to `last`, so SQL can count working days by index arithmetic."""
        closed = self.non_working_days(first, last)
        con.execute("CREATE OR REPLACE TEMP TABLE _tl_closed (date DATE, reason VARCHAR)")
        if closed:
            con.executemany("INSERT INTO _tl_closed VALUES (?, ?)", closed)
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {table} AS
            WITH days AS (
                SELECT CAST(d AS DATE) AS date
                FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY) AS t(d)
            ),
            marked AS (
                SELECT days.date,
                       CASE WHEN isodow(days.date) >= 6 THEN 'weekend' ELSE c.reason END
                           AS non_working_reason
                FROM days LEFT JOIN _tl_closed c ON c.date = days.date
            )
            SELECT date,
                   non_working_reason IS NULL AS is_working_day,
                   CAST(sum(CASE WHEN non_working_reason IS NULL THEN 1 ELSE 0 END)
                        OVER (ORDER BY date ROWS UNBOUNDED PRECEDING) AS INTEGER)
                       AS working_day_index,
                   non_working_reason
            FROM marked
            ORDER BY date
            """,
            [first, last],
        )
        con.execute("DROP TABLE _tl_closed")


_DEFAULT = WorkingCalendar()


def is_working_day(day: datetime.date, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or _DEFAULT).is_working_day(day)


def add_working_days(
    day: datetime.date, n: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    return (calendar or _DEFAULT).add_working_days(day, n)


def working_days_between(
    a: datetime.date, b: datetime.date, calendar: WorkingCalendar | None = None
) -> int:
    return (calendar or _DEFAULT).working_days_between(a, b)
