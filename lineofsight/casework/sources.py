"""What each kind of source can put into a snapshot, so pages can say which figures it cannot
support (indicators.coverage reads this against what each indicator needs).

A DfE return (CIN census, SSDA903) is a year of activity plus what was open during it, and the
SSDA903's social worker episodes cover looked-after children only (docs/imports-cin-census.md,
docs/imports-ssda903.md).

An SSD extract is the case record itself: every event, however old. An Annex A workbook is a
year of activity plus what is open on the day it was run (docs/annex-a.md, "What Annex A cannot
tell us"): no child's earlier history, and one latest visit and review per child. Which fields a
source could fill is recorded with each snapshot (Snapshot.source_fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .models import SourceKind


@dataclass(frozen=True)
class Coverage:
    name: str  # how a sentence names the source: "an Annex A workbook"
    # Holds each child's earlier records (referrals, plans, placements), not only the last year's.
    history: bool
    # Tables holding only each child's latest event, not every one.
    latest_only: frozenset[str] = frozenset()
    # Tables holding some children only: {table: whom it covers, in words}.
    partial: Mapping[str, str] = field(default_factory=dict)


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
    SourceKind.CIN_CENSUS: Coverage(name="a CIN census return", history=False),
    # Its social worker episodes are for looked-after children only.
    SourceKind.SSDA903: Coverage(
        name="an SSDA903 return",
        history=False,
        partial={"ssd_involvements": "looked-after children"},
    ),
    SourceKind.RETURNS: Coverage(
        name="a set of statutory returns",
        history=False,
        partial={"ssd_involvements": "looked-after children"},
    ),
}


def coverage(source_kind: str) -> Coverage:
    return COVERAGE.get(source_kind, COVERAGE[SourceKind.SSD])
