"""A committee report's or self-evaluation's Word or PDF download, prepared by the worker
(exports.py): the page asks, the worker builds the file under VAR_DIR/exports, and the person who
asked downloads it from there. Kept for settings.REPORT_EXPORT_HOURS, then removed by
`lineofsight purge`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.history.authorship import user_field


class ExportFormat(models.TextChoices):
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the worker"
    WORKING = "working", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class CommitteeExport(models.Model):
    """One request to download a committee report or a self-evaluation (exactly one of the two)
    in one format, and the file made for it."""

    report = models.ForeignKey(
        "reports.CommitteeReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
    )
    self_evaluation = models.ForeignKey(
        "reports.SelfEvaluation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
    )
    fmt = models.CharField(max_length=8, choices=ExportFormat.choices)
    requested_by = user_field()
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.WAITING
    )
    # The file's name inside VAR_DIR/exports, once made; never a path given by a request.
    file_name = models.CharField(max_length=100, blank=True)
    # The item's version the file was made from: a later save makes the file out of date.
    built_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker doing it: its machine and process, and when it last said it was still working,
    # so an export whose worker died is marked failed instead of waiting for ever.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="reports_export_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, self_evaluation__isnull=True)
                | models.Q(report__isnull=True, self_evaluation__isnull=False),
                name="reports_export_one_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_fmt_display()})"

    @property
    def item(self) -> models.Model:
        """What is downloaded: the committee report or the self-evaluation."""
        return self.report if self.report_id else self.self_evaluation

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportStatus.WAITING, ExportStatus.WORKING)
