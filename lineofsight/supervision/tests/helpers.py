"""Sessions for the supervision tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from lineofsight.supervision import services
from lineofsight.supervision.models import Session


def make_session(
    council, held_on: datetime.date, team: str = "east", *, person_ids: Iterable[str] = ()
) -> Session:
    """A session the team manager holds for `team`, with the children `person_ids` brought to it."""
    manager = council["users"]["team_manager"]
    session = services.session_create(
        actor=manager, team=council["teams"][team], held_on=held_on, facilitator=manager
    )
    if person_ids:
        services.session_cases_nominate(actor=manager, session=session, person_ids=list(person_ids))
    return session


def make_one_to_one(council, held_on: datetime.date, *, cases: str = "E2"):
    """The East team manager's one-to-one supervision of the practitioner (P-1) on `held_on`
    (the one already recorded, when there is one: pages of the URL matrix share a database)."""
    from lineofsight.supervision import one_to_one_services
    from lineofsight.supervision.models import OneToOne

    manager = council["users"]["team_manager"]
    found = OneToOne.objects.filter(
        supervisor=manager, supervisee=council["users"]["practitioner"], held_on=held_on
    ).first()
    if found is not None:
        return found
    return one_to_one_services.one_to_one_record(
        actor=manager,
        team=council["teams"]["east"],
        held_on=held_on,
        supervisor=manager,
        supervisee=council["users"]["practitioner"],
        cases=cases,
        reflection="What the worker brought to supervision",
        actions_agreed="Visit the child",
    )
