"""Rows of the SSD tables, for tests that build a child's casework by hand."""

from __future__ import annotations


def involvement(iid, person, worker, team, start, end=None, role="Allocated Social Worker"):
    """An ssd_involvements row: `worker` of `team` involved with `person` from `start`."""
    return {
        "invo_involvements_id": iid,
        "invo_person_id": person,
        "invo_professional_id": worker,
        "invo_professional_team": team,
        "invo_professional_role_id": role,
        "invo_involvement_start_date": start,
        "invo_involvement_end_date": end,
    }
