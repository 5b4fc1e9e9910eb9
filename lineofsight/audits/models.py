"""Case-file audits: tools, programmes (cycles), the audits themselves, moderation and concerns.

- A tool version is configuration loaded from YAML; once an audit or programme uses it, it never
  changes. Its sections and questions are rows so answers can be counted across audits.
- A programme draws a reproducible sample of open cases from one casework snapshot; each sampled
  file becomes an Audit, allocated to an auditor from outside the file's team.
- An audit's content lives in versions: submitting locks a version; changing a submitted audit
  starts a new version, and both stay.
- Moderation re-grades a stratified sample blind, then records the agreed grade.
Children are referred to by the council's person id, never by a key into a snapshot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team
from lineofsight.casework.models import Snapshot
from lineofsight.concerns.models import AwaitingResponse
from lineofsight.framework.drafts import DraftThenSubmitted, SubmissionStatus
from lineofsight.history.authorship import user_field

from .grades import Cohort, Grade, Impact

# -- tools -------------------------------------------------------------------------------------


class AuditTool(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditToolVersion(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # [{"value": "yes", "label": "Yes"}, ...]: the answer scale every question in the tool uses.
    answer_scale = models.JSONField(default=list)
    # {"outstanding": "...", "good": "...", ...}: what each overall grade means for the file.
    overall_descriptors = models.JSONField(default=dict)
    # SHA-256 of the YAML as loaded: a reload of the same file is recognised and changes nothing.
    content_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(
        default=True, help_text="Offered for new programmes. Old versions stay for old audits."
    )

    class Meta:
        ordering = ["tool__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "version"], name="audit_tool_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def answer_label(self, value: str) -> str:
        return next((a["label"] for a in self.answer_scale if a["value"] == value), value)


class ToolSection(models.Model):
    tool_version = models.ForeignKey(
        AuditToolVersion, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(max_length=64)
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    # {"outstanding": "...", "good": "...", "requires_improvement": "...", "inadequate": "..."}
    descriptors = models.JSONField(default=dict)

    class Meta:
        ordering = ["tool_version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tool_version", "key"], name="tool_section_key_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ToolQuestion(models.Model):
    section = models.ForeignKey(ToolSection, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=64)
    order = models.PositiveIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True)
    evidence_prompt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="tool_question_key_unique")
        ]

    def __str__(self) -> str:
        return self.text[:80]


# -- programmes --------------------------------------------------------------------------------


class SampleMode(models.TextChoices):
    COUNT = "count", "A number of files per team"
    SHARE = "share", "A share of each team's files"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Not yet sampled"
    SAMPLED = "sampled", "Sampled and allocated"
    CLOSED = "closed", "Closed"


def default_auditor_roles() -> list[str]:
    return policy.roles_with(policy.Capability.AUDIT_CASE_FILES)


def default_moderator_roles() -> list[str]:
    return policy.roles_with(policy.Capability.MODERATE_AUDITS)


def default_cohorts() -> list[str]:
    return list(Cohort.values)


class AuditProgramme(models.Model):
    name = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    tool_version = models.ForeignKey(
        AuditToolVersion, on_delete=models.PROTECT, related_name="programmes"
    )
    cohorts = models.JSONField(default=default_cohorts)
    # Empty: every team in the snapshot.
    teams = models.ManyToManyField(Team, blank=True, related_name="audit_programmes")
    sample_mode = models.CharField(max_length=8, choices=SampleMode.choices)
    sample_count = models.PositiveIntegerField(null=True, blank=True)
    sample_share = models.PositiveIntegerField(null=True, blank=True, help_text="Percent")
    exclude_recent_months = models.PositiveIntegerField(default=12)
    excluded_person_ids = models.JSONField(default=list, blank=True)
    exclusion_reason = models.CharField(max_length=300, blank=True)
    auditor_roles = models.JSONField(default=default_auditor_roles)
    moderator_roles = models.JSONField(default=default_moderator_roles)
    audit_due_days = models.PositiveIntegerField(default=28)
    safeguarding_response_hours = models.PositiveIntegerField(default=24)
    moderation_rate = models.PositiveIntegerField(null=True, blank=True, help_text="Percent")
    status = models.CharField(
        max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    # How the sample was drawn, so it can be drawn again and checked.
    seed = models.BigIntegerField(null=True, blank=True)
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot_content_hash = models.CharField(max_length=64, blank=True)
    sample_source = models.CharField(max_length=120, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    # [{"team_id", "team", "cohort", "eligible", "drawn"}]
    strata = models.JSONField(default=list, blank=True)
    # {"recent_audit": [...person ids], "listed": [...], "other_cohort_or_team": n}
    exclusions = models.JSONField(default=dict, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = user_field(optional=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="audit_programme_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sampled(self) -> bool:
        return self.drawn_at is not None


# -- audits ------------------------------------------------------------------------------------


class Selection(models.TextChoices):
    SAMPLED = "sampled", "Drawn in the sample"
    ADDED = "added", "Added by hand"


class AuditStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Audit(models.Model):
    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="audits")
    person_id = models.CharField(max_length=48, db_index=True)
    cohort = models.CharField(max_length=16, choices=Cohort.choices)
    # The team as the snapshot names it, and the Line of Sight team it matches (if any).
    case_team_id = models.CharField(max_length=48, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    # The allocated worker's id in the case system (a practitioner's professional_id).
    worker_id = models.CharField(max_length=48, blank=True, db_index=True)
    selection = models.CharField(max_length=16, choices=Selection.choices)
    added_reason = models.TextField(blank=True)
    added_by = user_field(optional=True)
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    auditor = user_field(optional=True, related_name="audits_to_do")
    allocated_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AuditStatus.choices, default=AuditStatus.NOT_STARTED
    )
    current_version = models.PositiveIntegerField(default=1)
    # Denormalised from the latest submitted version (and the agreed moderation grade) so that a
    # programme report over thousands of audits is one query.
    overall_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    final_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    impact = models.CharField(max_length=16, choices=Impact.choices, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    # The moderation draw that looked at this audit (chosen or not), so a later draw only
    # considers audits submitted since.
    considered_in_draw = models.ForeignKey(
        "ModerationDraw", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person_id"], name="audit_one_per_child_per_programme"
            )
        ]
        indexes = [
            models.Index(fields=["auditor", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"Audit {self.pk} of {self.person_id}"

    @property
    def reference(self) -> str:
        return f"A-{self.pk:05d}"

    def is_overdue(self, today=None) -> bool:
        return (
            self.status != AuditStatus.SUBMITTED
            and self.due_date is not None
            and self.due_date < (today or timezone.localdate())
        )


# An audit version is a draft until it is submitted; the audit pages and services call it so.
VersionStatus = SubmissionStatus


class AuditVersion(DraftThenSubmitted):
    """One version of an audit's content: submitting locks it, and a change after that is a new
    version (its status, who saved and submitted it: DraftThenSubmitted)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Optimistic lock: the form carries the revision it was loaded at; a save from an older
    # revision is refused so that nobody overwrites what someone else saved meanwhile.
    revision = models.PositiveIntegerField(default=0)
    overall_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    overall_rationale = models.TextField(blank=True)
    impact = models.CharField(max_length=16, choices=Impact.choices, blank=True)
    impact_rationale = models.TextField(blank=True)
    reason_for_change = models.TextField(blank=True)
    created_by = user_field(optional=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The latest submitted version of its audit: the one reports count.
    is_current_submission = models.BooleanField(default=False)
    # The snapshot in force when the version was submitted: the evidence base of its grades.
    context_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="audit_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.audit.reference} version {self.number}"


class Answer(models.Model):
    version = models.ForeignKey(AuditVersion, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ToolQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=32, blank=True)  # empty: not answered yet
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "question"], name="answer_unique")
        ]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value or '-'}"


