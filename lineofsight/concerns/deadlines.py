"""Response deadlines: a number of hours counted on working days only.

Weekends, England and Wales bank holidays and the council's closure days do not count (the same
calendar as the timescales, lineofsight/timeliness/calendar.py). So with 24 hours, a concern
raised at 15:00 on a Thursday is due at 15:00 on Friday, and one raised at 15:00 on a Friday is
due at 15:00 on Monday; one raised on a Saturday starts counting at midnight on Monday.
Hours are counted on the local (UK) clock.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from lineofsight.timeliness.calendar import WorkingCalendar

ONE_DAY = datetime.timedelta(days=1)


def default_hours() -> int:
    return settings.CONCERN_RESPONSE_HOURS


def respond_by(
    start: datetime.datetime, hours: int, calendar: WorkingCalendar
) -> datetime.datetime:
    """`hours` working-day hours after `start` (an aware datetime)."""
    local = timezone.localtime(start).replace(tzinfo=None)
    remaining = datetime.timedelta(hours=hours)
    day = local.date()
    moment = local
    while not calendar.is_working_day(day):
        day += ONE_DAY
        moment = datetime.datetime.combine(day, datetime.time())
    while True:
        end_of_day = datetime.datetime.combine(day + ONE_DAY, datetime.time())
        if moment + remaining <= end_of_day:
            return timezone.make_aware(moment + remaining)
        remaining -= end_of_day - moment
        day += ONE_DAY
        while not calendar.is_working_day(day):
            day += ONE_DAY
        moment = datetime.datetime.combine(day, datetime.time())


def describe(value: datetime.datetime) -> str:
    """A deadline in words: "15:00 on 09/03/2026", or "midnight at the end of 09/03/2026"."""
    local = timezone.localtime(value)
    if local.hour == 0 and local.minute == 0:
        return f"midnight at the end of {local.date() - ONE_DAY:%d/%m/%Y}"
    return f"{local:%H:%M on %d/%m/%Y}"
