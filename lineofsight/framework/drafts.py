"""A practice record written as a draft and locked when it is submitted.

An audit's version and a practice-week observation are kept this way: the draft is saved as often
as needed, submitting locks it, and a change after that opens the next version (each app keeps
its own rule for that).
"""

from __future__ import annotations

from django.db import models

from lineofsight.history.authorship import user_field


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class DraftThenSubmitted(models.Model):
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    last_saved_by = user_field(optional=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_by = user_field(optional=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED
