"""Reads of dismissed findings: one note's, and how many each rule has (the rules page)."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404

from ..models import FindingDismissal


def dismissals_for_note(note_id: str) -> list[FindingDismissal]:
    """The caller has checked that the user may read the note."""
    return list(
        FindingDismissal.objects.filter(note_id=note_id)
        .select_related("dismissed_by")
        .order_by("start", "rule", "pk")
    )


def dismissal_get(pk: int) -> FindingDismissal:
    """The dismissal, or 404; the caller checks the user may read its note."""
    return get_object_or_404(FindingDismissal, pk=pk)


def dismissal_counts() -> dict[str, int]:
    """Dismissals standing now, per rule id: one query."""
    return dict(
        FindingDismissal.objects.values("rule")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rule", "n")
    )
