"""What the council authors about recording: its rules for the checker (one current
configuration, changed only through services.rules) and the findings people dismissed."""

from __future__ import annotations

from django.db import models

from lineofsight.history.authorship import user_field


class RecordingRules(models.Model):
    """The council's rules for the checker: `data` is `checker.Rules.as_data()`. One row at
    most (pk 1); with none the checker's default rules are in force. `version` is the
    optimistic lock: every save names the version it was read at (web.locking)."""

    SINGLETON = 1

    data = models.JSONField()
    version = models.PositiveIntegerField(default=0)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "recording rules"
        verbose_name_plural = "recording rules"

    def __str__(self) -> str:
        return f"Recording rules, version {self.version}"


class FindingDismissal(models.Model):
    """A person who read a finding said it does not apply, and why. The finding is named by
    what the checker reports (note, rule, where it starts and the words found), so it stays
    dismissed when the note is checked again at the next import."""

    note_id = models.CharField(max_length=64, db_index=True)
    person_id = models.CharField(max_length=64)
    rule = models.CharField(max_length=40, db_index=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    dismissed_by = user_field()
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["note_id", "rule", "start", "text"], name="recording_dismissal_once"
            )
        ]
        ordering = ["note_id", "start", "rule"]

    def __str__(self) -> str:
        return f"{self.rule} at {self.start} in note {self.note_id}"
