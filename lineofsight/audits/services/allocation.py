"""Who may audit or moderate a file: the pool of workers, and giving files to them."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.history.services import capture, record_change

from .. import sampling, selectors
from ..models import (
    Audit,
    AuditProgramme,
    AuditStatus,
)
from .errors import AuditError


def worker_pool(roles: list[str], loads: Counter) -> list[sampling.Worker]:
    """Everyone in the pool, with the teams whose files they may not take."""
    users = selectors.eligible_auditors(roles).prefetch_related("memberships").order_by("pk")
    service_teams: dict[int, frozenset[int]] = {}
    for team_id, service_id in Team.objects.values_list("pk", "service_id"):
        service_teams[service_id] = service_teams.get(service_id, frozenset()) | {team_id}
    workers = []
    for user in users:
        conflicts = {m.team_id for m in user.memberships.all()}
        # A manager of a whole service manages every team in it: none of them is independent.
        if policy.scope_for(user) == policy.Scope.OWN_SERVICE and user.service_id:
            conflicts |= service_teams.get(user.service_id, frozenset())
        workers.append(
            sampling.Worker(
                user_id=user.pk,
                conflicts=frozenset(conflicts),
                professional_id=user.professional_id,
                load=loads.get(user.pk, 0),
            )
        )
    return workers


def _auditor_loads(programme: AuditProgramme) -> Counter:
    rows = (
        Audit.objects.filter(programme=programme, auditor__isnull=False)
        .values("auditor")
        .annotate(n=Count("id"))
    )
    return Counter({r["auditor"]: r["n"] for r in rows})


def choose_auditors(programme: AuditProgramme, audits: list[Audit]) -> int:
    """Give each (not yet saved) audit an auditor from outside the file's team, and its due
    date. Returns how many could be given nobody."""
    workers = worker_pool(programme.auditor_roles, _auditor_loads(programme))
    jobs = [
        sampling.Job(key=i, team_id=a.team_id, worker_id=a.worker_id) for i, a in enumerate(audits)
    ]
    chosen = sampling.allocate(jobs, workers)
    now = timezone.now()
    due = timezone.localdate() + datetime.timedelta(days=programme.audit_due_days)
    unallocated = 0
    for i, audit in enumerate(audits):
        if chosen.get(i) is None:
            unallocated += 1
            continue
        audit.auditor_id, audit.allocated_at, audit.due_date = chosen[i], now, due
    return unallocated


@transaction.atomic
def audit_reassign(*, actor: User, audit: Audit, auditor: User) -> Audit:
    """Give an audit to someone else (the QA lead's decision), still never to the file's team."""
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    locked = Audit.objects.select_for_update().get(pk=audit.pk)
    if locked.status == AuditStatus.SUBMITTED:
        raise AuditError("A submitted audit keeps its auditor.")
    worker = next(
        (w for w in worker_pool([auditor.role], Counter()) if w.user_id == auditor.pk), None
    )
    job = sampling.Job(key=locked.pk, team_id=locked.team_id, worker_id=locked.worker_id)
    if worker is None or not sampling.eligible(job, worker):
        raise AuditError(
            f"{auditor.full_name} cannot audit this file: it belongs to their own team or "
            "service, or to their own caseload."
        )
    before = capture(locked, ("auditor_id", "due_date"))
    locked.auditor = auditor
    locked.allocated_at = timezone.now()
    if locked.due_date is None:
        locked.due_date = timezone.localdate() + datetime.timedelta(
            days=locked.programme.audit_due_days
        )
    locked.save(update_fields=["auditor", "allocated_at", "due_date"])
    record_change(actor=actor, action="audit_reassign", obj=locked, before=before)
    return locked
