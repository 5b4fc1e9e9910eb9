"""URL arguments for tests/url_matrix.py: each builds, from the test council, the practice week
object one page is about, arranged so every role's expected status is meaningful:

- the service manager (who leads Safeguarding: East and West) is the assessor of a visit to the
  Care Team (Children in Care), so they record it; the quality assurance lead manages it;
- the senior leader reads the week but is not the assessor;
- the team manager is in East, so the Care Team's visit is outside their scope (404);
- practitioners, analysts and administrators do not use practice weeks (403).
"""

from __future__ import annotations

from . import factories


def _visit(council, *, submitted: bool | None):
    week = factories.week(council)
    visit = factories.visit(council, week, observes_family=True)
    observation = None
    if submitted is not None:
        observation = factories.observation(council, visit, submit=submitted)
    return week, visit, observation


def _args(made: int, *, submitted: bool | None, **extra):
    """URL arguments from the pk of what `_visit` made (0 week, 1 visit, 2 observation)."""

    def build(council) -> dict:
        return {"pk": _visit(council, submitted=submitted)[made].pk, **extra}

    return build


week = _args(0, submitted=True)
visit = _args(1, submitted=None)
draft_visit = _args(1, submitted=False)
draft_observation = _args(2, submitted=False)
submitted_observation = _args(2, submitted=True)
first_version = _args(2, submitted=True, number=1)
