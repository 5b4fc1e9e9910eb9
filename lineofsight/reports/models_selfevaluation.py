"""The yearly self-evaluation: Ofsted's three questions answered for each area of the service.

One row is one numbered version. A version is a draft until a senior leader signs it off; a
signed-off version never changes again, and the next one starts as a copy of its text. The
evidence the product gathered for it (`selfevaluation_evidence.py`) is kept on the row when it is
started, so every download gives the same figures however the records change afterwards.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lineofsight.casework.models import Snapshot
from lineofsight.history.authorship import user_field


class SelfEvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class SelfEvaluation(models.Model):
    """One version of the self-evaluation for the year to `year_end`. `answers` holds, for each
    area key, the author's three answers: {"what_we_know", "how_we_know", "what_next"}."""

    title = models.CharField(max_length=200)
    year_end = models.DateField()
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(
        max_length=16, choices=SelfEvaluationStatus.choices, default=SelfEvaluationStatus.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    # What the product's records said when the self-evaluation was started, as shown: figures
    # already through the small-number rule (selfevaluation_evidence.freeze).
    evidence_counted_at = models.DateTimeField()
    frozen_evidence = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field()
    updated_at = models.DateTimeField(default=timezone.now)
    signed_off_by = user_field(optional=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year_end", "-number", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def is_signed_off(self) -> bool:
        return self.status == SelfEvaluationStatus.SIGNED_OFF
