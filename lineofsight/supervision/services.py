"""Every write to group reflective supervision. Keyword-only, in a transaction, with history.

The views check who may see a session (selectors.get_session_for_user); these services check
what must hold whoever asks: only someone who may lead supervision for the team changes a
session, a nominated child must have an open case in the team, and a discussion is saved only
over the version its author started from.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import Team, User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.casework import store
from lineofsight.history.services import record_change, record_creation
from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.worklists import casedata
from lineofsight.worklists.selectors import (
    NO_CASEWORK,
    reading,
    team_person_ids,
    team_scope,
)

from . import selectors
from .models import REFLECTION_FIELDS, Session, SessionCase

SESSION_FIELDS = ("team_id", "held_on", "facilitator_id", "snapshot_id")
CASE_FIELDS = (*REFLECTION_FIELDS, "look_again_on")


class SupervisionError(ServiceError):
    """A change that cannot be made; the message says why, for the person making it."""


class CaseChangedMeanwhile(SupervisionError, EditConflict):
    """Someone else saved the case after this person opened it."""

    title = "Someone else saved this case"

    def __init__(self, current: SessionCase) -> None:
        who = current.updated_by.full_name if current.updated_by else "someone else"
        when = (
            f" at {timezone.localtime(current.updated_at):%H:%M on %d/%m/%Y}"
            if current.updated_at
            else ""
        )
        super().__init__(
            f"{who} saved this case{when}, after you opened it. Your text has not been saved: "
            "it is still in the boxes below. Compare it with what they saved, then save again.",
            current=current,
            saved_by=current.updated_by,
        )


_CASE_EDIT = VersionedEdit(
    SessionCase,
    CASE_FIELDS,
    "session_case_record",
    CaseChangedMeanwhile,
    related=("session__team", "updated_by"),
)


def _require_lead(actor: User, team: Team) -> None:
    if not selectors.may_lead(actor, team):
        raise PermissionDenied("You may not lead group supervision for this team.")


@transaction.atomic
def session_create(
    *,
    actor: User,
    team: Team,
    held_on: datetime.date,
    facilitator: User,
    attendees: Iterable[User] = (),
) -> Session:
    _require_lead(actor, team)
    if not facilitator.is_active:
        raise SupervisionError(f"{facilitator.full_name} can no longer sign in.")
    if not selectors.may_facilitate(facilitator, team):
        raise SupervisionError(
            f"{facilitator.full_name} is not a manager of {team.name}: a session is facilitated "
            "by the team's manager or a quality assurance lead."
        )
    session = Session.objects.create(
        team=team,
        held_on=held_on,
        facilitator=facilitator,
        snapshot=store.current_snapshot(),
        created_by=actor,
    )
    record_creation(actor=actor, action="session_create", obj=session, fields=SESSION_FIELDS)
    people = list(attendees)
    if people:
        session_set_attendees(actor=actor, session=session, attendees=people)
    return session


@transaction.atomic
def session_set_attendees(*, actor: User, session: Session, attendees: Iterable[User]) -> Session:
    _require_lead(actor, session.team)
    before = sorted(str(u) for u in session.attendees.all())
    people = list(attendees)
    session.attendees.set(people)
    record_change(
        actor=actor,
        action="session_set_attendees",
        obj=session,
        before={"attendees": before},
        after={"attendees": sorted(str(u) for u in people)},
    )
    return session


@dataclass
class Nomination:
    added: list[SessionCase] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # person ids already on the session
    refused: list[str] = field(default_factory=list)  # not open in the team, or not in scope


@transaction.atomic
def session_cases_nominate(
    *, actor: User, session: Session, person_ids: Sequence[str]
) -> Nomination:
    """Bring children to the session, freezing their flags as they are in the current snapshot.

    A child is taken only if they have an open case in the session's team that the actor may
    see; anyone else is refused (and named back only by the id the actor sent).
    """
    _require_lead(actor, session.team)
    wanted = sorted({p.strip() for p in person_ids if p and p.strip()})
    if not wanted:
        raise SupervisionError("Choose at least one child to bring to the session.")
    result = Nomination()
    existing = set(
        SessionCase.objects.filter(session=session, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    result.already = sorted(existing)
    wanted = [p for p in wanted if p not in existing]
    if not wanted:
        return result
    if not session.team.case_system_id:
        result.refused = wanted
        return result
    scope = team_scope(actor, session.team)
    try:
        with reading() as reader:
            if not reader.has_worklists:
                raise SupervisionError(
                    "The current casework snapshot has no drift flags yet, so cases cannot "
                    "be nominated from it."
                )
            allowed = {
                r.person_id for r in casedata.case_rows(reader.con, scope, cache_key=reader.key)
            }
            flags = casedata.flags_for(reader.con, [p for p in wanted if p in allowed])
            snapshot = reader.snapshot
    except NO_CASEWORK:
        raise SupervisionError("There is no casework data to take the flags from.") from None
    now = timezone.now()
    for person_id in wanted:
        if person_id not in allowed:
            result.refused.append(person_id)
            continue
        case = SessionCase.objects.create(
            session=session,
            person_id=person_id,
            frozen_flags=[
                {
                    "flag": m.flag,
                    "since": m.since.isoformat() if m.since else None,
                    "detail": m.detail,
                }
                for m in flags.get(person_id, ())
            ],
            flags_snapshot=snapshot,
            nominated_by=actor,
            nominated_at=now,
        )
        record_change(
            actor=actor,
            action="session_case_nominate",
            obj=case,
            before={"person_id": None, "frozen_flags": None},
            after={"person_id": person_id, "frozen_flags": case.frozen_flag_ids},
        )
        result.added.append(case)
    return result


class NotOnWorklist(SupervisionError):
    """Some of the ids sent are not children on the team's worklist as the actor sees it."""

    def __init__(self, team: Team, refused: Sequence[str]) -> None:
        ids = ", ".join(refused)
        they = "is not a child" if len(refused) == 1 else "are not children"
        super().__init__(
            f"Nothing was changed: {ids} {they} on {team.name}'s worklist as you can see it. "
            "Untick them, then try again."
        )
        self.refused = list(refused)


