"""Response deadlines count hours on working days only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lineofsight.concerns.deadlines import describe, respond_by
from lineofsight.timeliness.calendar import WorkingCalendar


def at(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, h, minute))


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Thursday 15:00 + 24 hours: Friday 15:00.
        (at(2026, 3, 5, 15), 24, at(2026, 3, 6, 15)),
        # Friday 15:00 + 24 hours: the weekend does not count, so Monday 15:00.
        (at(2026, 3, 6, 15), 24, at(2026, 3, 9, 15)),
        # Raised on a Saturday: counting starts at midnight on Monday.
        (at(2026, 3, 7, 11), 24, at(2026, 3, 10, 0)),
        # Thursday before Easter 2026 (Good Friday 3 April, Easter Monday 6 April): Tuesday.
        (at(2026, 4, 2, 9, 30), 24, at(2026, 4, 7, 9, 30)),
        # A few hours stay on the same day.
        (at(2026, 3, 5, 9), 4, at(2026, 3, 5, 13)),
    ],
)
def test_hours_are_counted_on_working_days(start, hours, due):
    assert respond_by(start, hours, WorkingCalendar()) == due


def test_council_closure_days_do_not_count():
    closed = WorkingCalendar([(datetime.date(2026, 3, 6), datetime.date(2026, 3, 6))])
    # Thursday 15:00 + 24 hours with Friday closed: Monday 15:00.
    assert respond_by(at(2026, 3, 5, 15), 24, closed) == at(2026, 3, 9, 15)


def test_a_deadline_at_midnight_is_described_as_the_end_of_the_day():
    assert describe(at(2026, 3, 10, 0)) == "midnight at the end of 09/03/2026"
    assert describe(at(2026, 3, 9, 15)) == "15:00 on 09/03/2026"
