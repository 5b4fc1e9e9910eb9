"""What raised an action: each app that raises actions registers how to describe its records.

An action stores only `source_type` and `source_id`. To show "raised by the practice week of
March 2026" with a link, or to check that a user may raise an action from a record, the actions
app asks the source's app through this registry. Apps register in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lineofsight.accounts.models import Team, User


@dataclass(frozen=True)
class SourceInfo:
    title: str  # e.g. "Practice week, 2 to 6 March 2026"
    url: str  # the record's page ("" when it has none)
    team: Team | None = None  # the team the action will be about, when the source says
    person_id: str = ""  # the child the source is about, when it is about one child


# (user, source_id) -> SourceInfo; raises Http404 when the record does not exist or is outside
# the user's scope, so a user cannot raise (or read) actions against what they cannot see.
Resolver = Callable[[User, str], SourceInfo]

_RESOLVERS: dict[str, Resolver] = {}


def register(source_type: str, resolver: Resolver) -> None:
    _RESOLVERS[source_type] = resolver


def resolver_for(source_type: str) -> Resolver | None:
    return _RESOLVERS.get(source_type)


def describe(user: User, source_type: str, source_id: str) -> SourceInfo | None:
    """The source as this user may see it; None when no app describes that type."""
    resolver = _RESOLVERS.get(source_type)
    return resolver(user, str(source_id)) if resolver else None


def registered() -> tuple[str, ...]:
    """The source types some app has registered, in registration order."""
    return tuple(_RESOLVERS)
