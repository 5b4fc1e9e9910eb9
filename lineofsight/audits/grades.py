"""The fixed vocabulary of audits: grades, the judgement of impact, cohorts.

Grades are ordinal and stored as numbers so that agreement statistics and "higher or lower"
comparisons need no lookup: 4 is Outstanding, 1 is Inadequate.
"""

from __future__ import annotations

from django.db import models


class Grade(models.IntegerChoices):
    OUTSTANDING = 4, "Outstanding"
    GOOD = 3, "Good"
    REQUIRES_IMPROVEMENT = 2, "Requires improvement"
    INADEQUATE = 1, "Inadequate"


# Best first, as grades are shown and as the descriptors in a tool are written.
GRADES_BEST_FIRST: tuple[Grade, ...] = (
    Grade.OUTSTANDING,
    Grade.GOOD,
    Grade.REQUIRES_IMPROVEMENT,
    Grade.INADEQUATE,
)
# The keys a tool's YAML uses for its descriptors.
GRADE_KEYS: dict[str, Grade] = {
    "outstanding": Grade.OUTSTANDING,
    "good": Grade.GOOD,
    "requires_improvement": Grade.REQUIRES_IMPROVEMENT,
    "inadequate": Grade.INADEQUATE,
}
GOOD_OR_BETTER = frozenset({Grade.OUTSTANDING, Grade.GOOD})
# Moderation always looks at the grades at either end of the scale.
EXTREME_GRADES = frozenset({Grade.OUTSTANDING, Grade.INADEQUATE})


class Impact(models.TextChoices):
    """What difference the service has made to the child: kept apart from the quality grade."""

    POSITIVE = "positive", "Clear positive difference for the child"
    SOME = "some", "Some positive difference"
    NONE = "none", "No difference evident yet"
    NEGATIVE = "negative", "The child's situation is worse or remains unsafe"


class Cohort(models.TextChoices):
    CIN = "cin", "Child in need"
    CP = "cp", "Child protection"
    CLA = "cla", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"


# When a child is open in more than one cohort, the sample counts them once, in the first of
# these: the most intensive involvement (the same order as the snapshot's open_cases table).
COHORT_PRIORITY: tuple[str, ...] = (Cohort.CLA, Cohort.CP, Cohort.CARE_LEAVER, Cohort.CIN)


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
