"""Reads of the timescale configuration: the rules in force and the council's closure days.

Configuration holds no child's details, so it is not scoped by user; the pages that show it
require the configure capability.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lineofsight.intake.models import ImportRun

from .calendar import Closure, WorkingCalendar
from .models import ClosurePeriod, LocalTimescale
from .recompute import RUN_NAME
from .rules import LocalValue, Rule, in_force


def local_values() -> list[LocalValue]:
    return [
        LocalValue(
            rule_id=v.rule_id,
            amount=v.value,
            unit=v.unit,
            changed_by=v.changed_by.full_name if v.changed_by else "",
            changed_at=v.changed_at,
        )
        for v in LocalTimescale.objects.select_related("changed_by")
    ]


def rules_in_force() -> dict[str, Rule]:
    """Every rule, with the council's values for the local ones."""
    return in_force(local_values())


def rule_get(rule_id: str) -> Rule:
    """The rule, or 404."""
    try:
        return rules_in_force()[rule_id]
    except KeyError:
        raise Http404("No such timescale rule") from None


def editable_rule_get(rule_id: str) -> Rule:
    """A local rule, or 404: statutory rules are shown but cannot be changed."""
    rule = rule_get(rule_id)
    if not rule.editable:
        raise Http404("Statutory timescales cannot be changed")
    return rule


def closure_list() -> QuerySet[ClosurePeriod]:
    return ClosurePeriod.objects.select_related("added_by").order_by("first_day", "last_day", "id")


def closure_get(pk: int) -> ClosurePeriod:
    return get_object_or_404(closure_list(), pk=pk)


def working_calendar() -> WorkingCalendar:
    """Bank holidays plus the council's closure days, as configured now."""
    return WorkingCalendar(Closure(c.first_day, c.last_day, c.description) for c in closure_list())


def recompute_run_get(pk: int):
    """A recompute's run (an ImportRun named "Recomputed from snapshot N"); 404 for any other
    import, which is the Imports page's business."""
    run = (
        ImportRun.objects.select_related("snapshot", "run_by")
        .filter(pk=pk, source_name__startswith=f"{RUN_NAME} ")
        .first()
    )
    if run is None:
        raise Http404("No such recompute")
    return run


def recompute_runs_recent(limit: int = 5):
    return list(
        ImportRun.objects.select_related("snapshot", "run_by")
        .filter(source_name__startswith=f"{RUN_NAME} ")
        .order_by("-started_at", "-pk")[:limit]
    )
