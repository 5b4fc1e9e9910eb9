"""URL expectations for tests/url_matrix.py.

The team pages are read by the roles that see the indicators (Capability.VIEW_INDICATORS: every
casework role but practitioners), scoped to the teams each may see. The team opened is East, the
team of the team manager, in the service manager's service, with the East council's snapshot.
"""

from __future__ import annotations

from tests.url_matrix import COMPARERS, expect


def _east_data(council: dict) -> dict:
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    return {}


def _east_team(council: dict) -> dict:
    _east_data(council)
    return {"team_id": council["teams"]["east"].pk}


EXPECTED: dict = {
    "teams:index": expect(200, only=COMPARERS, kwargs=_east_data),
    "teams:detail": expect(200, only=COMPARERS, kwargs=_east_team),
}
