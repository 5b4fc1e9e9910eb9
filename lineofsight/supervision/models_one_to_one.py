"""One-to-one supervision: a supervisor's reflective supervision of one worker, and what the
council's supervision policy needs to know about the worker (when they qualified).

A one-to-one is named, for imports, by who supervised whom on which day (the natural key): the
same row imported twice is recorded once. The cases discussed are the children's person ids in
the case system, one per line.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class OneToOne(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="one_to_ones")
    held_on = models.DateField("date of the supervision")
    supervisor = user_field(related_name="one_to_ones_given")
    supervisee = user_field(related_name="one_to_ones_received")
    cases = models.TextField("cases discussed", blank=True)  # person ids, one per line
    reflection = models.TextField(blank=True)
    actions_agreed = models.TextField(blank=True)  # one action per line
    # Optimistic locking: a save names the version it started from (web.locking).
    version = models.PositiveIntegerField(default=1)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(default=False)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["supervisee", "held_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisee", "supervisor", "held_on"],
                name="one_to_one_once_a_day_per_pair",
                violation_error_message="This supervision is already recorded",
            )
        ]

    def __str__(self) -> str:
        return f"One-to-one supervision of {self.supervisee.full_name} on {self.held_on:%d/%m/%Y}"

    @property
    def case_ids(self) -> list[str]:
        return [line.strip() for line in self.cases.splitlines() if line.strip()]

    @property
    def action_lines(self) -> list[str]:
        return [line.strip() for line in self.actions_agreed.splitlines() if line.strip()]


class SupervisionProfile(models.Model):
    """What the supervision policy needs about a worker that their user record does not hold."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="supervision_profile"
    )
    newly_qualified_since = models.DateField(
        "newly qualified since",
        null=True,
        blank=True,
        help_text="The date the worker started their first year in practice after qualifying.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Supervision profile of {self.user.full_name}"
