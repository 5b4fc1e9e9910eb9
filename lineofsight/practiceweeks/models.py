"""Practice weeks: senior managers observe practice in teams outside their own service.

- A PracticeWeek has a timetable of Visits; each visit pairs an assessor with a team outside the
  assessor's own service, with a local contact and what the assessor should know in advance.
- A visit may include observing a home visit or a meeting with a family; the family's consent is
  recorded (FamilyConsent) before the visit starts.
- The assessor writes one Observation per visit under the four headings. Strengths and areas for
  development are kept one item a row (Finding), so each can be tagged with practice themes.
- Submitting locks the observation and freezes a copy (ObservationVersion). A quality assurance
  lead may reopen it with a reason: the frozen copy stays, and the observation becomes the draft
  of the next version number.
- A focused practice day is a PracticeWeek of kind FOCUSED_DAY: one day (starts_on == ends_on),
  a few teams, the same visits, observations and reports, and `rechecks` names the practice week
  whose improvement actions it re-tests.
- `version` fields are optimistic locks: a save made from an older form is refused.
No child is referred to by name: the forms warn when free text seems to hold a name.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lineofsight.accounts.models import Service, Team
from lineofsight.framework.drafts import DraftThenSubmitted, SubmissionStatus
from lineofsight.history.authorship import user_field


class Heading(models.TextChoices):
    LEADERSHIP = "leadership", "Leadership"
    VOICE_OF_CHILD = "voice_of_child", "The voice of the child"
    PARENT_CARER = "parent_carer", "The parent and carer experience"
    GOOD_PRACTICE = "good_practice", "Good or innovative practice"


HEADING_PROMPTS: dict[str, str] = {
    Heading.LEADERSHIP: "Management oversight, supervision, morale, how the team works together "
    "and with partners.",
    Heading.VOICE_OF_CHILD: "Whether children are seen and heard, and their wishes and feelings "
    "shape plans and meetings.",
    Heading.PARENT_CARER: "Whether parents and carers understand what is happening, are involved "
    "and are treated with respect.",
    Heading.GOOD_PRACTICE: "Work worth sharing across the service, and new ways of working.",
}


class Kind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA = "area", "Area for development"


class WeekKind(models.TextChoices):
    PRACTICE_WEEK = "practice_week", "Practice week"
    FOCUSED_DAY = "focused_day", "Focused practice day"


class PracticeWeek(models.Model):
    kind = models.CharField(max_length=16, choices=WeekKind.choices, default=WeekKind.PRACTICE_WEEK)
    # A focused practice day re-checks an earlier practice week's improvement actions.
    rechecks = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="focused_days"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    purpose = models.TextField(
        blank=True, help_text="Why the week is held and what it focuses on, for the report."
    )
    # Written by the quality assurance lead after the analysis session.
    reflection = models.TextField(blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="practice_weeks")
    teams = models.ManyToManyField(Team, blank=True, related_name="practice_weeks")
    version = models.PositiveIntegerField(default=0)  # optimistic lock
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field(optional=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="practice_week_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(kind=WeekKind.FOCUSED_DAY) | Q(ends_on=F("starts_on")),
                name="focused_practice_day_is_one_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_focused_day(self) -> bool:
        return self.kind == WeekKind.FOCUSED_DAY

    def scope_teams(self) -> models.QuerySet[Team]:
        """The teams in scope: those chosen and every team of the services chosen; none chosen
        means every team."""
        service_ids = list(self.services.values_list("pk", flat=True))
        team_ids = list(self.teams.values_list("pk", flat=True))
        teams = Team.objects.select_related("service")
        if not service_ids and not team_ids:
            return teams.all()
        return teams.filter(Q(pk__in=team_ids) | Q(service_id__in=service_ids)).distinct()


class Visit(models.Model):
    week = models.ForeignKey(PracticeWeek, on_delete=models.PROTECT, related_name="visits")
    assessor = user_field(related_name="practice_week_visits")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="practice_week_visits")
    starts_at = models.DateTimeField()
    local_contact = models.CharField(max_length=300)
    team_size = models.PositiveIntegerField(null=True, blank=True)
    team_context = models.TextField(blank=True)
    team_structure = models.TextField(blank=True)
    briefing = models.TextField(blank=True)  # anything else the assessor should know
    # The visit includes observing a home visit or a meeting with a family.
    observes_family = models.BooleanField(default=False)
    family_activity = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=0)  # optimistic lock
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.team} on {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"


class ConsentMethod(models.TextChoices):
    WRITING = "writing", "In writing"
    IN_PERSON = "in_person", "Spoken, in person"
    PHONE = "phone", "Spoken, by phone"
    MESSAGE = "message", "By email or text message"


class FamilyConsent(models.Model):
    """A family's consent to the assessor observing a home visit or a meeting with them."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(max_length=200)  # a role, e.g. "the child's mother"
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    given_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    recorded_by = user_field()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"Consent from {self.given_by} for visit {self.visit_id}"

    def counts_for(self, visit: Visit) -> bool:
        """Given, and written down, before the visit began."""
        return self.given_at < visit.starts_at and self.recorded_at < visit.starts_at


# An observation is a draft until it is submitted; the practice-week pages and services call it so.
ObservationStatus = SubmissionStatus


class Observation(DraftThenSubmitted):
    """The assessor's account of a visit (its status, who saved and submitted it:
    DraftThenSubmitted)."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="observation")
    number = models.PositiveIntegerField(default=1)  # the version being written or last sent
    version = models.PositiveIntegerField(default=0)  # optimistic lock on the draft and tags
    reason_for_change = models.TextField(blank=True)  # why this version number was opened
    case_examples = models.TextField(blank=True)
    children_said = models.TextField(blank=True)
    parents_carers_said = models.TextField(blank=True)
    family_meeting_observed = models.BooleanField(default=False)
    family_meeting_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit__starts_at", "id"]

    def __str__(self) -> str:
        return f"Observation of {self.visit}"


class Finding(models.Model):
    """One strength or area for development under one heading, and the themes it shows."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="findings")
    heading = models.CharField(max_length=32, choices=Heading.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    order = models.PositiveIntegerField()
    text = models.TextField()
    themes = models.JSONField(default=list, blank=True)  # theme keys

    class Meta:
        ordering = ["observation", "heading", "kind", "order"]

    def __str__(self) -> str:
        return self.text[:80]


class ObservationVersion(models.Model):
    """A submitted version, frozen as it was sent (findings with their themes at the time)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    reason_for_change = models.TextField(blank=True)
    submitted_by = user_field()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["observation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "number"], name="observation_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.observation} version {self.number}"
