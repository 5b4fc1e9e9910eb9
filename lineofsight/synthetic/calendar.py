"""Dates as day ordinals, with ISO text and England working days precomputed for speed.

The generator handles millions of dates: it keeps them as `date.toordinal()` integers and looks
their ISO text and working-day position up in lists instead of building `date` objects.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from lineofsight.web import dates


class Calendar:
    """Every day from `first` to `last`: ISO text and working days (England and Wales bank
    holidays excluded)."""

    def __init__(self, first: date, last: date) -> None:
        self.base = first.toordinal()
        self.last = last.toordinal()
        n = self.last - self.base + 1
        self._iso = [date.fromordinal(self.base + i).isoformat() for i in range(n)]
        bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
        self._working_days: list[int] = []
        # _pos[i]: index in _working_days of the first working day on or after day i.
        self._pos: list[int] = []
        for i in range(n):
            day = date.fromordinal(self.base + i)
            self._pos.append(len(self._working_days))
            if day.weekday() < 5 and day not in bank:
                self._working_days.append(self.base + i)

    def working_index(self, day: int) -> int:
        """Position in `working_days` of `day`, or of the next working day after it."""
        return self._pos[day - self.base]

    @property
    def working_days(self) -> list[int]:
        return self._working_days

    @property
    def iso_table(self) -> list[str]:
        """ISO text of every day, indexed by `day - base` (for the tightest loops)."""
        return self._iso

    def iso(self, day: int | None) -> str:
        """'YYYY-MM-DD', or '' for None (the CSV convention for a missing date)."""
        if day is None:
            return ""
        return self._iso[day - self.base]

    def is_working(self, day: int) -> bool:
        p = self._pos[day - self.base]
        return p < len(self._working_days) and self._working_days[p] == day

    def next_working(self, day: int) -> int:
        """`day` itself if it is a working day, else the next one."""
        return self._working_days[self._pos[day - self.base]]

    def add_working(self, day: int, n: int) -> int:
        """The date `n` working days after `day` (statutory timescales count from the day after)."""
        if n <= 0:
            return day
        p = self._pos[day - self.base]
        if self.is_working(day):
            return self._working_days[min(p + n, len(self._working_days) - 1)]
        return self._working_days[min(p + n - 1, len(self._working_days) - 1)]


def ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


@lru_cache(maxsize=1 << 16)
def add_months(day: int, months: int) -> int:
    """Calendar months, keeping the day of the month where it exists (31 Jan + 1 -> 28/29 Feb)."""
    return dates.add_months(date.fromordinal(day), months).toordinal()


def add_years(day: int, years: int) -> int:
    return add_months(day, 12 * years)


def age_on(dob: int, day: int) -> int:
    """Age in whole years on `day` of someone born on `dob`."""
    b, d = date.fromordinal(dob), date.fromordinal(day)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))
