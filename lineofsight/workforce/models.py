"""The workforce behind practice: newly qualified social workers' assessed first year (early
careers), and learning and development (courses, sessions, attendance, the skills matrix).

The early careers programme's stages are configuration (programme.py); a stage record names its
stage by key. Courses name practice themes (framework.vocabulary keys) and practice models (keys of
the framework's "models" part). Training needs are improvement actions (lineofsight.actions) whose
source is "training_need" (sources.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class PanelOutcome(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Not passed"
    EXTENDED = "extended", "Extended"


class Enrolment(models.Model):
    """A newly qualified social worker in the early careers programme."""

    worker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="early_careers"
    )
    # The team the worker joined: who may see and manage the record follows it.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="early_careers")
    start_date = models.DateField("start date in the programme")
    assessor = user_field(related_name="early_careers_assessed")
    # When the final panel passed the worker (None until then).
    completed_on = models.DateField(null=True, blank=True)
    # When the worker left the council, if known (retention counts from it).
    left_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return f"{self.worker} in the early careers programme"


class StageRecord(models.Model):
    """One stage of the programme, recorded when done."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=40)  # programme.Stage.key
    done_on = models.DateField()
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=PanelOutcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = user_field()
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "stage"], name="workforce_stage_once_per_enrolment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} of {self.enrolment.worker}"


class Course(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    themes = models.JSONField(default=list, blank=True)  # framework.vocabulary keys
    practice_models = models.JSONField(default=list, blank=True)  # framework "models" keys
    core = models.BooleanField("core training", default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.course} on {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="attendance")
    worker = user_field(related_name="course_attendance")
    attended = models.BooleanField()
    version = models.PositiveIntegerField(default=1)
    recorded_by = user_field()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "worker"], name="workforce_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} at {self.session}"


class SkillRole(models.TextChoices):
    LEAD = "lead", "Practice lead"
    CHAMPION = "champion", "Champion"


class Skill(models.Model):
    """A worker who leads or champions a practice theme (the skills matrix)."""

    worker = user_field(related_name="practice_skills")
    theme = models.CharField(max_length=60)  # framework.vocabulary key
    role = models.CharField(max_length=16, choices=SkillRole.choices)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["theme", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "theme"], name="workforce_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.get_role_display()} for {self.theme}"
