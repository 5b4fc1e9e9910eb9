"""Committee reports: the figures come from a snapshot and the practice records (figures.py), the
author's three sections are written here."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.casework.models import Snapshot
from lineofsight.history.authorship import user_field


class CommitteeReport(models.Model):
    """A "Quality of practice" report for a period: the figures come from `snapshot`, the three
    author sections are written here (and can be edited again in Word after download)."""

    title = models.CharField(max_length=200)
    period_end = models.DateField()
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    what_we_know = models.TextField(blank=True)
    how_we_know = models.TextField(blank=True)
    what_next = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field()
    updated_at = models.DateTimeField(default=timezone.now)
    # When the practice records (audits, moderation, supervision, improvement actions) and the
    # targets were counted for the report, and what was counted then (figures.py): downloading
    # again gives the same figures until someone counts them again. None: counted as they stood
    # when the snapshot was imported (reports started before figures were frozen).
    figures_counted_at = models.DateTimeField(null=True, blank=True)
    frozen_figures = models.JSONField(default=dict, blank=True)

    class Meta:
        # Began in the indicators app; the table kept its name when the model moved here.
        db_table = "indicators_committeereport"
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title


# The yearly self-evaluation and the prepared downloads live in modules of their own; imported
# here so Django finds the models.
from .models_export import CommitteeExport, ExportFormat, ExportStatus  # noqa: E402
from .models_selfevaluation import SelfEvaluation, SelfEvaluationStatus  # noqa: E402

__all__ = [
    "CommitteeExport",
    "CommitteeReport",
    "ExportFormat",
    "ExportStatus",
    "SelfEvaluation",
    "SelfEvaluationStatus",
]
