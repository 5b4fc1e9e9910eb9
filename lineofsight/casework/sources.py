"""What each kind of source can put into a snapshot, so pages can say which figures it cannot
support (indicators.coverage reads this against what each indicator needs).

An SSD extract is the case record itself: every event, however old. An Annex A workbook is a
year of activity plus what is open on the day it was run (docs/annex-a.md, "What Annex A cannot
tell us"): no child's earlier history, and one latest visit and review per child. Which fields a
source could fill is recorded with each snapshot (Snapshot.source_fields).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import SourceKind


@dataclass(frozen=True)
class Coverage:
    name: str  # how a sentence names the source: "an Annex A workbook"
    # Holds each child's earlier records (referrals, plans, placements), not only the last year's.
    history: bool
    # Tables holding only each child's latest event, not every one.
    latest_only: frozenset[str] = frozenset()


COVERAGE: dict[str, Coverage] = {
    SourceKind.SSD: Coverage(name="an SSD extract", history=True),
    SourceKind.ANNEX_A: Coverage(
        name="an Annex A workbook",
        history=False,
        latest_only=frozenset(
            {
                "ssd_cin_visits",
                "ssd_cp_visits",
                "ssd_cp_reviews",
                "ssd_cla_visits",
                "ssd_cla_reviews",
                "ssd_cla_placement",
                "ssd_legal_status",
            }
        ),
    ),
}


def coverage(source_kind: str) -> Coverage:
    return COVERAGE.get(source_kind, COVERAGE[SourceKind.SSD])