class SectionGrade(models.Model):
    version = models.ForeignKey(
        AuditVersion, on_delete=models.CASCADE, related_name="section_grades"
    )
    section = models.ForeignKey(ToolSection, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "section"], name="section_grade_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.grade}"


# -- the practitioner's part -------------------------------------------------------------------


class Agreement(models.TextChoices):
    AGREE = "agree", "I agree with the findings"
    PARTLY = "partly", "I agree with some of the findings"
    DISAGREE = "disagree", "I do not agree with the findings"


class PractitionerResponse(models.Model):
    """The practitioner whose case was audited is invited to respond once it is submitted."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="response")
    practitioner = user_field(related_name="audit_responses")
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    agreement = models.CharField(max_length=16, choices=Agreement.choices, blank=True)
    comments = models.TextField(blank=True)
    will_do = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Response to {self.audit.reference}"


# -- safeguarding ------------------------------------------------------------------------------


class SafeguardingConcern(AwaitingResponse):
    """Superseded: safeguarding concerns now live in lineofsight/concerns (from any source). The
    rows here were copied there by concerns migration 0002; nothing reads or writes this model
    any more, and a later audits migration can drop it."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="concerns")
    raised_by = user_field()
    raised_at = models.DateTimeField(default=timezone.now)
    description = models.TextField()
    notified = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="safeguarding_concerns", blank=True
    )
    respond_by = models.DateTimeField()
    response = models.TextField(blank=True)
    responded_by = user_field(optional=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk} on {self.audit.reference}"


