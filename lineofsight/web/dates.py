"""Calendar-month arithmetic, from dateutil, for every app (one rule for "a month later").

A month from a day that the later month lacks is that month's last day: 31 January + 1 month is
28 or 29 February, 31 March - 1 month is 28 or 29 February.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole calendar months (negative: back), kept within the month."""
    return day + relativedelta(months=months)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    return day + relativedelta(day=31)
