"""The record of every import: what was read, by whom, how long each phase took, what was wrong,
and which snapshot it produced."""

from __future__ import annotations

from pathlib import Path

from django.db import models
from django.utils import timezone

from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.history.authorship import user_field

from .gate import Change


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    # The quality gate stopped it: its snapshot is staged until an analyst publishes or
    # discards it (Imports page).
    REVIEW = "review", "Ready to review"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class Phase(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    READ = "read", "Reading the files"
    VALIDATE = "validate", "Checking the data"
    WRITE = "write", "Writing the snapshot"
    FINISHED = "finished", "Finished"


class ImportRun(models.Model):
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    # What the person pointed at: a folder, an uploaded file's name.
    source_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0 to 100.")
    run_by = user_field(optional=True, help_text="Empty for a command line run.")
    os_user = models.CharField(max_length=150, blank=True, help_text="Who ran the command.")
    # So a run left "running" by a killed process can be recognised and closed. Empty while a
    # run started from a page waits for the worker, which puts its own here when it starts.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    # Written every little while by the worker doing the run (intake.background), so a run whose
    # worker died, on whatever machine, is recognised and closed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    as_at = models.DateField(null=True, blank=True)
    as_at_given = models.BooleanField(
        default=False, help_text="True when the person gave the as-at date; else it was inferred."
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"read": {"started": iso, "finished": iso, "seconds": 1.2}, "validate": ..., "write": ...}
    phase_timings = models.JSONField(default=dict)
    row_counts = models.JSONField(default=dict)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)
    # A failure that is not a data problem (e.g. the disk filled up), in plain words.
    failure_message = models.TextField(blank=True)
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    # The quality gate (intake.gate): the snapshot the import was compared with, and every
    # change found ([gate.Change.as_dict()], those that stop the import marked "stops").
    compared_with = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    gate_changes = models.JSONField(default=list)
    accepted_changes = models.BooleanField(
        default=False,
        help_text="True when the gate's changes were accepted (--accept-changes, or published "
        "after review).",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            # One import (or recompute) at a time, waiting or running, whatever started it: two
            # would each compare with, and replace, the same current snapshot.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="running"),
                name="intake_importrun_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_source_kind_display()}, {self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status == RunStatus.RUNNING

    @property
    def is_ready_to_review(self) -> bool:
        return self.status == RunStatus.REVIEW

    @property
    def changes(self) -> list:
        return [Change.from_dict(c) for c in self.gate_changes]

    @property
    def stopping_changes(self) -> list:
        return [c for c in self.changes if c.stops]

    @property
    def report_file(self) -> Path | None:
        return Path(self.report_path) if self.report_path else None

    @property
    def token(self) -> str:
        """Names this run's working files (incoming snapshot, temporary folders)."""
        return f"run{self.pk}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def total_rows(self) -> int:
        return sum(int(n) for n in self.row_counts.values())


class ImportFile(models.Model):
    """One file an import read, with its fingerprint, so the run can be reproduced and checked."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    # The snapshot table the file was read into; empty for a file that was not used.
    table = models.CharField(max_length=64, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    # The text encoding a CSV file was read as (intake.encodings); empty for other files.
    encoding = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["run", "name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="intake_importfile_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
