"""Where a safeguarding concern was raised: each app that raises concerns registers its records.

A concern stores only `source_type` and `source_id` (and the title the source had when the
concern was raised). To check that a user may raise a concern from a record, to find the team and
child it is about, and to link back to it, the concerns app asks the source's app through this
registry, so it never imports audits or practice weeks. Apps register in their
AppConfig.ready(), as they do for improvement actions (lineofsight/actions/sources.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lineofsight.accounts.models import AccessPurpose, Team, User


@dataclass(frozen=True)
class SourceInfo:
    title: str  # e.g. "Case-file audit A-2026-0012"
    url: str  # the record's page ("" when it has none)
    team: Team | None  # the team whose managers must respond
    person_id: str = ""  # the child the record is about, when it is about one child
    may_raise: bool = False  # whether this user may raise a concern from the record
    # Hours (on working days) to respond; None: LINEOFSIGHT_CONCERN_RESPONSE_HOURS.
    response_hours: int | None = None
    # Why the child's record is opened, for the access log.
    purpose: str = AccessPurpose.CASEWORK


# (user, source_id) -> SourceInfo; raises Http404 when the record does not exist or is outside
# the user's scope, so nobody can raise (or learn of) a concern about a record they cannot see.
Resolver = Callable[[User, str], SourceInfo]


@dataclass(frozen=True)
class Source:
    source_type: str
    label: str  # e.g. "Case-file audit", for lists and filters
    resolve: Resolver


_SOURCES: dict[str, Source] = {}


def register(source_type: str, label: str, resolver: Resolver) -> None:
    _SOURCES[source_type] = Source(source_type, label, resolver)


def get(source_type: str) -> Source | None:
    return _SOURCES.get(source_type)


def label_for(source_type: str) -> str:
    source = _SOURCES.get(source_type)
    return source.label if source else source_type


def registered() -> tuple[str, ...]:
    return tuple(_SOURCES)
