"""The council's own timescale settings: values for local rules, and closure days.

The statutory rules and the shipped defaults live in default_rules.yml; only what a council
changes is stored here. Snapshots copy the values in force when they are computed (the
`_timescale_rules` and `_calendar` tables), so later changes never alter an earlier figure.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lineofsight.history.authorship import user_field

from .rules import UNIT_WORDS, Unit

UNIT_CHOICES = [(u.value, UNIT_WORDS[u][1]) for u in Unit]


class LocalTimescale(models.Model):
    """A council's value for one local rule, overriding the shipped default."""

    rule_id = models.CharField(max_length=64, unique=True)
    value = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=UNIT_CHOICES)
    changed_by = user_field(optional=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule_id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="timeliness_value_positive")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.value} {self.get_unit_display()}"


class ClosurePeriod(models.Model):
    """Days the council's offices are closed, which do not count as working days."""

    first_day = models.DateField()
    last_day = models.DateField()
    description = models.CharField(max_length=100)
    added_by = user_field(optional=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day", "last_day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="timeliness_closure_in_order"
            )
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.description} ({self.first_day:%d/%m/%Y})"
        return f"{self.description} ({self.first_day:%d/%m/%Y} to {self.last_day:%d/%m/%Y})"