# -- moderation --------------------------------------------------------------------------------


class ModerationDraw(models.Model):
    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.PROTECT, related_name="moderation_draws"
    )
    rate = models.PositiveIntegerField(help_text="Percent")
    seed = models.BigIntegerField()
    considered = models.PositiveIntegerField()
    always_included = models.PositiveIntegerField()
    # [{"team_id", "team", "eligible", "drawn"}] for the random part of the sample.
    strata = models.JSONField(default=list)
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = user_field()

    class Meta:
        ordering = ["drawn_at", "id"]

    def __str__(self) -> str:
        return f"Moderation draw {self.pk} for {self.programme}"


class ModerationReason(models.TextChoices):
    EXTREME_GRADE = "extreme", "Graded Outstanding or Inadequate (always moderated)"
    SAMPLED = "sampled", "Drawn in the stratified sample"


class ModerationStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting the moderator's grade"
    GRADED = "graded", "Graded: agreed grade to record"
    AGREED = "agreed", "Agreed"


class Moderation(models.Model):
    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="moderation")
    draw = models.ForeignKey(ModerationDraw, on_delete=models.PROTECT, related_name="moderations")
    reason = models.CharField(max_length=16, choices=ModerationReason.choices)
    # The auditor's grades as they were when the file was chosen: what the moderator is compared
    # with, whatever later versions of the audit say.
    audited_version = models.PositiveIntegerField()
    auditor = user_field()
    auditor_grade = models.PositiveSmallIntegerField(choices=Grade.choices)
    moderator = user_field(optional=True, related_name="moderations_to_do")
    status = models.CharField(
        max_length=16, choices=ModerationStatus.choices, default=ModerationStatus.AWAITING
    )
    # {section id: grade}
    moderator_section_grades = models.JSONField(default=dict, blank=True)
    moderator_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    moderator_rationale = models.TextField(blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    agreed_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    agreed_rationale = models.TextField(blank=True)
    agreed_by = user_field(optional=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draw", "id"]

    def __str__(self) -> str:
        return f"Moderation of {self.audit.reference}"

    @property
    def is_blind(self) -> bool:
        """The moderator has not yet submitted their own grade: the auditor's stay hidden."""
        return self.status == ModerationStatus.AWAITING
