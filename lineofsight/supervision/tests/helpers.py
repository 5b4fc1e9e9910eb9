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
