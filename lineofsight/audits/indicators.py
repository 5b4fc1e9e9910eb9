"""The audit and moderation indicators on the improvement board (indicators/definitions/
5_records.yml), counted from the audits' own records. Registered with the indicator catalogue in
`AuditsConfig.ready()`, so the indicators never import audits.

- audits_good_or_better_pct: audits first submitted in the 12 months to the period end that have
  a grade; good or better when the final grade (agreed at moderation, else the auditor's overall
  grade) is Good or Outstanding.
- moderation_agreement_pct: moderations graded in the 12 months; agreeing when the moderator's
  grade equals the auditor's grade at the time the file was chosen.

Each counts for its team: the audit's team (for moderation, the audited file's). Dates are the
council's local dates. A moderator grading an audit blind does not see the rows behind either
figure for that audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Q, QuerySet

from lineofsight.accounts.models import User
from lineofsight.indicators import catalogue, engine, records
from lineofsight.indicators.engine import ChildRow
from lineofsight.indicators.types import Indicator

from .grades import GOOD_OR_BETTER, grade_label
from .models import Audit, Moderation
from .selectors import answers_hidden_from

GOOD_OR_BETTER_ID = "audits_good_or_better_pct"
AGREEMENT_ID = "moderation_agreement_pct"


def _grade(audit: Audit) -> int | None:
    return audit.final_grade if audit.final_grade is not None else audit.overall_grade


def _audits_between(first: date, last: date, team_ids: Sequence[int] | None) -> QuerySet[Audit]:
    """Graded audits first submitted in any of the 12-month periods ending `first` to `last`."""
    start, _ = records.bounds(first)
    _, end = records.bounds(last)
    qs = Audit.objects.filter(first_submitted_at__gte=start, first_submitted_at__lt=end).filter(
        Q(final_grade__isnull=False) | Q(overall_grade__isnull=False)
    )
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    return qs


def _moderations_between(
    first: date, last: date, team_ids: Sequence[int] | None
) -> QuerySet[Moderation]:
    start, _ = records.bounds(first)
    _, end = records.bounds(last)
    qs = Moderation.objects.filter(
        graded_at__gte=start, graded_at__lt=end, moderator_grade__isnull=False
    )
    if team_ids is not None:
        qs = qs.filter(audit__team_id__in=list(team_ids))
    return qs


def counts(
    indicator: Indicator, ends: Sequence[date], team_ids: Sequence[int] | None
) -> catalogue.Counts:
    """(numerator, denominator) for each period end, from one query over the whole range: a
    trend of 12 or 24 months costs one query, not one per month."""
    if not ends:
        return {}
    first, last = min(ends), max(ends)
    if indicator.id == GOOD_OR_BETTER_ID:
        dated = [
            (records.local_date(a.first_submitted_at), _grade(a) in GOOD_OR_BETTER)
            for a in _audits_between(first, last, team_ids).only(
                "first_submitted_at", "final_grade", "overall_grade"
            )
        ]
    elif indicator.id == AGREEMENT_ID:
        dated = [
            (records.local_date(at), auditor == moderator)
            for at, auditor, moderator in _moderations_between(first, last, team_ids).values_list(
                "graded_at", "auditor_grade", "moderator_grade"
            )
        ]
    else:
        raise KeyError(indicator.id)
    out = {}
    for end in ends:
        start = engine.period_start(end)
        inside = [ok for day, ok in dated if day is not None and start <= day <= end]
        out[end] = (sum(inside), len(inside))
    return out


def children(indicator: Indicator, period_end: date, team_ids: Sequence[int] | None) -> list:
    """The audited children behind the audit and moderation figures."""
    rows: list[ChildRow] = []
    if indicator.id == GOOD_OR_BETTER_ID:
        audits = _audits_between(period_end, period_end, team_ids)
        for audit in audits.order_by("person_id", "pk"):
            grade = _grade(audit)
            rows.append(
                ChildRow(
                    person_id=audit.person_id,
                    counted_in="numerator" if grade in GOOD_OR_BETTER else "denominator",
                    team_id=audit.team_id,
                    detail=f"audit {audit.reference} graded {grade_label(grade)}",
                )
            )
    elif indicator.id == AGREEMENT_ID:
        for m in (
            _moderations_between(period_end, period_end, team_ids)
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
    return rows


def hidden_from(user: User) -> list[str]:
    """A row names the audit's grade: none for an audit this user is moderating blind."""
    return list(answers_hidden_from(user).values_list("person_id", flat=True))


def register() -> None:
    for indicator_id in (GOOD_OR_BETTER_ID, AGREEMENT_ID):
        catalogue.register_records(
            indicator_id, counts=counts, children=children, hidden_from=hidden_from
        )
