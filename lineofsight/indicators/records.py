"""The three indicators from Line of Sight's own records (the Django database), not the snapshot.

- audits_good_or_better_pct: audits first submitted in the 12 months to the period end that have
  a grade; good or better when the final grade (agreed at moderation, else the auditor's overall
  grade) is Good or Outstanding.
- moderation_agreement_pct: moderations graded in the 12 months; agreeing when the moderator's
  grade equals the auditor's grade at the time the file was chosen.
- actions_overdue: improvement actions created by the period end, due before it, and not closed
  by it (still open, or closed after it).

Each counts for its team: the audit's team (for moderation, the audited file's), the action's
team. Dates are the council's local dates. Never cached: these records change all the time.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from .types import Indicator, IndicatorValue


def _bounds(period_end: date) -> tuple[datetime.datetime, datetime.datetime]:
    """The 12 months to the period end as aware datetimes [start, end)."""
    from .engine import period_start

    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period_start(period_end), datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period_end + timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _audits(period_end: date, team_ids: Sequence[int] | None):
    """Graded audits first submitted in the 12 months to `period_end`."""
    return _audits_between(period_end, period_end, team_ids)


def _moderations(period_end: date, team_ids: Sequence[int] | None):
    """Moderations graded in the 12 months to `period_end`."""
    return _moderations_between(period_end, period_end, team_ids)


def _grade(audit) -> int | None:
    return audit.final_grade if audit.final_grade is not None else audit.overall_grade


def _local_date(moment: datetime.datetime | None) -> date | None:
    return None if moment is None else timezone.localtime(moment).date()


def _counts_by_end(
    indicator: Indicator, ends: Sequence[date], team_ids: Sequence[int] | None
) -> dict[date, tuple[int, int | None]]:
    """(numerator, denominator) for each period end, from one query over the whole range: a
    trend of 12 or 24 months costs one query, not one per month."""
    from lineofsight.actions.models import CLOSED_STATUSES, ImprovementAction
    from lineofsight.audits.grades import GOOD_OR_BETTER

    from .engine import period_start

    if not ends:
        return {}
    first, last = min(ends), max(ends)
    if indicator.id in ("audits_good_or_better_pct", "moderation_agreement_pct"):
        if indicator.id == "audits_good_or_better_pct":
            dated = [
                (_local_date(a.first_submitted_at), _grade(a) in GOOD_OR_BETTER)
                for a in _audits_between(first, last, team_ids).only(
                    "first_submitted_at", "final_grade", "overall_grade"
                )
            ]
        else:
            dated = [
                (_local_date(at), auditor == moderator)
                for at, auditor, moderator in _moderations_between(
                    first, last, team_ids
                ).values_list("graded_at", "auditor_grade", "moderator_grade")
            ]
        out = {}
        for end in ends:
            start = period_start(end)
            inside = [ok for day, ok in dated if day is not None and start <= day <= end]
            out[end] = (sum(inside), len(inside))
        return out
    if indicator.id == "actions_overdue":
        _start, until = _bounds(last)
        qs = ImprovementAction.objects.filter(created_at__lt=until, due_date__lt=last)
        if team_ids is not None:
            qs = qs.filter(team_id__in=list(team_ids))
        actions = [
            (_local_date(created), due, status in CLOSED_STATUSES, _local_date(closed))
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
    raise KeyError(indicator.id)


def _audits_between(first: date, last: date, team_ids: Sequence[int] | None):
    """Graded audits first submitted in any of the 12-month periods ending `first` to `last`."""
    from lineofsight.audits.models import Audit

    start, _ = _bounds(first)
    _, end = _bounds(last)
    qs = Audit.objects.filter(first_submitted_at__gte=start, first_submitted_at__lt=end).filter(
        Q(final_grade__isnull=False) | Q(overall_grade__isnull=False)
    )
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    return qs


def _moderations_between(first: date, last: date, team_ids: Sequence[int] | None):
    from lineofsight.audits.models import Moderation

    start, _ = _bounds(first)
    _, end = _bounds(last)
    qs = Moderation.objects.filter(
        graded_at__gte=start, graded_at__lt=end, moderator_grade__isnull=False
    )
    if team_ids is not None:
        qs = qs.filter(audit__team_id__in=list(team_ids))
    return qs


def values(
    indicator: Indicator,
    *,
    period_ends: Sequence[date],
    team_ids: Sequence[int] | None,
    team_id: int | None = None,
) -> list[IndicatorValue]:
    """The indicator for each period end, in the order given."""
    from . import catalogue as cat
    from .engine import value_from

    counts = _counts_by_end(indicator, period_ends, team_ids)
    empty = cat.spec(indicator.id).empty
    return [
        value_from(
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
) -> list:
    """The audited children behind the audit and moderation figures; [] for actions (the
    improvement board links to the actions list instead)."""
    from lineofsight.audits.grades import GOOD_OR_BETTER, grade_label

    from .engine import ChildRow

    rows: list[ChildRow] = []
    if indicator.id == "audits_good_or_better_pct":
        for audit in _audits(period_end, team_ids).order_by("person_id", "pk"):
            grade = _grade(audit)
            rows.append(
                ChildRow(
                    person_id=audit.person_id,
                    counted_in="numerator" if grade in GOOD_OR_BETTER else "denominator",
                    team_id=audit.team_id,
                    detail=f"audit {audit.reference} graded {grade_label(grade)}",
                )
            )
    elif indicator.id == "moderation_agreement_pct":
        for m in (
            _moderations(period_end, team_ids)
            .select_related("audit")
            .order_by("audit__person_id", "pk")
        ):
            rows.append(
                ChildRow(
                    person_id=m.audit.person_id,
                    counted_in="numerator"
                    if m.auditor_grade == m.moderator_grade
                    else "denominator",
                    team_id=m.audit.team_id,
                    detail=(
                        f"audit {m.audit.reference}: auditor {grade_label(m.auditor_grade)}, "
                        f"moderator {grade_label(m.moderator_grade)}"
                    ),
                )
            )
    rows.sort(key=lambda r: (r.counted_in != "numerator", r.person_id))
    return rows
