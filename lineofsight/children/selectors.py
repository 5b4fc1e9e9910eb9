"""Reads of one child's record, scoped by the requesting user: whether they may see the child
(`get_child_for_user`, 404 otherwise), and the child's chronology.

A child is visible when they have an open case in the user's scope (the worklists' `CaseScope`),
or when a higher app says so through `worklists.hooks` (group supervision).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import Http404

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, Team, User
from lineofsight.casework.models import Snapshot
from lineofsight.worklists import casedata, hooks
from lineofsight.worklists.flags import cohort_label
from lineofsight.worklists.selectors import NO_CASEWORK, Reader, casework_scope, reading

from . import chronology


@dataclass(frozen=True)
class ChildAccess:
    person_id: str
    purpose: str  # AccessPurpose: why this user may see the child


def get_child_for_user(user: User, person_id: str, reader: Reader) -> ChildAccess:
    """The child, if `user` may see their record; 404 otherwise (as if there were no child).

    A child is visible when they have an open case in the user's scope, or were discussed in a
    group supervision session the user may see.
    """
    policy.require(user, policy.Capability.VIEW_CASEWORK)
    person_id = person_id.strip()
    if reader.has_worklists and casedata.person_in_scope(
        reader.con, person_id, casework_scope(user)
    ):
        return ChildAccess(person_id, AccessPurpose.CASEWORK)
    # Group supervision (a higher app) says, through hooks, whether the child was discussed in
    # a session the user may see.
    purpose = hooks.child_access_purpose(user, person_id)
    if purpose:
        return ChildAccess(person_id, purpose)
    raise Http404("No such child")


@dataclass
class Chronology:
    snapshot: Snapshot
    access: ChildAccess
    person: chronology.Person
    open_cases: list[chronology.OpenCase]
    flags: tuple[casedata.FlagMark, ...]
    events: list[chronology.Event]
    has_timeliness: bool

    @property
    def cohort_labels(self) -> list[str]:
        return sorted({cohort_label(c.cohort) for c in self.open_cases})


def chronology_for_user(user: User, person_id: str) -> Chronology:
    """The child's chronology from the current snapshot, or 404. The caller logs the view."""
    try:
        with reading() as reader:
            access = get_child_for_user(user, person_id, reader)
            found = chronology.person(reader.con, access.person_id)
            if found is None:
                raise Http404("No such child")
            cases = (
                chronology.open_cases(reader.con, access.person_id) if reader.has_worklists else []
            )
            marks = (
                casedata.flags_for(reader.con, [access.person_id]).get(access.person_id, ())
                if reader.has_worklists
                else ()
            )
            events = chronology.events(
                reader.con, access.person_id, with_marks=reader.has_timeliness
            )
            snapshot, has_timeliness = reader.snapshot, reader.has_timeliness
    except NO_CASEWORK:
        raise Http404("No such child") from None
    team_ids = {c.team_id for c in cases if c.team_id}
    names = dict(
        Team.objects.filter(case_system_id__in=team_ids).values_list("case_system_id", "name")
    )
    cases = [replace(c, team_name=names.get(c.team_id, "")) for c in cases]
    return Chronology(snapshot, access, found, cases, marks, events, has_timeliness)


CHILD_NOT_IN_SCOPE = "No child with this ID is in your caseload or your teams"


def may_see_child(user: User, person_id: str) -> bool:
    """Whether `user` may see the child with this id (get_child_for_user, without the 404).
    For a person id typed into a form: the form says CHILD_NOT_IN_SCOPE either way, so it
    never tells whether the id belongs to a child elsewhere."""
    person_id = (person_id or "").strip()
    if not person_id or not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return False
    try:
        with reading() as reader:
            get_child_for_user(user, person_id, reader)
    except (Http404, *NO_CASEWORK):
        return False
    return True
