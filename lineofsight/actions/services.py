"""Every write to improvement actions. Keyword-only, in a transaction, with change history.

Who may do what is checked by the caller through `selectors` (the access helpers); these services
only refuse what is wrong whoever asks (a done action cannot go back to open without a note).
"""

from __future__ import annotations

import datetime
from typing import Required, TypedDict

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.framework.vocabulary import normalise_tag
from lineofsight.history.services import capture, record_change, record_creation, record_set
from lineofsight.web.errors import ServiceError
from lineofsight.worklists import selectors as worklist_selectors

from .models import (
    CLOSED_STATUSES,
    ActionNote,
    ImprovementAction,
    Priority,
    RecheckMethod,
    RecheckResult,
    SourceType,
    Status,
)

ACTION_FIELDS = (
    "source_type",
    "source_id",
    "person_id",
    "team_id",
    "issue",
    "action",
    "risk_if_not_done",
    "priority",
    "due_date",
    "owner_id",
    "status",
    "recheck_date",
    "themes",
)

MAX_THEMES = 12


class ActionDetails(TypedDict, total=False):
    """What the person raising an action says about it, whatever it was raised from. The services
    that raise actions from an audit, a supervision case... take these as `**details` and add
    only where the action comes from."""

    issue: Required[str]
    action: Required[str]
    owner: Required[User]
    due_date: Required[datetime.date]
    priority: Priority | str
    risk_if_not_done: str
    recheck_date: datetime.date | None
    themes: list[str] | tuple[str, ...] | None


class ActionError(ServiceError):
    """A change that is not allowed whoever asks; the message says why, for the user."""


TEXT_LIMIT = 4000  # as the forms say ("You can enter up to 4,000 characters")


def _within_limit(**texts: str) -> dict[str, str]:
    """The texts without surrounding spaces, refused if one is too long."""
    stripped = {what: text.strip() for what, text in texts.items()}
    for what, text in stripped.items():
        if len(text) > TEXT_LIMIT:
            label = what.replace("_", " ").capitalize()
            raise ActionError(f"{label} must be {TEXT_LIMIT:,} characters or fewer.")
    return stripped


def _not_past(day: datetime.date | None, what: str) -> None:
    """A date still to come (a due date, a date to look again) cannot have passed already."""
    if day is not None and day < timezone.localdate():
        raise ActionError(f"The {what} must be today or later.")


def _theme_keys(themes: list[str] | tuple[str, ...] | None) -> list[str]:
    """Stored theme keys: vocabulary keys where the text matches one, free tags otherwise."""
    keys: list[str] = []
    for text in themes or ():
        key = normalise_tag(str(text))
        if key and key not in keys:
            keys.append(key)
    if len(keys) > MAX_THEMES:
        raise ActionError(f"Tag an action with at most {MAX_THEMES} themes.")
    return keys


def _owner_may_act(owner: User, *, person_id: str, team: Team | None) -> None:
    """The owner of an action about a child must be able to see that child's record."""
    if not policy.role_approved(owner) or policy.scope_for(owner) is policy.Scope.CONFIGURATION:
        raise ActionError(
            f"{owner.full_name} cannot see children's records, so cannot own an action."
        )
    if not person_id:
        return  # an action on a team's practice may be owned across services (practice weeks)
    allocation = worklist_selectors.child_allocation(person_id)
    if not allocation.found:
        return  # a closed case: no one's current scope covers it; the form offers its worker
    if not worklist_selectors.scope_covers(worklist_selectors.casework_scope(owner), allocation):
        raise ActionError(
            f"{owner.full_name} cannot see this child's record, so cannot own this action."
        )


@transaction.atomic
def action_create(
    *,
    actor: User,
    source_type: SourceType | str,
    source_id: str | int,
    issue: str,
    action: str,
    owner: User,
    due_date: datetime.date,
    priority: Priority | str = Priority.MEDIUM,
    risk_if_not_done: str = "",
    person_id: str = "",
    team: Team | None = None,
    recheck_date: datetime.date | None = None,
    themes: list[str] | tuple[str, ...] | None = None,
) -> ImprovementAction:
    if source_type not in SourceType.values:
        raise ActionError(f"Unknown source of an action: {source_type!r}")
    if priority not in Priority.values:
        raise ActionError(f"Unknown priority: {priority!r}")
    if not issue.strip() or not action.strip():
        raise ActionError("An action needs the issue identified and the action to be taken.")
    if not owner.is_active:
        raise ActionError(f"{owner.full_name} can no longer sign in, so cannot own an action.")
    person_id = person_id.strip()
    _owner_may_act(owner, person_id=person_id, team=team)
    _not_past(due_date, "proposed date for completion")
    _not_past(recheck_date, "date to look again")
    texts = _within_limit(issue=issue, action=action, risk_if_not_done=risk_if_not_done)
    item = ImprovementAction.objects.create(
        source_type=source_type,
        source_id=str(source_id),
        person_id=person_id,
        team=team,
        **texts,
        priority=priority,
        due_date=due_date,
        owner=owner,
        created_by=actor,
        recheck_date=recheck_date,
        themes=_theme_keys(themes),
    )
    record_creation(actor=actor, action="action_create", obj=item, fields=ACTION_FIELDS)
    return item


