"""The staff health check: an anonymous survey of the workforce against the employer standards
for social workers.

A quality assurance lead opens a survey for some teams and sends each member of staff in them a
one-time link (a `FeedbackLink` for a member of staff, tied to the survey). An answer records the
survey, the team the link was for and the answers, and nothing else: no person, no link, no time,
and a random id, so the order answers were saved in cannot be matched to the order links were used.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class HealthCheck(models.Model):
    title = models.CharField(max_length=200)
    opens_on = models.DateField("Opens on")
    closes_on = models.DateField("Closes on")
    teams = models.ManyToManyField(Team, related_name="health_checks")
    # The standards, items and scale the survey was opened with (healthcheck_items.yml then).
    standards = models.JSONField(default=list)
    scale = models.JSONField(default=list)
    created_by = user_field(related_name="health_checks")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a lead closes the survey before its closing date.
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-closes_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self):
        """The last day answers are taken: the closing date, or the day it was closed early."""
        if self.closed_at:
            return min(self.closes_on, timezone.localdate(self.closed_at))
        return self.closes_on

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def is_closed(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is not None or self.closes_on < today

    @property
    def state(self) -> str:
        if self.is_closed():
            return "Closed"
        return "Open" if self.is_open() else "Not yet open"


class HealthCheckInvite(models.Model):
    """That a person was sent a link for a survey, so that nobody gets two. It does not say which
    link, and nothing links an answer to it."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="invites")
    user = user_field(related_name="health_check_invites")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["health_check", "user"], name="feedback_one_health_check_link_a_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.health_check} sent to {self.user}"


class HealthCheckAnswer(models.Model):
    """One person's answers: the survey, the team and the answers ({item key: scale key}) only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    health_check = models.ForeignKey(HealthCheck, on_delete=models.PROTECT, related_name="answers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="health_check_answers")
    answers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"An answer to {self.health_check}"
