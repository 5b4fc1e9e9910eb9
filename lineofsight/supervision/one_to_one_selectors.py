"""Reads of one-to-one supervision, scoped by the requesting user.

Who sees a one-to-one: whoever may lead supervision for its team (the team's managers, quality
assurance leads), its supervisor and its supervisee (read-only unless they lead the team).
Everyone else gets 404. A team's workers are its active practitioners; each is on time or
overdue by the council's policy (one_to_one_policy).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Membership, Role, Team, User
from lineofsight.web.panels import Panel, PanelItem

from .models_one_to_one import OneToOne, SupervisionProfile
from .one_to_one_policy import SupervisionPolicy, add_months, current_policy
from .selectors import leadable_teams, may_lead

# How far back the evidence beside an audit, and a worker's page, look.
EVIDENCE_MONTHS = 6
PANEL_ITEMS = 5


def one_to_ones_visible_to(user: User) -> QuerySet[OneToOne]:
    found = OneToOne.objects.select_related("team", "supervisor", "supervisee")
    if not (user.is_authenticated and user.is_active and policy.role_approved(user)):
        return found.none()
    return found.filter(
        Q(team__in=leadable_teams(user)) | Q(supervisee=user) | Q(supervisor=user)
    ).distinct()


def get_one_to_one_for_user(user: User, pk: int) -> OneToOne:
    """The one-to-one, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(one_to_ones_visible_to(user), pk=pk)


def may_edit(user: User, record: OneToOne) -> bool:
    return may_lead(user, record.team)


def team_workers(team: Team) -> QuerySet[User]:
    """The team's workers who are supervised one to one: its active practitioners."""
    return User.objects.filter(
        memberships__team=team, role=Role.PRACTITIONER, is_active=True
    ).order_by("full_name", "pk")


def worker_in_team(worker: User, team: Team) -> bool:
    return team_workers(team).filter(pk=worker.pk).exists()


def teams_of_worker_led_by(user: User, worker: User) -> QuerySet[Team]:
    return leadable_teams(user).filter(memberships__user=worker).distinct()


def get_worker_for_user(user: User, worker_id: int) -> User:
    """A practitioner the user may see the supervision of: themselves, or a worker in a team
    the user leads supervision for; else 404."""
    worker = User.objects.filter(pk=worker_id, role=Role.PRACTITIONER).first()
    if worker is None:
        raise Http404("No such worker")
    if worker.pk != user.pk and not teams_of_worker_led_by(user, worker).exists():
        raise Http404("No such worker")
    return worker


def newly_qualified_since(worker: User) -> datetime.date | None:
    profile = SupervisionProfile.objects.filter(user=worker).first()
    return profile.newly_qualified_since if profile else None


def profile_for(worker: User) -> SupervisionProfile | None:
    return SupervisionProfile.objects.filter(user=worker).first()


@dataclass(frozen=True)
class WorkerStatus:
    worker: User
    last: datetime.date | None
    next_due: datetime.date
    overdue: bool
    stage: str
    newly_qualified_since: datetime.date | None

    @property
    def status(self) -> str:
        return "Overdue" if self.overdue else "On time"


def _started(worker_ids: list[int]) -> dict[int, datetime.date]:
    return dict(
        Membership.objects.filter(user_id__in=worker_ids)
        .values("user_id")
        .annotate(first=Min("since"))
        .values_list("user_id", "first")
    )


def statuses_for(
    workers: list[User],
    *,
    today: datetime.date | None = None,
    rules: SupervisionPolicy | None = None,
) -> list[WorkerStatus]:
    """Each worker's last supervision, next due date and status, overdue first (the longest
    overdue first), then by the date due. A few queries, whatever the number of workers."""
    today = today or timezone.localdate()
    rules = rules or current_policy()
    ids = [w.pk for w in workers]
    last: dict[int, datetime.date] = {}
    for worker_id, held_on in OneToOne.objects.filter(supervisee_id__in=ids).values_list(
        "supervisee_id", "held_on"
    ):
        if worker_id not in last or held_on > last[worker_id]:
            last[worker_id] = held_on
    qualified = dict(
        SupervisionProfile.objects.filter(user_id__in=ids).values_list(
            "user_id", "newly_qualified_since"
        )
    )
    started = _started(ids)
    rows = []
    for worker in workers:
        nq = qualified.get(worker.pk)
        held = last.get(worker.pk)
        due = rules.next_due(last=held, newly_qualified_since=nq, started=started.get(worker.pk))
        stage = rules.stage_on(nq, today)
        rows.append(WorkerStatus(worker, held, due, due < today, stage.label, nq))
    return sorted(rows, key=lambda r: (not r.overdue, r.next_due, r.worker.full_name))


