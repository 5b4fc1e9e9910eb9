"""Words for a worklist row's due dates and last visit, for the page and the CSV export alike
(and for the expected events of a child's chronology)."""

from __future__ import annotations

from .casedata import CaseRow

# What each kind of expected event is called when it is due and has not happened.
EXPECTED_EVENTS: dict[str, str] = {
    "assessment": "Assessment to be completed",
    "icpc": "Initial child protection conference",
    "cp_review": "Child protection review conference",
    "cp_visit": "Child protection visit",
    "cin_visit": "Child in need visit",
    "cla_review": "Looked-after review",
    "cla_visit": "Looked-after child visit",
    "cla_health_assessment": "Health assessment",
    "pathway_plan_review": "Pathway plan review",
}


def event_words(event_type: str) -> str:
    """What an expected event is called ("Child protection visit"), from its event type."""
    return EXPECTED_EVENTS.get(event_type) or event_type.replace("_", " ").capitalize()


def visit_words(row: CaseRow) -> str:
    """Whether the child was seen, and seen alone, at their last visit, in words."""
    if row.last_visit_seen is False:
        return "Not seen"
    if row.last_visit_seen_alone is True:
        return "Seen alone"
    if row.last_visit_seen_alone is False:
        return "Seen, not alone" if row.last_visit_seen else "Not seen alone"
    if row.last_visit_seen:
        return "Seen; not recorded whether alone"
    return "Not recorded whether seen"
