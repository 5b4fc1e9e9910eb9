"""What the session and case pages show, read together: the cases, the children's names from the
current snapshot, the follow-up of their frozen flags, and the actions the user may see.

The caller has already checked that the user may see the session (selectors' access helpers).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from lineofsight.accounts.models import User
from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.actions.selectors import actions_visible_to
from lineofsight.casework.models import Snapshot
from lineofsight.worklists import casedata
from lineofsight.worklists.flags import Flag, flag
from lineofsight.worklists.selectors import NO_CASEWORK, reading

from . import followup, selectors
from .models import Session, SessionCase


@dataclass(frozen=True)
class FrozenFlag:
    info: Flag
    since: datetime.date | None
    detail: str
    cleared_on: datetime.date | None


@dataclass
class CaseLine:
    case: SessionCase
    name: str
    flags: list[FrozenFlag]
    outcome: followup.Outcome | None
    actions: list[ImprovementAction] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return self.name or f"Child {self.case.person_id}"


def _since(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _lines(user: User, cases: list[SessionCase], names: dict[str, str]) -> list[CaseLine]:
    outcomes = followup.case_outcomes(cases)
    actions: dict[str, list[ImprovementAction]] = {}
    for action in actions_visible_to(user).filter(
        source_type=SourceType.SUPERVISION, source_id__in=[str(c.pk) for c in cases]
    ):
        actions.setdefault(action.source_id, []).append(action)
    lines = []
    for c in cases:
        result = outcomes.get(c.pk)
        cleared = {f.flag: f.cleared_on for f in result.flags} if result else {}
        lines.append(
            CaseLine(
                case=c,
                name=names.get(c.person_id, ""),
                flags=[
                    FrozenFlag(
                        flag(f["flag"]),
                        _since(f.get("since")),
                        f.get("detail") or "",
                        cleared.get(f["flag"]),
                    )
                    for f in c.frozen_flags
                ],
                outcome=result,
                actions=actions.get(str(c.pk), []),
            )
        )
    return lines


def _current_names(person_ids: list[str]) -> tuple[dict[str, str], Snapshot | None]:
    try:
        with reading() as reader:
            return casedata.names_for(reader.con, person_ids), reader.snapshot
    except NO_CASEWORK:
        return {}, None


@dataclass
class SessionSummary:
    session: Session
    cases: list[CaseLine]
    snapshot: Snapshot | None  # the current one, which names the children


def session_summary(user: User, session: Session) -> SessionSummary:
    session = selectors.session_with_cases(session)
    cases = list(session.cases.all())
    for c in cases:
        c.session = session
    names, snapshot = _current_names([c.person_id for c in cases])
    return SessionSummary(session, _lines(user, cases, names), snapshot)


@dataclass
class CaseSummary:
    line: CaseLine
    session: Session
    current_flags: tuple[casedata.FlagMark, ...] | None  # None: no current data to compare
    snapshot: Snapshot | None


def case_summary(user: User, case: SessionCase) -> CaseSummary:
    current: tuple[casedata.FlagMark, ...] | None = None
    names: dict[str, str] = {}
    snapshot = None
    try:
        with reading() as reader:
            names = casedata.names_for(reader.con, [case.person_id])
            if reader.has_worklists:
                current = casedata.flags_for(reader.con, [case.person_id]).get(case.person_id, ())
            snapshot = reader.snapshot
    except NO_CASEWORK:
        pass
    (line,) = _lines(user, [case], names)
    return CaseSummary(line, case.session, current, snapshot)
