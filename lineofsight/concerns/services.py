"""Every write of the concerns app: raise, escalate, respond. Keyword-only, typed, in a
transaction, with change history; each step writes a notice for everyone it must reach, and the
emails go once the transaction has committed (notify.py).

Who is told:
- raised: the team's managers (who must respond), the service's managers and every quality
  assurance lead;
- escalated (the deadline passed): the next managers up (service managers, then senior leaders),
  who must now respond, and every quality assurance lead;
- responded: whoever raised it, and everyone told of it before.
The person who takes a step is not emailed about it. Only people whose role may respond to
concerns (policy.Capability.RESPOND_TO_CONCERNS, approved) are told.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.history.services import capture, record_change
from lineofsight.timeliness.selectors import working_calendar
from lineofsight.web.errors import EditConflict, ServiceError

from . import deadlines, notify, sources
from .models import Concern, ConcernNotice, Level, Step

RESPOND = policy.Capability.RESPOND_TO_CONCERNS
MAX_TEXT = 5000


class ConcernError(ServiceError):
    """Something the user asked for cannot be done; the message says why."""


class ConcernAlreadyAnswered(ConcernError, EditConflict):
    """Someone recorded a response while this person was writing theirs."""


RAISER_MAY_NOT_RESPOND = (
    "You raised this concern, so the response must be recorded by someone else: a manager "
    "responsible for the team or a quality assurance lead."
)


def _calendar():
    return working_calendar()


def _may_be_told(users) -> list[User]:
    return [u for u in users if u.is_active and policy.can(u, RESPOND)]


def people_at(level: int, team: Team | None) -> list[User]:
    """Who must respond at a level: the team's managers, its service's managers, or the senior
    leaders."""
    users = User.objects.filter(is_active=True).order_by("full_name", "pk")
    if level == Level.TEAM:
        if team is None:
            return []
        users = users.filter(
            role__in=policy.roles_with(RESPOND, policy.Scope.OWN_TEAM), memberships__team=team
        )
    elif level == Level.SERVICE:
        if team is None:
            return []
        users = users.filter(
            role__in=policy.roles_with(RESPOND, policy.Scope.OWN_SERVICE),
            service_id=team.service_id,
        )
    else:
        users = users.filter(
            role__in=policy.roles_with(policy.Capability.ANSWER_ESCALATED_CONCERNS)
        )
    return _may_be_told(users.distinct())


def qa_leads() -> list[User]:
    oversee = policy.roles_with(policy.Capability.OVERSEE_CONCERNS)
    return _may_be_told(User.objects.filter(role__in=oversee).order_by("full_name", "pk"))


def level_from(start: int, team: Team | None, *, raiser: User | None = None) -> int:
    """The first level, from `start` up, with someone other than the raiser to respond (the top
    level if none has)."""
    for level in Level.values:
        if level >= start and any(u != raiser for u in people_at(level, team)):
            return level
    return Level.SENIOR


def _notify(concern: Concern, step: str, level: int, people, *, leave_out: User) -> list[int]:
    """Write one notice per person (once each) and send their emails after the commit."""
    ids: list[int] = []
    seen: set[int] = set()
    for person in people:
        if person.pk in seen or person.pk == leave_out.pk or not person.is_active:
            continue
        seen.add(person.pk)
        notice, created = ConcernNotice.objects.get_or_create(
            concern=concern,
            user=person,
            step=step,
            level=level,
            defaults={"email": person.email},
        )
        if created:
            ids.append(notice.pk)
    if ids:
        transaction.on_commit(lambda: notify.send_notices(ids), robust=True)
    return ids


@dataclass
class RaisePreview:
    """Who a concern from this source would go to now, and by when they must respond."""

    level: int
    responsible: list[User]
    also_told: list[User] = field(default_factory=list)
    hours: int = 24

    @property
    def level_label(self) -> str:
        return Level(self.level).label


def raise_preview(info: sources.SourceInfo, raiser: User) -> RaisePreview:
    level = level_from(Level.TEAM, info.team, raiser=raiser)
    responsible = [u for u in people_at(level, info.team) if u != raiser]
    also = []
    if level == Level.TEAM:
        also = people_at(Level.SERVICE, info.team)
    also += [u for u in qa_leads() if u not in responsible and u not in also]
    also = [u for u in also if u != raiser]
    return RaisePreview(
        level=level,
        responsible=responsible,
        also_told=also,
        hours=info.response_hours or deadlines.default_hours(),
    )


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    source_type: str,
    source_id: str,
    description: str,
    now: datetime.datetime | None = None,
) -> Concern:
    source = sources.get(source_type)
    if source is None:
        raise ConcernError(f"Concerns cannot be raised from {source_type!r}.")
    info = source.resolve(actor, str(source_id))  # Http404 outside the actor's scope
    if not info.may_raise:
        raise ConcernError(f"You may not raise a safeguarding concern from {info.title}.")
    text = (description or "").strip()
    if not text:
        raise ConcernError("Describe the safeguarding concern.")
    if len(text) > MAX_TEXT:
        raise ConcernError(f"The concern must be {MAX_TEXT:,} characters or fewer.")
    now = now or timezone.now()
    preview = raise_preview(info, actor)
    concern = Concern.objects.create(
        source_type=source_type,
        source_id=str(source_id),
        source_title=info.title[:300],
        person_id=info.person_id,
        team=info.team,
        description=text,
        raised_by=actor,
        raised_at=now,
        response_hours=preview.hours,
        level=preview.level,
        respond_by=deadlines.respond_by(now, preview.hours, _calendar()),
    )
    fields = ("source_type", "source_id", "person_id", "team", "description", "level")
    record_change(
        actor=actor,
        action="concern_raise",
        obj=concern,
        before={**dict.fromkeys(fields), "respond_by": None, "told": None},
        after={
            **capture(concern, fields),
            "respond_by": concern.respond_by,
            "told": [u.full_name for u in (*preview.responsible, *preview.also_told)],
        },
    )
    _notify(
        concern,
        Step.RAISED,
        concern.level,
        [*preview.responsible, *preview.also_told],
        leave_out=actor,
    )
    return concern


def concern_escalate(*, concern: Concern, now: datetime.datetime) -> Concern | None:
    """Move an open concern whose deadline has passed to the next level up; None if it is
    answered, not yet due, or already with the senior leaders. Safe to call again."""
    with transaction.atomic():
        locked = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("team")
            .get(pk=concern.pk)
        )
        if not locked.is_open or locked.respond_by > now or locked.level >= Level.SENIOR:
            return None
        before = capture(locked, ("level", "respond_by", "escalated_at"))
        locked.level = level_from(locked.level + 1, locked.team, raiser=locked.raised_by)
        locked.escalated_at = now
        locked.respond_by = deadlines.respond_by(now, locked.response_hours, _calendar())
        locked.save(update_fields=["level", "respond_by", "escalated_at"])
        record_change(actor=None, action="concern_escalate", obj=locked, before=before)
        _notify(
            locked,
            Step.ESCALATED,
            locked.level,
            [*people_at(locked.level, locked.team), *qa_leads()],
            leave_out=locked.raised_by,
        )
    return locked


@dataclass
class EscalationRun:
    escalated: list[Concern]
    emails_sent: int


def concerns_escalate_due(
    *, now: datetime.datetime | None = None, retry_emails: bool = True
) -> EscalationRun:
    """Escalate every open concern whose deadline has passed, then (with `retry_emails`) send
    any email still unsent: a failed send is tried again here. Idempotent: a second run at the
    same moment does nothing more. Pages pass retry_emails=False, so a mail server that is down
    never holds up a page."""
    now = now or timezone.now()
    due = Concern.objects.filter(
        responded_at__isnull=True, respond_by__lte=now, level__lt=Level.SENIOR
    ).order_by("respond_by", "pk")
    escalated = [e for c in due if (e := concern_escalate(concern=c, now=now)) is not None]
    sent = notify.send_notices() if retry_emails else 0
    return EscalationRun(escalated=escalated, emails_sent=sent)


def may_respond(user: User, concern: Concern) -> bool:
    """Whether the user's role answers concerns and they did not raise this one. Whether they
    may see it at all is the selectors' question (404)."""
    return policy.can(user, RESPOND) and concern.raised_by_id != user.pk


