"""Improvement actions: one model for every finding that needs someone to do something.

Audits raise them first; practice weeks, supervision, feedback and indicators will raise them
later, so the source is a type and an id rather than a foreign key to any one app's model.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class SourceType(models.TextChoices):
    AUDIT = "audit", "Case-file audit"
    MODERATION = "moderation", "Audit moderation"
    PRACTICE_WEEK = "practice_week", "Practice week"
    SUPERVISION = "supervision", "Supervision"
    FEEDBACK = "feedback", "Feedback from children and families"
    INDICATOR = "indicator", "Performance indicator"
    TRAINING_NEED = "training_need", "Learning and development"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.DONE, Status.NOT_DONE)


class RecheckResult(models.TextChoices):
    IMPROVED = "improved", "Practice has improved"
    PARTLY = "partly", "Partly improved"
    NOT_IMPROVED = "not_improved", "Not improved"


class RecheckMethod(models.TextChoices):
    """How someone looked again to see whether practice changed."""

    PRACTICE_DAY = "practice_day", "Focused practice day"
    RE_AUDIT = "re_audit", "Re-audit"
    INDICATOR = "indicator", "Indicator"
    OTHER = "other", "Other"


class ImprovementAction(models.Model):
    source_type = models.CharField(max_length=32, choices=SourceType.choices)
    # The id of the record that raised it in its own app (an audit's pk, a practice week's...).
    source_id = models.CharField(max_length=64)
    # The child the action is about, when it is about one child (the LA's person id).
    person_id = models.CharField(max_length=48, blank=True, db_index=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    issue = models.TextField("Issue identified")
    action = models.TextField("Action to be taken")
    risk_if_not_done = models.TextField("Anticipated risk if not completed", blank=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField("Proposed date for completion")
    owner = user_field(related_name="owned_actions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = user_field(related_name="created_actions")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A later look at whether practice actually changed, not only whether the action closed.
    recheck_date = models.DateField(null=True, blank=True)
    recheck_result = models.CharField(max_length=16, choices=RecheckResult.choices, blank=True)
    recheck_notes = models.TextField(blank=True)
    rechecked_at = models.DateTimeField(null=True, blank=True)  # when the result was recorded
    rechecked_on = models.DateField(null=True, blank=True)  # the day someone looked again
    recheck_method = models.CharField(max_length=16, choices=RecheckMethod.choices, blank=True)
    # Practice themes (lineofsight.framework.vocabulary keys, or free tags), in the order given.
    themes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}: {self.action[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class ActionNote(models.Model):
    """A progress note: what has been done, by whom, when."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="notes")
    author = user_field()
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Note on action {self.action_id} at {self.at:%Y-%m-%d %H:%M}"
