"""Group reflective supervision: a team's session, the cases it discussed, and what it decided.

A case is a child, named by the council's person id (never a key into a snapshot). The flags
that brought the case are frozen on the case as they were in the snapshot used when it was
nominated, so later snapshots can show whether they cleared. Actions agreed for a case are
improvement actions (lineofsight.actions), with source type "supervision" and the case's id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.casework.models import Snapshot
from lineofsight.history.authorship import user_field


class Session(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="supervision_sessions")
    held_on = models.DateField("date of the session")
    facilitator = user_field()
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervision_sessions_attended", blank=True
    )
    # The casework snapshot that was current when the session was set up: the flags of the
    # cases nominated to it, and of the cases it is compared with, are read from it.
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["team", "held_on"])]

    def __str__(self) -> str:
        return f"{self.team} group supervision on {self.held_on:%d/%m/%Y}"


class SessionCase(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="cases")
    person_id = models.CharField(max_length=48, db_index=True)
    # [{"flag": id, "since": "YYYY-MM-DD" or null, "detail": text}, ...] as they were.
    frozen_flags = models.JSONField(default=list)
    flags_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    through_the_eyes_of_the_child = models.TextField(blank=True)
    hypotheses = models.TextField(blank=True)
    working_well = models.TextField(blank=True)
    worried_about = models.TextField(blank=True)
    needs_to_happen = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    look_again_on = models.DateField(null=True, blank=True)
    # Optimistic locking: a save names the version it started from, and is refused if someone
    # else has saved since.
    version = models.PositiveIntegerField(default=1)
    nominated_by = user_field()
    nominated_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "nominated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person_id"], name="supervision_case_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.person_id} in {self.session}"

    @property
    def frozen_flag_ids(self) -> list[str]:
        return [f["flag"] for f in self.frozen_flags]

    @property
    def discussed(self) -> bool:
        return any(getattr(self, name) for name in REFLECTION_FIELDS)


REFLECTION_FIELDS: tuple[str, ...] = (
    "through_the_eyes_of_the_child",
    "hypotheses",
    "working_well",
    "worried_about",
    "needs_to_happen",
    "decisions",
)


# One-to-one supervision lives in its own module; imported here so Django finds its models.
from .models_one_to_one import OneToOne, SupervisionProfile  # noqa: E402, F401
