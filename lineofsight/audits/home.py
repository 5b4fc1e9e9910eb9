"""The quality assurance lead's audit figures on the home page (registered with web.panels in
AuditsConfig.ready()): audits under way and overdue, and moderation still to do, across every
programme. Audits are work items listed in full on the audit pages, so the counts are exact.
What is allocated to the user is in the audits app's own panels (selectors.home_panels)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.web.figures import number_text
from lineofsight.web.panels import Figure, Panel

from .models import Audit, AuditStatus, Moderation, ModerationStatus


def home_panels(user: User) -> list[Panel]:
    if not policy.can(user, policy.Capability.MANAGE_AUDIT_PROGRAMMES):
        return []
    today = timezone.localdate()
    unfinished = ~Q(status=AuditStatus.SUBMITTED)
    audits = Audit.objects.aggregate(
        under_way=Count("id", filter=unfinished),
        overdue=Count("id", filter=unfinished & Q(due_date__lt=today)),
    )
    moderation = Moderation.objects.aggregate(
        awaiting=Count("id", filter=Q(status=ModerationStatus.AWAITING)),
        graded=Count("id", filter=Q(status=ModerationStatus.GRADED)),
    )
    programmes = reverse("audits:programmes")
    mine = reverse("audits:my_audits")
    return [
        Panel(
            key="audit_programmes",
            title="Audit programmes at a glance",
            items=(),
            figures=(
                Figure(
                    "Audits not yet submitted", number_text(audits["under_way"] or 0), programmes
                ),
                Figure("Audits past their due date", number_text(audits["overdue"] or 0), mine),
                Figure(
                    "Audits waiting for a moderator's grade",
                    number_text(moderation["awaiting"] or 0),
                    programmes,
                ),
                Figure(
                    "Moderated audits waiting for the agreed grade",
                    number_text(moderation["graded"] or 0),
                    programmes,
                ),
            ),
            more_url=programmes,
            more_text="Go to audit programmes",
        )
    ]
