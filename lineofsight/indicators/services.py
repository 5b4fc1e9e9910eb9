"""Every write the improvement board makes: the council's targets for its indicators.

Keyword-only, in a transaction, with change history. Targets are shared settings that more than
one person may edit, so a save names the version it was read at; a save over someone else's
newer change is refused (`TargetChangedMeanwhile`), never silently overwriting it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from lineofsight.accounts import policy
from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import User
from lineofsight.history.services import record_creation, record_removal
from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.web.locking import version_take

from . import catalogue as cat
from .models import IndicatorTarget
from .types import Indicator, Polarity, Unit

TARGET_FIELDS = ("indicator_id", "target", "amber_margin", "note")


class TargetError(ServiceError):
    """A target that cannot be set whoever asks; the message says why, for the user."""


class TargetChangedMeanwhile(TargetError, EditConflict):
    """Someone else saved the target after the form was opened."""

    title = "Someone else changed this target"

    def __init__(self, current: IndicatorTarget | None) -> None:
        who = current.updated_by.full_name if current is not None else "Someone"
        super().__init__(
            f"{who} changed this target while you were editing it. Check their figures below, "
            "then save yours again if they should replace them.",
            current=current,
            saved_by=current.updated_by if current is not None else None,
        )


_TARGET_EDIT = VersionedEdit(IndicatorTarget, TARGET_FIELDS, "target_set", TargetChangedMeanwhile)


def _check(indicator: Indicator, target: float, amber_margin: float) -> None:
    if indicator.polarity is Polarity.NEITHER:
        raise TargetError(
            f"{indicator.title} is a volume to watch, not a target to beat, so it has no target."
        )
    if amber_margin < 0:
        raise TargetError("The amber margin cannot be less than 0.")
    if target < 0:
        raise TargetError("The target cannot be less than 0.")
    if indicator.unit is Unit.PERCENT and target > 100:
        raise TargetError("A percentage target cannot be more than 100.")


@transaction.atomic
def target_set(
    *,
    actor: User,
    indicator_id: str,
    target: float,
    amber_margin: float,
    note: str,
    expected_version: int,
) -> IndicatorTarget:
    """Set the target for an indicator. `expected_version` is the version the user read: 0 when
    there was no target yet. Refused with TargetChangedMeanwhile if it has changed since."""
    policy.require(actor, policy.Capability.SET_INDICATOR_TARGETS)
    try:
        indicator = cat.get(indicator_id)
    except KeyError:
        raise TargetError(f"There is no indicator {indicator_id!r}.") from None
    _check(indicator, target, amber_margin)
    values = {"target": float(target), "amber_margin": float(amber_margin), "note": note.strip()}
    existing = IndicatorTarget.objects.select_for_update().filter(indicator_id=indicator_id).first()
    if existing is None:
        if expected_version != 0:
            raise TargetChangedMeanwhile(None)
        try:
            with transaction.atomic():
                saved = IndicatorTarget.objects.create(
                    indicator_id=indicator_id, updated_by=actor, **values
                )
        except IntegrityError:
            # Someone else set the first target at the same moment.
            raise TargetChangedMeanwhile(
                IndicatorTarget.objects.select_related("updated_by").get(indicator_id=indicator_id)
            ) from None
        record_creation(actor=actor, action="target_set", obj=saved, fields=TARGET_FIELDS)
        return saved
    return _TARGET_EDIT.save(
        existing.pk, actor=actor, expected_version=expected_version, values=values
    )


@transaction.atomic
def target_remove(*, actor: User, indicator_id: str, expected_version: int) -> None:
    """Take the target away (the indicator is then shown without red, amber or green)."""
    policy.require(actor, policy.Capability.SET_INDICATOR_TARGETS)
    existing = IndicatorTarget.objects.select_for_update().filter(indicator_id=indicator_id).first()
    if existing is None:
        return
    # Taken at the version the form was loaded with, as an edit is (else TargetChangedMeanwhile).
    version_take(
        IndicatorTarget,
        existing.pk,
        expected_version=expected_version,
        conflict=TargetChangedMeanwhile,
    )
    record_removal(actor=actor, action="target_remove", obj=existing, fields=TARGET_FIELDS)
    existing.delete()
