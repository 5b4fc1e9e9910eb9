"""Immediate safeguarding concerns, from any source (a case-file audit, a practice-week
observation), who was told of each step, and the response."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class Level(models.IntegerChoices):
    """Who must respond now. A deadline that passes moves the concern one level up."""

    TEAM = 1, "Team managers"
    SERVICE = 2, "Service managers"
    SENIOR = 3, "Senior leaders"


class AwaitingResponse(models.Model):
    """A concern is open until someone responds to it, and overdue once `respond_by` has passed
    without a response."""

    # Each concern model declares these two fields itself.
    respond_by: datetime.datetime
    responded_at: datetime.datetime | None

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.responded_at is None

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.respond_by < (now or timezone.now())


class Concern(AwaitingResponse):
    source_type = models.CharField(max_length=40)
    source_id = models.CharField(max_length=64)
    source_title = models.CharField(max_length=300)  # as it was when the concern was raised
    person_id = models.CharField(max_length=48, blank=True, db_index=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    description = models.TextField()
    raised_by = user_field(related_name="concerns_raised")
    raised_at = models.DateTimeField(default=timezone.now)
    response_hours = models.PositiveIntegerField()  # hours on working days, for every level
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.TEAM)
    respond_by = models.DateTimeField()  # the deadline of the current level
    escalated_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    responded_by = user_field(optional=True, related_name="concerns_responded")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["respond_by", "id"]
        indexes = [
            models.Index(fields=["responded_at", "respond_by"], name="concern_open_deadline"),
            models.Index(fields=["source_type", "source_id"], name="concern_source"),
        ]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}: {self.source_title}"


class Step(models.TextChoices):
    RAISED = "raised", "Raised"
    ESCALATED = "escalated", "Escalated"
    RESPONDED = "responded", "Responded"


class ConcernNotice(models.Model):
    """One person told of one step of a concern. `email` is the address written to (blank for
    concerns raised before emails were sent: they were shown on home pages only); `sent_at` is
    empty until the email has gone, so a failed send is tried again by escalate_concerns."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notices")
    user = user_field(related_name="concern_notices")
    step = models.CharField(max_length=16, choices=Step.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    email = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "user", "step", "level"], name="concern_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} notice of concern {self.concern_id} to {self.user_id}"
