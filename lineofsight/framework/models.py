"""Versions of the council's framework for practice. A draft is edited (optimistic lock on
`version`); publishing puts it in force and replaces the one before, and a published version's
content never changes again, so every page and self-evaluation can say which version it used."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.history.authorship import user_field


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "In force"
    REPLACED = "replaced", "Replaced"


class FrameworkVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=VersionStatus.choices)
    content = models.JSONField()  # content.Framework.as_data()
    # What changed in this version, said when it is published.
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)  # optimistic lock on the draft
    created_by = user_field(optional=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    published_by = user_field(optional=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # At most one draft at a time, so two people never edit different next versions.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft"),
                name="framework_one_draft",
            )
        ]

    def __str__(self) -> str:
        return f"Framework version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT
