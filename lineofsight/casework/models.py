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

from lineofsight.history.authorship import user_field


class SourceKind(models.TextChoices):
    SSD = "ssd", "Standard Safeguarding Dataset extract"
    ANNEX_A = "annex_a", "Ofsted Annex A workbook"
    CIN_CENSUS = "cin_census", "DfE children in need census return"
    SSDA903 = "ssda903", "DfE children looked after return (SSDA903)"
    RETURNS = "returns", "DfE statutory returns, imported together"


class Cohort(models.TextChoices):
    """The group a child open to children's services is in, as the snapshot's open_cases table
    gives it."""

    CIN = "cin", "Child in need"
    CP = "cp", "Child protection"
    CLA = "cla", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"


# A child open in more than one cohort is counted once, in the first of these: the most intensive
# involvement.
COHORT_PRIORITY: tuple[Cohort, ...] = (Cohort.CLA, Cohort.CP, Cohort.CARE_LEAVER, Cohort.CIN)


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
    # {table: fields the source can fill} for a source that cannot fill every field of a table
    # it provides (Annex A); a table not named here has every field (an SSD extract).
    source_fields = models.JSONField(default=dict, blank=True)
    # SHA-256 over every table's name, columns and rows: equal for equal content.
    content_hash = models.CharField(max_length=64)
    duckdb_version = models.CharField(max_length=32, blank=True)
    is_current = models.BooleanField(default=False)
    # Set when retention deleted the file; the row stays so import history still makes sense.
    removed_at = models.DateTimeField(null=True, blank=True)
    # When, and by whom, the snapshot was first made current. Empty while an import that the
    # quality gate stopped waits for review ("staged": never current, seen by no other page),
    # and for one discarded at review (its removed_at is then set).
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = user_field(
        optional=True, help_text="Empty when published from the command line."
    )

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
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(published_at__isnull=False),
                name="casework_snapshot_current_is_published",
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
    def is_staged(self) -> bool:
        """Waiting for an analyst to publish or discard it; never current."""
        return self.published_at is None and self.removed_at is None

    @property
    def is_discarded(self) -> bool:
        return self.published_at is None and self.removed_at is not None

    @property
    def total_rows(self) -> int:
        return sum(int(n) for n in self.row_counts.values())

    def provided(self, table: str) -> bool:
        return table in self.provided_tables
