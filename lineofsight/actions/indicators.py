"""The overdue improvement actions indicator on the improvement board (indicators/definitions/
5_records.yml), counted from the actions' own records. Registered with the indicator catalogue
in `ActionsConfig.ready()`, so the indicators never import actions.

actions_overdue: improvement actions created by the period end, due before it, and not closed by
it (still open, or closed after it). Each counts for its team; dates are the council's local
dates. It counts actions, not children: the board links to the actions list instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lineofsight.indicators import catalogue, records
from lineofsight.indicators.types import Indicator

from .models import CLOSED_STATUSES, ImprovementAction

OVERDUE_ID = "actions_overdue"


def counts(
    indicator: Indicator, ends: Sequence[date], team_ids: Sequence[int] | None
) -> catalogue.Counts:
    """(number overdue, None) for each period end, from one query over the whole range."""
    if indicator.id != OVERDUE_ID:
        raise KeyError(indicator.id)
    if not ends:
        return {}
    last = max(ends)
    _start, until = records.bounds(last)
    qs = ImprovementAction.objects.filter(created_at__lt=until, due_date__lt=last)
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    actions = [
        (records.local_date(created), due, status in CLOSED_STATUSES, records.local_date(closed))
        for created, due, status, closed in qs.values_list(
            "created_at", "due_date", "status", "closed_at"
        )
    ]
    out = {}
    for end in ends:
        out[end] = (
            sum(
                1
                for created, due, closed, closed_on in actions
                if created is not None
                and created <= end
                and due < end
                # Open at the period end: not closed, or closed only after it. A closed
                # action with no closing time counts as closed throughout.
                and not (closed and (closed_on is None or closed_on <= end))
            ),
            None,
        )
    return out


def register() -> None:
    catalogue.register_records(OVERDUE_ID, counts=counts)