def children_not_on_worklist(*, actor: User, team: Team, person_ids: Iterable[str]) -> list[str]:
    """Which of these ids are not children on the team's worklist that the actor may see
    (named back only by the id sent: it never says whether a child is elsewhere)."""
    on_list = team_person_ids(actor, team)
    return sorted({p for p in person_ids if p not in on_list})


@transaction.atomic
def session_nominate_many(
    *, actor: User, session: Session, person_ids: Sequence[str]
) -> Nomination:
    """Bring the children chosen on the team's worklist (perhaps across several of its pages)
    to the session, all or none: if any of them is not on the worklist as the actor sees it,
    nothing is added (NotOnWorklist names them). Children already on the session are left as
    they are. Each child added is written to the change history (session_cases_nominate)."""
    _require_lead(actor, session.team)
    wanted = sorted({p.strip() for p in person_ids if p and p.strip()})
    if not wanted:
        raise SupervisionError("Tick at least one child to bring to supervision.")
    refused = children_not_on_worklist(actor=actor, team=session.team, person_ids=wanted)
    if refused:
        raise NotOnWorklist(session.team, refused)
    return session_cases_nominate(actor=actor, session=session, person_ids=wanted)


@transaction.atomic
def session_case_remove(*, actor: User, case: SessionCase) -> None:
    """Take a child off a session before anything was recorded about them."""
    _require_lead(actor, case.session.team)
    locked = SessionCase.objects.select_for_update().get(pk=case.pk)
    if (
        locked.discussed
        or ImprovementAction.objects.filter(
            source_type=SourceType.SUPERVISION, source_id=str(locked.pk)
        ).exists()
    ):
        raise SupervisionError(
            "This case has been discussed or has actions, so it stays on the session's record."
        )
    record_change(
        actor=actor,
        action="session_case_remove",
        obj=locked,
        before={"person_id": locked.person_id},
        after={"person_id": None},
    )
    locked.delete()


@transaction.atomic
def session_case_record(
    *,
    actor: User,
    case: SessionCase,
    expected_version: int,
    through_the_eyes_of_the_child: str,
    hypotheses: str,
    working_well: str,
    worried_about: str,
    needs_to_happen: str,
    decisions: str,
    look_again_on: datetime.date | None,
) -> SessionCase:
    """Save the discussion of one case. Refused with CaseChangedMeanwhile if someone else
    saved it since `expected_version` was read, so neither person's words are lost silently."""
    _require_lead(actor, case.session.team)
    if (
        look_again_on is not None
        and look_again_on < timezone.localdate()
        and look_again_on != case.look_again_on
    ):
        raise SupervisionError("The date to look again must be today or later.")
    values = {
        "through_the_eyes_of_the_child": through_the_eyes_of_the_child.strip(),
        "hypotheses": hypotheses.strip(),
        "working_well": working_well.strip(),
        "worried_about": worried_about.strip(),
        "needs_to_happen": needs_to_happen.strip(),
        "decisions": decisions.strip(),
        "look_again_on": look_again_on,
    }
    return _CASE_EDIT.save(case.pk, actor=actor, expected_version=expected_version, values=values)


@transaction.atomic
def session_case_action_create(
    *, actor: User, case: SessionCase, **details: Unpack[action_services.ActionDetails]
) -> ImprovementAction:
    """An action agreed for the case: an improvement action whose source is this case."""
    team = case.session.team
    _require_lead(actor, team)
    try:
        return action_services.action_create(
            actor=actor,
            source_type=SourceType.SUPERVISION,
            source_id=case.pk,
            team=team,
            person_id=case.person_id,
            **details,
        )
    except action_services.ActionError as exc:
        raise SupervisionError(str(exc)) from exc
