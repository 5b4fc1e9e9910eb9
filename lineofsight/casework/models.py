"""The registry of casework snapshots: one row per DuckDB file an import wrote.

The files themselves live under settings.SNAPSHOT_DIR and never change once written. Exactly one
snapshot is current at a time; pages read the current one unless asked for another.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SourceKind(models.TextChoices):
    SSD = "ssd", "Standard Safeguarding Dataset extract"
    ANNEX_A = "annex_a", "Ofsted Annex A workbook"


class Snapshot(models.Model):
    # The file's name inside settings.SNAPSHOT_DIR, so the data directory can move.
    file_name = models.CharField(max_length=255, unique=True)
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    as_at = models.DateField(help_text="The date the extract describes the casework on.")
    created_at = models.DateTimeField(default=timezone.now)
    # {table: rows} for every snapshot table, including tables the source did not provide (0).
    row_counts = models.JSONField(default=dict)
    # The tables the source did provide, so a page can say "no data" rather than show 0.
    provided_tables = models.JSONField(default=list)
    # SHA-256 over every table's name, columns and rows: equal for equal content.
    content_hash = models.CharField(max_length=64)
    duckdb_version = models.CharField(max_length=32, blank=True)
    is_current = models.BooleanField(default=False)
    # Set when retention deleted the file; the row stays so import history still makes sense.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="casework_snapshot_one_current",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(removed_at__isnull=True),
                name="casework_snapshot_current_not_removed",
            ),
        ]

    def __str__(self) -> str:
        return f"Snapshot {self.pk} ({self.get_source_kind_display()}, as at {self.as_at:%d/%m/%Y})"

    @property
    def path(self) -> Path:
        return Path(settings.SNAPSHOT_DIR) / self.file_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def total_rows(self) -> int:
        return sum(int(n) for n in self.row_counts.values())

    def provided(self, table: str) -> bool:
        return table in self.provided_tables