def team_status(team: Team, *, today: datetime.date | None = None) -> list[WorkerStatus]:
    return statuses_for(list(team_workers(team)), today=today)


@dataclass(frozen=True)
class HeldSupervision:
    record: OneToOne
    due: datetime.date  # when it was due, by the policy
    on_time: bool


def history(
    worker: User,
    *,
    since: datetime.date | None = None,
    rules: SupervisionPolicy | None = None,
) -> list[HeldSupervision]:
    """The worker's one-to-ones, newest first, each with the date it was due by the policy
    (one interval after the one before, or after the worker's start) and whether it was held
    by then. Only those held on or after `since`, when given."""
    rules = rules or current_policy()
    nq = newly_qualified_since(worker)
    started = _started([worker.pk]).get(worker.pk)
    held: list[HeldSupervision] = []
    previous = None
    for record in (
        OneToOne.objects.filter(supervisee=worker)
        .select_related("supervisor", "team")
        .order_by("held_on", "id")
    ):
        due = rules.next_due(last=previous, newly_qualified_since=nq, started=started)
        held.append(HeldSupervision(record, due, record.held_on <= due))
        previous = record.held_on
    if since is not None:
        held = [h for h in held if h.record.held_on >= since]
    return list(reversed(held))


def months_before(day: datetime.date, months: int) -> datetime.date:
    return add_months(day, -months)


@dataclass(frozen=True)
class WorkerEvidence:
    """A worker's one-to-one supervision in the last months, to read beside audit questions
    about supervision. It answers no question."""

    worker: User
    since: datetime.date
    held: list[HeldSupervision]
    status: WorkerStatus


def worker_evidence(
    professional_id: str, *, today: datetime.date | None = None
) -> WorkerEvidence | None:
    """The one-to-one supervision in the last six months of the worker with this case-system
    id (the child's allocated worker), or None when no active practitioner has it."""
    if not professional_id:
        return None
    worker = User.objects.filter(
        professional_id=professional_id, role=Role.PRACTITIONER, is_active=True
    ).first()
    if worker is None:
        return None
    today = today or timezone.localdate()
    since = months_before(today, EVIDENCE_MONTHS)
    return WorkerEvidence(
        worker,
        since,
        history(worker, since=since),
        statuses_for([worker], today=today)[0],
    )


def home_panels(user: User) -> list[Panel]:
    """For a team manager: the workers in their teams whose one-to-one supervision is overdue
    (registered with web.panels). Quality assurance leads, who lead every team, use the team
    pages instead."""
    if not (
        user.is_authenticated
        and policy.can(user, policy.Capability.LEAD_SUPERVISION)
        and policy.scope_for(user) is policy.Scope.OWN_TEAM
    ):
        return []
    today = timezone.localdate()
    overdue: list[tuple[WorkerStatus, Team]] = []
    teams = list(leadable_teams(user))
    for team in teams:
        overdue += [(s, team) for s in team_status(team, today=today) if s.overdue]
    if not overdue:
        return []
    overdue.sort(key=lambda pair: (pair[0].next_due, pair[0].worker.full_name))
    if len(teams) == 1:
        more_url = reverse("supervision:one_to_one_team", kwargs={"team_id": teams[0].pk})
        more_text = f"Supervision of {teams[0].name}"
    else:
        more_url, more_text = reverse("supervision:one_to_ones"), "Supervision of your teams"
    return [
        Panel(
            key="one-to-one-supervision",
            title="One-to-one supervision overdue",
            items=tuple(
                PanelItem(
                    text=s.worker.full_name,
                    url=reverse("supervision:one_to_one_worker", kwargs={"worker_id": s.worker.pk}),
                    detail=f"{team.name}: due {s.next_due:%d/%m/%Y}",
                    tag="Overdue",
                    tag_class="govuk-tag--red",
                )
                for s, team in overdue[:PANEL_ITEMS]
            ),
            summary=f"{len(overdue)} overdue",
            more_url=more_url,
            more_text=more_text,
        )
    ]
