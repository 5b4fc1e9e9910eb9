"""Dismissing a finding, with the reason, and taking a dismissal back. Whoever may read the note
may do either (selectors.notes.note_for_user: 404 for anyone else). A dismissal names the
finding as the checker reports it now, so only a finding the checker really makes can be
dismissed."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from lineofsight.accounts.models import User
from lineofsight.history.services import capture, record_change
from lineofsight.web.errors import ServiceError

from ..models import FindingDismissal
from ..selectors.dismissals import dismissal_get
from ..selectors.notes import KEPT, finding_key, note_for_user, note_result

DISMISSAL_FIELDS = ("note_id", "rule", "start", "end", "text", "reason", "dismissed_by")
MAX_REASON = 2000


class DismissalError(ServiceError):
    """A dismissal that cannot be made; the message says why."""


def finding_dismiss(
    *, actor: User, note_id: str, rule: str, start: int, text: str, reason: str
) -> FindingDismissal:
    """Dismiss the finding of `rule` starting at `start` on `text` in the note, saying why.
    Dismissing it again keeps the first dismissal."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DismissalError("Say why this finding does not apply to this note", field="reason")
    if len(reason) > MAX_REASON:
        raise DismissalError(
            f"The reason must be {MAX_REASON:,} characters or fewer", field="reason"
        )
    access = note_for_user(actor, note_id)
    wanted = finding_key(rule, start, text)
    finding = next(
        (f for f in note_result(access).findings if finding_key(f.rule, f.start, f.text) == wanted),
        None,
    )
    if finding is None:
        raise DismissalError(
            "This finding is no longer made on this note (the rules may have changed): "
            "open the note again."
        )
    with transaction.atomic():
        existing = FindingDismissal.objects.filter(
            note_id=access.note.note_id, rule=rule, start=finding.start, text=finding.text[:KEPT]
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                dismissal = FindingDismissal.objects.create(
                    note_id=access.note.note_id,
                    person_id=access.note.person_id,
                    rule=finding.rule,
                    start=finding.start,
                    end=finding.end,
                    text=finding.text[:KEPT],
                    reason=reason,
                    dismissed_by=actor,
                )
        except IntegrityError:  # dismissed by someone else at the same moment
            return FindingDismissal.objects.get(
                note_id=access.note.note_id,
                rule=rule,
                start=finding.start,
                text=finding.text[:KEPT],
            )
        record_change(
            actor=actor,
            action="finding_dismiss",
            obj=dismissal,
            before=capture(None, DISMISSAL_FIELDS),
        )
    return dismissal


def finding_restore(*, actor: User, dismissal_id: int) -> FindingDismissal:
    """Take a dismissal back: the finding counts again. Returns the dismissal as it was."""
    dismissal = dismissal_get(dismissal_id)
    note_for_user(actor, dismissal.note_id)
    with transaction.atomic():
        locked = FindingDismissal.objects.select_for_update().filter(pk=dismissal.pk).first()
        if locked is None:  # restored by someone else meanwhile
            return dismissal
        record_change(
            actor=actor,
            action="finding_restore",
            obj=locked,
            before=capture(locked, DISMISSAL_FIELDS),
            after=dict.fromkeys(DISMISSAL_FIELDS),
        )
        locked.delete()
    return dismissal
