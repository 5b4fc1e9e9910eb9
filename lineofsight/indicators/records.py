"""Runs the indicators from Line of Sight's own records (the Django database), not the snapshot.

What each counts is written by the app that owns the records and registered with the catalogue
in its AppConfig.ready() (`catalogue.register_records`): the audit and moderation indicators in
`lineofsight/audits/indicators.py`, overdue improvement actions in
`lineofsight/actions/indicators.py`. The indicators never import those apps; this module turns
their counts into values and their rows into the children behind a figure, and gives them the
period's bounds. Never cached: these records change all the time.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from datetime import date, timedelta

from django.utils import timezone

from . import catalogue as cat
from . import engine
from .types import Indicator, IndicatorValue


def bounds(period_end: date) -> tuple[datetime.datetime, datetime.datetime]:
    """The 12 months to the period end as aware datetimes [start, end), in the council's time."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(engine.period_start(period_end), datetime.time.min, tz)
    end = datetime.datetime.combine(period_end + timedelta(days=1), datetime.time.min, tz)
    return start, end


def local_date(moment: datetime.datetime | None) -> date | None:
    """The council's local date of a moment (None stays None)."""
    return None if moment is None else timezone.localtime(moment).date()


def values(
    indicator: Indicator,
    *,
    period_ends: Sequence[date],
    team_ids: Sequence[int] | None,
    team_id: int | None = None,
) -> list[IndicatorValue]:
    """The indicator for each period end, in the order given."""
    counts = cat.records_counter(indicator.id).counts(indicator, period_ends, team_ids)
    empty = cat.spec(indicator.id).empty
    return [
        engine.value_from(
            indicator,
            period_end=end,
            numerator=counts[end][0],
            denominator=counts[end][1],
            empty=empty,
            team_id=team_id,
        )
        for end in period_ends
    ]


def value(
    indicator: Indicator,
    *,
    period_end: date,
    team_ids: Sequence[int] | None,
    team_id: int | None = None,
) -> IndicatorValue:
    return values(indicator, period_ends=[period_end], team_ids=team_ids, team_id=team_id)[0]


def children_behind(
    indicator: Indicator, *, period_end: date, team_ids: Sequence[int] | None
) -> list[engine.ChildRow]:
    """The children behind the figure, those counted in the numerator first; [] for a figure
    that is not about children (overdue actions: the board links to the actions list)."""
    counter = cat.records_counter(indicator.id)
    if counter.children is None:
        return []
    rows = list(counter.children(indicator, period_end, team_ids))
    rows.sort(key=lambda r: (r.counted_in != "numerator", r.person_id))
    return rows


def hidden_from(indicator: Indicator, user) -> set[str]:
    """The children whose rows behind this records indicator `user` may not see yet."""
    counter = cat.records_counter(indicator.id)
    return set(counter.hidden_from(user)) if counter.hidden_from else set()
