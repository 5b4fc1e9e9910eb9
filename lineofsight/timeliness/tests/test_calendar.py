"""Working days: weekends, England and Wales bank holidays (substitute days included), council
closures, leap years and month ends; and the DuckDB calendar table agreeing with Python."""

from __future__ import annotations

import datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineofsight.timeliness.calendar import (
    Closure,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

D = datetime.date
plain = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 3, 23), False),  # Saturday
        (D(2024, 3, 24), False),  # Sunday
        (D(2024, 3, 25), True),  # Monday
        (D(2024, 3, 29), False),  # Good Friday 2024
        (D(2024, 4, 1), False),  # Easter Monday 2024
        (D(2023, 4, 7), False),  # Good Friday 2023
        (D(2023, 4, 10), False),  # Easter Monday 2023
        (D(2023, 5, 8), False),  # the Coronation bank holiday
        (D(2022, 9, 19), False),  # the State Funeral bank holiday
        (D(2024, 5, 6), False),  # Early May bank holiday
        (D(2024, 5, 27), False),  # Spring bank holiday
        (D(2024, 8, 26), False),  # Summer bank holiday (England, not Scotland's)
        (D(2024, 8, 5), True),  # Scotland's summer bank holiday is a working day in England
        (D(2024, 12, 25), False),
        (D(2024, 12, 26), False),
        (D(2024, 12, 27), True),  # no closure configured
        (D(2024, 2, 29), True),  # leap day, a Thursday
        (D(2025, 1, 1), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_christmas_and_boxing_day_on_a_weekend_give_substitute_days():
    # 2021: Christmas Saturday, Boxing Day Sunday -> Monday 27 and Tuesday 28 are bank holidays.
    for day in (D(2021, 12, 25), D(2021, 12, 26), D(2021, 12, 27), D(2021, 12, 28)):
        assert not is_working_day(day), day
    assert is_working_day(D(2021, 12, 29))
    # 2022: Christmas Sunday, Boxing Day Monday -> Tuesday 27 is the substitute.
    assert not is_working_day(D(2022, 12, 27))
    assert is_working_day(D(2022, 12, 28))
    # 2020 and 2026: Christmas Friday, Boxing Day Saturday -> Monday 28 is the substitute.
    assert not is_working_day(D(2020, 12, 28))
    assert not is_working_day(D(2026, 12, 28))
    # New Year's Day on a Saturday (2022) -> Monday 3 January.
    assert not is_working_day(D(2022, 1, 3))
    # Christmas 2021 week: Friday 24th to Wednesday 29th is one working day later.
    assert add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 29)


def test_add_working_days_over_weekends_easter_and_month_ends():
    assert add_working_days(D(2024, 3, 22), 1) == D(2024, 3, 25)  # Friday -> Monday
    assert add_working_days(D(2024, 3, 23), 1) == D(2024, 3, 25)  # Saturday -> Monday
    # Thursday before Easter 2024 -> the Tuesday after Easter Monday.
    assert add_working_days(D(2024, 3, 28), 1) == D(2024, 4, 2)
    assert add_working_days(D(2024, 2, 28), 1) == D(2024, 2, 29)  # leap day
    assert add_working_days(D(2023, 2, 28), 1) == D(2023, 3, 1)  # no leap day
    assert add_working_days(D(2024, 5, 31), 1) == D(2024, 6, 3)  # Friday month end -> Monday
    assert add_working_days(D(2024, 4, 30), 4) == D(2024, 5, 7)  # past Early May bank holiday
    assert add_working_days(D(2024, 1, 31), 21) == D(2024, 2, 29)
    assert add_working_days(D(2024, 3, 25), 0) == D(2024, 3, 25)
    assert add_working_days(D(2024, 4, 2), -1) == D(2024, 3, 28)


