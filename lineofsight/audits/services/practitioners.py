"""The practitioner who holds an audited case: inviting them and their response."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.history.services import capture, record_change, record_set

from ..models import (
    Agreement,
    Audit,
    AuditVersion,
    PractitionerResponse,
)
from .errors import AuditError


def practitioner_for(audit: Audit) -> User | None:
    """The Line of Sight user who holds the case, by their id in the case system."""
    if not audit.worker_id:
        return None
    return (
        User.objects.filter(is_active=True, professional_id=audit.worker_id).order_by("pk").first()
    )


def invite_practitioner(*, actor: User, audit: Audit, version: AuditVersion) -> None:
    practitioner = practitioner_for(audit)
    if practitioner is None:
        return
    _, created = PractitionerResponse.objects.get_or_create(
        audit=audit, defaults={"practitioner": practitioner}
    )
    if created:
        record_set(
            actor=actor,
            action="audit_invite_practitioner",
            obj=audit,
            field="practitioner_invited",
            value=practitioner.full_name,
        )


@transaction.atomic
def practitioner_respond(
    *, actor: User, audit: Audit, agreement: str, comments: str, will_do: str
) -> PractitionerResponse:
    if agreement not in Agreement.values:
        raise AuditError("Say whether you agree with the findings.")
    response = PractitionerResponse.objects.select_for_update().filter(audit=audit).first()
    if response is None:
        practitioner = practitioner_for(audit)
        if practitioner is None or practitioner.pk != actor.pk:
            raise AuditError("Only the practitioner who holds the case can respond.")
        response = PractitionerResponse.objects.create(audit=audit, practitioner=actor)
    if response.practitioner_id != actor.pk:
        raise AuditError("Only the practitioner who holds the case can respond.")
    fields = ("agreement", "comments", "will_do", "responded_at", "version_number")
    before = capture(response, fields)
    response.agreement = agreement
    response.comments = comments.strip()
    response.will_do = will_do.strip()
    response.responded_at = timezone.now()
    response.version_number = (
        AuditVersion.objects.filter(audit=audit, is_current_submission=True)
        .values_list("number", flat=True)
        .first()
    )
    response.save(update_fields=list(fields))
    record_change(actor=actor, action="audit_practitioner_respond", obj=response, before=before)
    return response
