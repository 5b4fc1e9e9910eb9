"""Every write of the timeliness app: local timescale values, closure days, and recomputing a
snapshot under them. Each change to configuration writes change history, and takes effect at the
next import or recompute (snapshots already written keep the values they were computed with)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.casework.models import Snapshot
from lineofsight.history.services import (
    capture,
    record_change,
    record_creation,
    record_removal,
    record_set,
)
from lineofsight.intake import background
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.web.errors import ServiceError

from . import recompute
from .models import ClosurePeriod, LocalTimescale
from .rules import InvalidTimescale
from .selectors import rules_in_force

_TIMESCALE_FIELDS = ("rule_id", "value", "unit")
_CLOSURE_FIELDS = ("first_day", "last_day", "description")

# A closure longer than this is more likely a mistyped date than a real closure.
MAX_CLOSURE_DAYS = 31
MAX_DESCRIPTION = 100


def timescale_rule_update(
    *, actor: object | None, rule_id: str, value: int | str
) -> LocalTimescale:
    """Set a local rule's value. Raises InvalidTimescale, naming the rule and the problem, for
    an unknown or statutory rule or a value that is not a sensible whole number; then nothing
    is changed."""
    rule = rules_in_force().get(rule_id)
    if rule is None:
        raise InvalidTimescale(f"There is no timescale rule called {rule_id}")
    if not rule.editable:
        raise InvalidTimescale(f"{rule.title}: this is a statutory timescale and cannot be changed")
    amount = rule.check_value(value)
    unit = rule.default.unit.value
    with transaction.atomic():
        current = LocalTimescale.objects.select_for_update().filter(rule_id=rule_id).first()
        if current is not None and (current.value, current.unit) == (amount, unit):
            return current
        before = capture(current, _TIMESCALE_FIELDS)
        if current is None:
            current = LocalTimescale(rule_id=rule_id)
        current.value = amount
        current.unit = unit
        current.changed_by = actor if getattr(actor, "pk", None) else None
        current.changed_at = timezone.now()
        current.save()
        record_change(actor=actor, action="timescale_rule_update", obj=current, before=before)
    return current


def _check_closure(
    first_day: datetime.date | None, last_day: datetime.date | None, description: str
) -> str:
    errors: dict[str, str] = {}
    description = " ".join((description or "").split())
    if not description:
        errors["description"] = "Enter a description of the closure, like Christmas closure"
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"The description must be {MAX_DESCRIPTION} characters or fewer"
    if first_day is None:
        errors["first_day"] = "Enter the first day of the closure"
    if last_day is None:
        errors["last_day"] = "Enter the last day of the closure"
    if first_day and last_day:
        if last_day < first_day:
            errors["last_day"] = "The last day must be the same as or after the first day"
        elif (last_day - first_day).days + 1 > MAX_CLOSURE_DAYS:
            errors["last_day"] = (
                f"A closure can be at most {MAX_CLOSURE_DAYS} days long: check the dates"
            )
    if errors:
        raise ServiceError(errors=errors)
    return description


def closure_period_add(
    *,
    actor: object | None,
    first_day: datetime.date | None,
    last_day: datetime.date | None,
    description: str,
) -> ClosurePeriod:
    """Add days the council is closed. Raises ServiceError (by field) and changes nothing
    when the dates or description will not do."""
    description = _check_closure(first_day, last_day, description)
    with transaction.atomic():
        closure = ClosurePeriod.objects.create(
            first_day=first_day,
            last_day=last_day,
            description=description,
            added_by=actor if getattr(actor, "pk", None) else None,
        )
        record_creation(
            actor=actor, action="closure_period_add", obj=closure, fields=_CLOSURE_FIELDS
        )
    return closure


def closure_period_remove(*, actor: object | None, closure: ClosurePeriod) -> None:
    """Remove a closure; its days count as working days from the next import or recompute."""
    with transaction.atomic():
        locked = ClosurePeriod.objects.select_for_update().get(pk=closure.pk)
        record_removal(
            actor=actor, action="closure_period_remove", obj=locked, fields=_CLOSURE_FIELDS
        )
        locked.delete()


def snapshot_recompute(
    *, actor: object | None, snapshot: Snapshot | None = None, os_user: str = ""
) -> Snapshot:
    """Write a new snapshot from `snapshot` (default: the current one) with every derived table
    computed under the configuration now in force, and make it current: all or nothing."""
    return recompute.recompute(actor=actor, snapshot=snapshot, os_user=os_user)


class RecomputeAlreadyRunning(Exception):
    """An import or another recompute is still running; they run one at a time."""


# The kind of background work (intake.background) that recomputes a snapshot.
RECOMPUTE = "snapshot_recompute"
_STILL_RUNNING = "An import or recompute is still running. Wait for it to finish, then try again."


def snapshot_recompute_start(*, actor: User) -> ImportRun:
    """Queue recomputing the current snapshot from the Timescales page for the worker, as
    imports are (at once when settings.INTAKE_IMPORTS_INLINE is true, as in tests). The
    run records its progress and outcome. Refused, changing nothing, while an import or
    recompute waits or runs, or when the current snapshot cannot be recomputed
    (NoCurrentSnapshot, SnapshotFileMissing, SnapshotUnavailable for one awaiting review)."""
    policy.require(actor, policy.Capability.CONFIGURE)
    intake_services.import_runs_close_interrupted()
    running = ImportRun.objects.filter(status=RunStatus.RUNNING).first()
    if running is not None:
        raise RecomputeAlreadyRunning(_STILL_RUNNING)
    source = recompute.source_checked()
    try:
        with transaction.atomic():
            run = recompute.run_create(source=source, actor=actor, queued=True)
            record_set(
                actor=actor,
                action="timescales_recompute_start",
                obj=run,
                field="snapshot_id",
                value=source.pk,
            )
    except intake_services.ImportAlreadyRunning:
        # Another start got in first: the database allows one run at a time.
        raise RecomputeAlreadyRunning(_STILL_RUNNING) from None
    return background.run_in_background(run=run, kind=RECOMPUTE, params={"snapshot": source.pk})


def snapshot_recompute_work(*, run: ImportRun, snapshot: int) -> Snapshot:
    """The queued work of snapshot_recompute_start, as the worker calls it (JSON arguments)."""
    return recompute.recompute(
        actor=run.run_by, snapshot=Snapshot.objects.get(pk=snapshot), run=run
    )