@transaction.atomic
def concern_respond(
    *, actor: User, concern: Concern, response: str, now: datetime.datetime | None = None
) -> Concern:
    locked = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("responded_by")
        .get(pk=concern.pk)
    )
    if locked.responded_at is not None:
        raise ConcernAlreadyAnswered(
            f"{locked.responded_by.full_name} recorded a response at "
            f"{timezone.localtime(locked.responded_at):%H:%M on %d/%m/%Y}, so yours was not "
            "recorded. Read their response below.",
            current=locked,
            saved_by=locked.responded_by,
        )
    if locked.raised_by_id == actor.pk:
        raise ConcernError(RAISER_MAY_NOT_RESPOND)
    if not policy.can(actor, RESPOND):
        raise ConcernError("Your role may not record the response to a safeguarding concern.")
    text = (response or "").strip()
    if not text:
        raise ConcernError("Say what has been done in response to the concern.")
    if len(text) > MAX_TEXT:
        raise ConcernError(f"The response must be {MAX_TEXT:,} characters or fewer.")
    before = capture(locked, ("response", "responded_by", "responded_at"))
    locked.response = text
    locked.responded_by = actor
    locked.responded_at = now or timezone.now()
    locked.save(update_fields=["response", "responded_by", "responded_at"])
    record_change(actor=actor, action="concern_respond", obj=locked, before=before)
    told_before = User.objects.filter(concern_notices__concern=locked).distinct()
    _notify(
        locked,
        Step.RESPONDED,
        locked.level,
        [locked.raised_by, *told_before.order_by("full_name", "pk")],
        leave_out=actor,
    )
    return locked
