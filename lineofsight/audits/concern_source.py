"""How the concerns app sees a case-file audit: registered in AuditsConfig.ready(), so the
concerns app never imports audits. source_id is the audit's pk."""

from __future__ import annotations

from django.urls import reverse

from lineofsight.accounts.models import AccessPurpose, User
from lineofsight.concerns.sources import SourceInfo
from lineofsight.web.ids import id_or_404

from . import selectors

SOURCE_TYPE = "audit"


def resolve_audit(user: User, source_id: str) -> SourceInfo:
    """The audit as this user may see it; Http404 if it does not exist or is outside their scope.
    The auditor, the moderator and quality assurance leads may raise a concern from it; the
    programme's own hours to respond apply."""
    pk = id_or_404(source_id, "audit")
    audit = selectors.get_audit_for_user(user, pk)
    return SourceInfo(
        title=f"Case-file audit {audit.reference}",
        url=reverse("audits:audit_detail", kwargs={"pk": audit.pk}),
        team=audit.team,
        person_id=audit.person_id,
        may_raise=selectors.can_raise_concern(user, audit),
        response_hours=audit.programme.safeguarding_response_hours,
        purpose=AccessPurpose.AUDIT,
    )
