"""The words people see for drift flags and cohorts.

The flags themselves are computed at import, in the snapshot's `drift_flags` table, and defined
in full in lineofsight/timeliness/flags.py (and docs/drift-flags.md). This module only gives them
short names for tags and exports; a flag id it does not know is still shown, by its id, so a new
flag never disappears from a worklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineofsight.casework.models import Cohort


@dataclass(frozen=True)
class Flag:
    id: str
    label: str  # short, for a tag
    description: str  # one sentence, for hints and the evaluation page
    colour: str = "orange"  # GOV.UK tag colour modifier


FLAGS: dict[str, Flag] = {
    f.id: f
    for f in (
        Flag(
            "cp_plan_9m",
            "CP plan 9 to 15 months",
            "Child protection plan open for 9 months or more, and less than 15.",
        ),
        Flag(
            "cp_plan_15m",
            "CP plan 15 to 24 months",
            "Child protection plan open for 15 months or more, and less than 24.",
            "red",
        ),
        Flag(
            "cp_plan_24m",
            "CP plan 2 years+",
            "Child protection plan open for 2 years or more.",
            "red",
        ),
        Flag(
            "cp_second_plan",
            "Second CP plan",
            "The child is on a second or later child protection plan.",
            "purple",
        ),
        Flag(
            "assessment_over_45wd",
            "Assessment over 45 days",
            "Assessment open for more than 45 working days.",
        ),
        Flag(
            "s47_no_icpc_15wd",
            "No ICPC in 15 days",
            "Section 47 enquiry with no initial conference within 15 working days.",
            "red",
        ),
        Flag("visit_overdue", "Visit overdue", "No visit within the local standard."),
        Flag(
            "not_seen_alone",
            "Not seen alone",
            "The child was not seen alone at their last two visits.",
            "pink",
        ),
        Flag("review_overdue", "Review overdue", "Child protection review conference overdue."),
        Flag(
            "worker_changes_3_in_12m",
            "3+ worker changes",
            "Three or more new workers allocated in 12 months.",
            "purple",
        ),
        Flag("unallocated", "Unallocated", "No allocated worker.", "red"),
        Flag("cla_review_overdue", "CLA review overdue", "Looked-after review overdue."),
        Flag(
            "cla_visit_overdue",
            "CLA visit overdue",
            "Statutory visit to a looked-after child overdue.",
        ),
        Flag(
            "cla_health_overdue",
            "Health assessment overdue",
            "Looked-after child's health assessment overdue.",
            "yellow",
        ),
        Flag(
            "pathway_plan_overdue",
            "Pathway plan overdue",
            "Care leaver's pathway plan review overdue.",
            "yellow",
        ),
    )
}

COHORTS: dict[str, str] = dict(Cohort.choices)


def flag(flag_id: str) -> Flag:
    return FLAGS.get(flag_id) or Flag(flag_id, flag_id.replace("_", " "), flag_id, "grey")


def cohort_label(cohort: str) -> str:
    return COHORTS.get(cohort, cohort)