def test_forty_five_working_days_by_hand():
    # After Monday 2 December 2024: 3-6 Dec (4), 9-13 (9), 16-20 (14), 23-24 (16), 27 (17),
    # 30-31 (19), 2-3 Jan (21), 6-10 (26), 13-17 (31), 20-24 (36), 27-31 (41), 3-6 Feb (45).
    assert add_working_days(D(2024, 12, 2), 45) == D(2025, 2, 6)
    # Closed from 27 to 31 December: three working days fewer, so three later.
    closed = WorkingCalendar([Closure(D(2024, 12, 27), D(2024, 12, 31), "Christmas closure")])
    assert closed.add_working_days(D(2024, 12, 2), 45) == D(2025, 2, 11)


def test_working_days_between():
    assert working_days_between(D(2024, 3, 22), D(2024, 3, 25)) == 1  # Friday -> Monday
    assert working_days_between(D(2024, 3, 25), D(2024, 3, 25)) == 0
    assert working_days_between(D(2024, 3, 28), D(2024, 4, 2)) == 1  # across Easter
    assert working_days_between(D(2024, 4, 2), D(2024, 3, 28)) == -1
    assert working_days_between(D(2024, 2, 1), D(2024, 3, 1)) == 21  # February 2024, leap
    # 2024: 262 weekdays (it starts on a Monday and is a leap year) less 8 weekday bank holidays.
    assert working_days_between(D(2023, 12, 31), D(2024, 12, 31)) == 254


def test_closure_days_are_not_working_days():
    calendar = WorkingCalendar(
        [Closure(D(2024, 12, 27), D(2024, 12, 31), "Christmas closure"), D(2024, 7, 1)]
    )
    assert not calendar.is_working_day(D(2024, 12, 27))
    assert not calendar.is_working_day(D(2024, 12, 30))
    assert not calendar.is_working_day(D(2024, 12, 31))
    assert not calendar.is_working_day(D(2024, 7, 1))  # a single date
    assert calendar.is_working_day(D(2024, 12, 24))
    assert calendar.is_working_day(D(2025, 1, 2))
    assert calendar.add_working_days(D(2024, 12, 24), 1) == D(2025, 1, 2)
    assert calendar.working_days_between(D(2024, 12, 20), D(2025, 1, 2)) == 3
    assert calendar.non_working_reason(D(2024, 12, 30)) == "council closure: Christmas closure"
    assert calendar.non_working_reason(D(2024, 12, 25)) == "bank holiday: Christmas Day"
    assert calendar.non_working_reason(D(2024, 12, 28)) == "weekend"


def _table(calendar: WorkingCalendar, first: datetime.date, last: datetime.date):
    con = duckdb.connect()
    calendar.install(con, first, last, table="cal")
    return con


def test_duckdb_calendar_matches_python_day_by_day():
    calendar = WorkingCalendar([Closure(D(2024, 12, 27), D(2024, 12, 31), "Christmas")])
    first, last = D(2019, 1, 1), D(2027, 12, 31)
    rows = _table(calendar, first, last).execute("SELECT * FROM cal ORDER BY date").fetchall()
    assert len(rows) == (last - first).days + 1
    count = 0
    for day, working, working_day_index, reason in rows:
        assert working is calendar.is_working_day(day), day
        assert reason == calendar.non_working_reason(day), day
        count += working
        assert working_day_index == count, day
    assert count == calendar.working_days_between(first, last) + calendar.is_working_day(first)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=300),
)
def test_add_and_between_are_inverses(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)


def test_index_arithmetic_in_sql_gives_the_same_due_dates():
    con = _table(plain, D(2023, 1, 1), D(2026, 12, 31))
    starts = [D(2023, 4, 6), D(2023, 12, 22), D(2024, 2, 29), D(2024, 3, 28), D(2024, 12, 21)]
    for start in starts:
        for n in (1, 10, 15, 20, 45):
            (due,) = con.execute(
                "SELECT w.date FROM cal s JOIN cal w ON w.is_working_day "
                "AND w.working_day_index = s.working_day_index + ? WHERE s.date = ?",
                [n, start],
            ).fetchone()
            assert due == add_working_days(start, n), (start, n)
