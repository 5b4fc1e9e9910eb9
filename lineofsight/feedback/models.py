"""Feedback from children, parents, carers and partner agencies, and the one-time links that let a
child or family give it without signing in.

A one-time link stores only the SHA-256 hash of its token: the token itself is shown once, to the
member of staff who made it, and is never kept. A link is used up by the first submission.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from lineofsight.accounts.models import Team
from lineofsight.history.authorship import user_field


class Kind(models.TextChoices):
    COMPLIMENT = "compliment", "Compliment"
    COMPLAINT = "complaint", "Complaint"
    COMMENT = "comment", "Comment"


class FromWhom(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer (including foster carer)"
    PARTNER = "partner", "Partner agency"
    OTHER = "other", "Someone else"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    ONE_TIME_LINK = "one_time_link", "One-time feedback link"


class Rating(models.TextChoices):
    """How a child or family felt, from the one-time link page."""

    HAPPY = "happy", "Happy"
    OKAY = "okay", "Okay"
    NOT_HAPPY = "not_happy", "Not happy"


class LinkFor(models.TextChoices):
    CHILD = "child", "A child or young person"
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer (including a foster carer)"
    # A link to the staff health check (models_healthcheck); never offered on the feedback pages.
    STAFF = "staff", "A member of staff"


LINK_FOR_TO_FROM_WHOM = {
    LinkFor.CHILD: FromWhom.CHILD,
    LinkFor.PARENT: FromWhom.PARENT,
    LinkFor.CARER: FromWhom.CARER,
}


def _default_link_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.FEEDBACK_LINK_DAYS)


class FeedbackLink(models.Model):
    """A link that accepts one submission, until it expires. Only the token's hash is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="feedback_links")
    for_whom = models.CharField("Who it is for", max_length=16, choices=LinkFor.choices)
    created_by = user_field(related_name="feedback_links")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_default_link_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set for a link to the staff health check; such a link works on that survey's page only.
    health_check = models.ForeignKey(
        "feedback.HealthCheck",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Feedback link {self.pk} for {self.get_for_whom_display().lower()} ({self.team})"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.used_at is None and self.expires_at > (now or timezone.now())


class Feedback(models.Model):
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_whom = models.CharField("Who gave it", max_length=16, choices=FromWhom.choices)
    received_on = models.DateField("Date received")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="feedback")
    themes = models.JSONField(default=list, blank=True)
    text = models.TextField("What they said")
    # Whether the person agreed that their words may be shared, e.g. quoted in a report.
    consent_to_share = models.BooleanField(default=False)
    # The child the feedback is about, when it is about one child (the council's person id).
    person_id = models.CharField(max_length=48, blank=True, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    # The link it came through: one link, one record at most (the database enforces it too).
    link = models.OneToOneField(
        FeedbackLink, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    # None for a submission through a one-time link.
    created_by = user_field(optional=True, related_name="feedback_recorded")
    created_at = models.DateTimeField(default=timezone.now)
    # "You said, we did": what was done in response, by whom and when.
    response = models.TextField("What we did", blank=True)
    responded_by = user_field(optional=True, related_name="feedback_responses")
    responded_on = models.DateField(null=True, blank=True)
    # Optimistic lock for the response: a save from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["team", "received_on"])]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return f"F-{self.pk:05d}" if self.pk else "F-new"

    @property
    def has_response(self) -> bool:
        return bool(self.response)


class LinkAttempt(models.Model):
    """A request with a one-time link that did not work (unknown, used or expired), by address:
    kept to slow down anyone trying to guess links."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["ip_address", "at"])]

    def __str__(self) -> str:
        return f"feedback link attempt from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


from .models_healthcheck import HealthCheck, HealthCheckAnswer, HealthCheckInvite  # noqa: E402, F401
