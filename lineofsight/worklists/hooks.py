"""What a worklist shows from higher apps, without importing them (DESIGN.md, layers).

Group supervision sits above worklists. It registers, in its AppConfig.ready():
- a *team provider*: for a user, a team and the children on one page of the team's worklist,
  when each child was last discussed in the team's group supervision and, for someone who may
  lead it, where the worklist's "Bring to supervision" form goes and which sessions it offers;
- a *child access* check: whether a user may see a child who is not in their scope because the
  child was discussed in a session the user may see (the chronology then opens, logged with the
  purpose the check gives).

With nothing registered, worklists show no supervision and chronologies only children in scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from lineofsight.accounts.models import Team, User
from lineofsight.web.registry import add_once


@dataclass(frozen=True)
class SessionChoice:
    value: str
    label: str
    selected: bool = False  # the team's next session (or the latest, when none is to come)


@dataclass(frozen=True)
class Nomination:
    """Where the worklist's form posts the ticked children, and the sessions it offers."""

    action_url: str  # POST: person_id (ticked), shown (listed), action, session, next
    review_url: str  # the children selected so far, across pages
    set_up_url: str  # to set up a session when the team has none
    sessions: tuple[SessionChoice, ...] = ()


@dataclass(frozen=True)
class TeamSupervision:
    discussed: Mapping[str, datetime.date] = field(default_factory=dict)  # person id -> latest
    nomination: Nomination | None = None  # None: the user may not bring children


TeamProvider = Callable[[User, Team, Sequence[str]], TeamSupervision]
ChildAccessCheck = Callable[[User, str], str | None]  # an AccessPurpose, or None

_team_providers: list[TeamProvider] = []
_child_access: list[ChildAccessCheck] = []


def register_team_provider(provider: TeamProvider) -> None:
    add_once(_team_providers, provider)


def register_child_access(check: ChildAccessCheck) -> None:
    add_once(_child_access, check)


def team_supervision(user: User, team: Team, person_ids: Sequence[str]) -> TeamSupervision:
    discussed: dict[str, datetime.date] = {}
    nomination = None
    for provider in _team_providers:
        found = provider(user, team, person_ids)
        discussed.update(found.discussed)
        nomination = nomination or found.nomination
    return TeamSupervision(discussed, nomination)


def child_access_purpose(user: User, person_id: str) -> str | None:
    for check in _child_access:
        purpose = check(user, person_id)
        if purpose:
            return purpose
    return None
