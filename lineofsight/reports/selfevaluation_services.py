"""Every write to the self-evaluation. Keyword-only, in a transaction, with change history.

Starting one gathers and keeps its evidence (`selfevaluation_evidence`) and a first draft of
each area's three answers. The answers are edited area by area, with the committee report's
optimistic lock (`ReportChangedMeanwhile` when someone saved meanwhile). A senior leader signs
a version off; from then on it never changes, and the next version starts as a copy of it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.history.services import capture, record_change, record_creation
from lineofsight.web.errors import EditConflict
from lineofsight.web.locking import version_take

from . import selfevaluation_evidence as evidence
from .models import SelfEvaluation, SelfEvaluationStatus
from .services import ReportError, _clean, period_end_choices

FIELDS = ("title", "year_end", "snapshot_id", "number", "status", "evidence_counted_at")
WRITE = policy.Capability.WRITE_COMMITTEE_REPORTS
SIGN_OFF = policy.Capability.SIGN_OFF_SELF_EVALUATION


class SelfEvaluationError(ReportError):
    """A change to a self-evaluation that cannot be made; the message says why."""


class SelfEvaluationChangedMeanwhile(SelfEvaluationError, EditConflict):
    """Someone else saved the self-evaluation after this person opened it."""

    def __init__(self, current: SelfEvaluation) -> None:
        when = timezone.localtime(current.updated_at)
        super().__init__(
            f"{current.updated_by.full_name} saved this self-evaluation at {when:%H:%M} on "
            f"{when.day} {when:%B %Y}, after you opened it. Your text has not been saved: it is "
            "still in the boxes below. Compare it with what they saved, then save again.",
            current=current,
            saved_by=current.updated_by,
        )


_ANSWERS_EDIT = VersionedEdit(
    SelfEvaluation,
    ("answers",),
    "self_evaluation_update_area",
    SelfEvaluationChangedMeanwhile,
    related=("snapshot", "updated_by", "created_by", "signed_off_by"),
)


def _refuse_if_signed_off(item: SelfEvaluation) -> None:
    if item.is_signed_off:
        raise SelfEvaluationError(
            f"Version {item.number} was signed off and can no longer be changed. Start a new "
            "version to change it."
        )


@transaction.atomic
def self_evaluation_create(
    *,
    actor: User,
    title: str,
    year_end: datetime.date,
    snapshot: Snapshot | None = None,
) -> SelfEvaluation:
    """A new self-evaluation (version 1) for the year to `year_end`, from `snapshot` (default:
    the current one), with its evidence kept and a first draft of every answer."""
    policy.require(actor, WRITE)
    snapshot = snapshot or store.current_snapshot()
    if snapshot is None:
        raise SelfEvaluationError(
            "No casework has been imported yet, so there is no evidence to start from."
        )
    if snapshot.is_removed:
        raise SelfEvaluationError("That case data is no longer kept; choose a newer one.")
    if year_end not in period_end_choices(snapshot):
        raise SelfEvaluationError(
            "Choose a year ending on 31 March, no later than the case data's date "
            f"({snapshot.as_at.day} {snapshot.as_at:%B %Y}).",
            field="year_end",
        )
    title = title.strip()
    if not title:
        raise SelfEvaluationError("Enter a title for the self-evaluation.", field="title")
    now = timezone.now()
    frozen = evidence.gather(actor=actor, snapshot=snapshot, year_end=year_end, at=now)
    answers = {ev.area.key: evidence.draft_answers(ev) for ev in evidence.all_evidence(frozen)}
    return _made(
        actor=actor,
        action="self_evaluation_create",
        at=now,
        title=title[:200],
        year_end=year_end,
        snapshot=snapshot,
        number=1,
        answers=answers,
        evidence_counted_at=now,
        frozen_evidence=frozen,
    )


def _made(*, actor: User, action: str, at: datetime.datetime, **fields: Any) -> SelfEvaluation:
    """A version created by `actor` at `at`, with its history."""
    item = SelfEvaluation.objects.create(
        **fields, created_by=actor, created_at=at, updated_by=actor, updated_at=at
    )
    record_creation(actor=actor, action=action, obj=item, fields=FIELDS)
    return item


@transaction.atomic
def self_evaluation_update_area(
    *,
    actor: User,
    item: SelfEvaluation,
    area: str,
    expected_version: int,
    what_we_know: str,
    how_we_know: str,
    what_next: str,
) -> SelfEvaluation:
    """Save one area's three answers. Refused once the version is signed off, and with
    SelfEvaluationChangedMeanwhile if someone saved it since `expected_version` was read."""
    policy.require(actor, WRITE)
    if area not in evidence.AREA_KEYS:
        raise SelfEvaluationError("There is no such area in the self-evaluation.")
    current = SelfEvaluation.objects.select_for_update().get(pk=item.pk)
    _refuse_if_signed_off(current)
    answers = dict(current.answers)
    answers[area] = {
        "what_we_know": _clean(what_we_know),
        "how_we_know": _clean(how_we_know),
        "what_next": _clean(what_next),
    }
    return _ANSWERS_EDIT.save(
        item.pk,
        actor=actor,
        expected_version=expected_version,
        values={"answers": answers},
    )


@transaction.atomic
def self_evaluation_sign_off(
    *, actor: User, item: SelfEvaluation, expected_version: int
) -> SelfEvaluation:
    """Sign the version off as it stands: it is locked from now on. Refused if someone saved it
    since `expected_version` was read (they may have changed what is being signed)."""
    policy.require(actor, SIGN_OFF)
    current = SelfEvaluation.objects.select_for_update().get(pk=item.pk)
    _refuse_if_signed_off(current)
    version_take(
        SelfEvaluation,
        item.pk,
        expected_version=expected_version,
        conflict=SelfEvaluationChangedMeanwhile,
    )
    before = capture(current, ("status", "signed_off_by", "signed_off_at"))
    now = timezone.now()
    SelfEvaluation.objects.filter(pk=item.pk).update(
        status=SelfEvaluationStatus.SIGNED_OFF,
        signed_off_by=actor,
        signed_off_at=now,
        updated_by=actor,
        updated_at=now,
    )
    saved = SelfEvaluation.objects.select_related("snapshot", "updated_by", "signed_off_by").get(
        pk=item.pk
    )
    record_change(actor=actor, action="self_evaluation_sign_off", obj=saved, before=before)
    return saved


@transaction.atomic
def self_evaluation_new_version(*, actor: User, item: SelfEvaluation) -> SelfEvaluation:
    """A new draft, numbered next, starting from a signed-off version's text and the same kept
    evidence. Refused for a draft, and for a version that already has a next one."""
    policy.require(actor, WRITE)
    current = SelfEvaluation.objects.select_for_update().get(pk=item.pk)
    if not current.is_signed_off:
        raise SelfEvaluationError(
            f"Version {current.number} is still a draft: edit it, or have it signed off first."
        )
    following = SelfEvaluation.objects.filter(previous=current).first()
    if following is not None:
        raise SelfEvaluationError(
            f"Version {following.number} has already been started from this one."
        )
    return _made(
        actor=actor,
        action="self_evaluation_new_version",
        at=timezone.now(),
        title=current.title,
        year_end=current.year_end,
        snapshot=current.snapshot,
        number=current.number + 1,
        previous=current,
        answers=current.answers,
        evidence_counted_at=current.evidence_counted_at,
        frozen_evidence=current.frozen_evidence,
    )
