"""The fixed vocabulary of audits: grades, the judgement of impact, and the cohorts they sample.

Grades are ordinal and stored as numbers so that agreement statistics and "higher or lower"
comparisons need no lookup: 4 is Outstanding, 1 is Inadequate.
"""

from __future__ import annotations

from django.db import models

# The cohorts are the casework snapshot's, so every app that reads one names them alike; a child
# open in more than one is sampled once, in the first cohort of COHORT_PRIORITY.
from lineofsight.casework.models import COHORT_PRIORITY as COHORT_PRIORITY
from lineofsight.casework.models import Cohort as Cohort


class Grade(models.IntegerChoices):
    OUTSTANDING = 4, "Outstanding"
    GOOD = 3, "Good"
    REQUIRES_IMPROVEMENT = 2, "Requires improvement"
    INADEQUATE = 1, "Inadequate"


# Best first, as grades are shown and as the descriptors in a tool are written: the order Grade
# declares them in.
GRADES_BEST_FIRST: tuple[Grade, ...] = tuple(Grade)
# The keys a tool's YAML uses for its descriptors: each grade's name in lower case.
GRADE_KEYS: dict[str, Grade] = {grade.name.lower(): grade for grade in Grade}
GOOD_OR_BETTER = frozenset({Grade.OUTSTANDING, Grade.GOOD})
# Moderation always looks at the grades at either end of the scale.
EXTREME_GRADES = frozenset({Grade.OUTSTANDING, Grade.INADEQUATE})


class Impact(models.TextChoices):
    """What difference the service has made to the child: kept apart from the quality grade."""

    POSITIVE = "positive", "Clear positive difference for the child"
    SOME = "some", "Some positive difference"
    NONE = "none", "No difference evident yet"
    NEGATIVE = "negative", "The child's situation is worse or remains unsafe"


def grade_label(value: int | None) -> str:
    if value is None:
        return "Not graded"
    return Grade(value).label


def grade_tag_class(value: int | None) -> str:
    return {
        Grade.OUTSTANDING: "govuk-tag--green",
        Grade.GOOD: "govuk-tag--turquoise",
        Grade.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
        Grade.INADEQUATE: "govuk-tag--red",
    }.get(value, "govuk-tag--grey")
