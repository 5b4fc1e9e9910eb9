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


def week(council) -> dict:
    practice_week, _, _ = _visit(council, submitted=True)
    return {"pk": practice_week.pk}


def visit(council) -> dict:
    _, practice_visit, _ = _visit(council, submitted=None)
    return {"pk": practice_visit.pk}


def draft_visit(council) -> dict:
    _, practice_visit, _ = _visit(council, submitted=False)
    return {"pk": practice_visit.pk}


def draft_observation(council) -> dict:
    _, _, observation = _visit(council, submitted=False)
    return {"pk": observation.pk}


def submitted_observation(council) -> dict:
    _, _, observation = _visit(council, submitted=True)
    return {"pk": observation.pk}


def first_version(council) -> dict:
    _, _, observation = _visit(council, submitted=True)
    return {"pk": observation.pk, "number": 1}