@transaction.atomic
def action_update_status(
    *, actor: User, action: ImprovementAction, status: Status | str, note: str = ""
) -> ImprovementAction:
    """Move an action on. Closing it, or reopening a closed one, needs a note saying why."""
    if status not in Status.values:
        raise ActionError(f"Unknown status: {status!r}")
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if locked.status == status:
        if note.strip():
            action_add_note(actor=actor, action=locked, text=note)
        return locked
    changing_closed = status in CLOSED_STATUSES or locked.status in CLOSED_STATUSES
    if changing_closed and not note.strip():
        raise ActionError("Say what was done, or why not, when you close or reopen an action.")
    before = capture(locked, ("status", "closed_at"))
    locked.status = status
    locked.closed_at = timezone.now() if status in CLOSED_STATUSES else None
    locked.save(update_fields=["status", "closed_at"])
    record_change(actor=actor, action="action_update_status", obj=locked, before=before)
    if note.strip():
        action_add_note(actor=actor, action=locked, text=note)
    return locked


@transaction.atomic
def action_add_note(*, actor: User, action: ImprovementAction, text: str) -> ActionNote:
    if not text.strip():
        raise ActionError("Enter the progress note.")
    _within_limit(progress_note=text)
    note = ActionNote.objects.create(action=action, author=actor, text=text.strip())
    record_set(
        actor=actor, action="action_add_note", obj=action, field="note", value=text.strip()[:500]
    )
    return note


@transaction.atomic
def action_reassign(
    *, actor: User, action: ImprovementAction, owner: User, due_date: datetime.date
) -> ImprovementAction:
    if not owner.is_active:
        raise ActionError(f"{owner.full_name} can no longer sign in, so cannot own an action.")
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    _owner_may_act(owner, person_id=locked.person_id, team=locked.team)
    if due_date != locked.due_date:  # an overdue action keeps its date until it is changed
        _not_past(due_date, "proposed date for completion")
    before = capture(locked, ("owner_id", "due_date"))
    locked.owner, locked.due_date = owner, due_date
    locked.save(update_fields=["owner", "due_date"])
    record_change(actor=actor, action="action_reassign", obj=locked, before=before)
    return locked


@transaction.atomic
def action_set_themes(
    *, actor: User, action: ImprovementAction, themes: list[str] | tuple[str, ...]
) -> ImprovementAction:
    """Tag the action with practice themes (vocabulary keys or free tags); [] clears them."""
    keys = _theme_keys(themes)
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    before = capture(locked, ("themes",))
    locked.themes = keys
    locked.save(update_fields=["themes"])
    # Order matters to the user (the first theme heads the action plan), so it is recorded too.
    record_change(
        actor=actor,
        action="action_set_themes",
        obj=locked,
        before={"themes": " ".join(before["themes"] or [])},
        after={"themes": " ".join(keys)},
    )
    return locked


@transaction.atomic
def action_record_recheck(
    *,
    actor: User,
    action: ImprovementAction,
    result: RecheckResult | str,
    notes: str,
    next_recheck_date: datetime.date | None = None,
    method: RecheckMethod | str = "",
    rechecked_on: datetime.date | None = None,
) -> ImprovementAction:
    """Whether practice changed when someone looked again: on which day, how (a focused
    practice day, a re-audit, an indicator...), and what they found."""
    if result not in RecheckResult.values:
        raise ActionError(f"Unknown re-check result: {result!r}")
    if method and method not in RecheckMethod.values:
        raise ActionError(f"Unknown way of re-checking: {method!r}")
    if not notes.strip():
        raise ActionError("Say what the re-check found.")
    _within_limit(what_the_re_check_found=notes)
    today = timezone.localdate()
    rechecked_on = rechecked_on or today
    if rechecked_on > today:
        raise ActionError("The date of the re-check cannot be in the future.")
    if next_recheck_date is not None and next_recheck_date <= rechecked_on:
        raise ActionError("The date to look again must be after the date of this re-check.")
    _not_past(next_recheck_date, "date to look again")
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    fields = (
        "recheck_result",
        "recheck_notes",
        "rechecked_at",
        "recheck_date",
        "rechecked_on",
        "recheck_method",
    )
    before = capture(locked, fields)
    locked.recheck_result = result
    locked.recheck_notes = notes.strip()
    locked.rechecked_at = timezone.now()
    locked.rechecked_on = rechecked_on
    locked.recheck_method = method
    locked.recheck_date = next_recheck_date
    locked.save(update_fields=list(fields))
    record_change(actor=actor, action="action_record_recheck", obj=locked, before=before)
    return locked
