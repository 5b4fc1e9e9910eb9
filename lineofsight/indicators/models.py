"""What the council configures about indicators; the values themselves are computed from
snapshots (engine.py) and never stored as the record. Committee reports: lineofsight.reports."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.casework.models import Snapshot
from lineofsight.history.authorship import user_field


class IndicatorTarget(models.Model):
    """The council's target for one indicator: green when met (in the indicator's direction),
    amber when short of it by no more than `amber_margin`, red beyond that."""

    indicator_id = models.CharField(max_length=64, unique=True)
    target = models.FloatField()
    amber_margin = models.FloatField(default=0)
    note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = user_field()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator_id"]

    def __str__(self) -> str:
        return f"Target for {self.indicator_id}: {self.target}"


# --- indicator result cache (engine helper) ---
class IndicatorResultCache(models.Model):
    """Snapshot indicators already computed (engine.py): a snapshot never changes, so the values
    for one period end, trend length and team set are worked out once. Not a record: deleting
    rows only makes the next request compute them again. Records indicators are never cached."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    # SHA-256 of the period end, months, team set and the catalogue's definitions.
    key = models.CharField(max_length=64)
    period_end = models.DateField()
    months = models.PositiveSmallIntegerField()
    # The case system team ids the values are for, comma-separated; "" for the whole council.
    team_keys = models.TextField(blank=True)
    # {indicator id: [[period_end, numerator, denominator, rows, no_data_reason], ...]}
    values = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "key"], name="indicator_result_cache_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Indicators of snapshot {self.snapshot_id} to {self.period_end}"


# --- end indicator result cache ---
