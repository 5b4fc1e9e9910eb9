"""Change history: who changed which authored record, when, with old and new values."""

from django.db import models
from django.utils import timezone

from .authorship import user_field


class ChangeEvent(models.Model):
    actor = user_field(
        optional=True,
        help_text="Empty for changes made by the system (a command run without a user).",
    )
    action = models.CharField(max_length=64)  # the service that made the change, e.g. user_update
    object_type = models.CharField(max_length=100)  # app_label.model
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # {"field": [old, new], ...}: values as shown to people, JSON-safe.
    changes = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"
