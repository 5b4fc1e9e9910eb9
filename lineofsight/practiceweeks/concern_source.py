"""How the concerns app sees a practice-week observation: registered in
PracticeWeeksConfig.ready(), so the concerns app never imports practice weeks. source_id is the
visit's pk, so a concern can be raised while the observation is still being written."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, User
from lineofsight.concerns.sources import SourceInfo
from lineofsight.web.ids import id_or_404

from . import selectors
from .models import Observation

SOURCE_TYPE = "observation"


def resolve_observation(user: User, source_id: str) -> SourceInfo:
    """The visit's observation as this user may see it; Http404 if the visit does not exist or
    is outside their scope. The visit's assessor and quality assurance leads may raise a concern
    from it. An observation names no child, so the concern has no person id."""
    pk = id_or_404(source_id, "observation")
    visit = selectors.get_visit_for_user(user, pk)
    url = reverse("practiceweeks:visit_detail", args=[visit.pk])
    observation = Observation.objects.filter(visit=visit).first()
    if (
        observation is not None
        and selectors.observations_visible_to(user).filter(pk=observation.pk).exists()
    ):
        url = reverse("practiceweeks:observation_detail", args=[observation.pk])
    when = timezone.localtime(visit.starts_at)
    return SourceInfo(
        title=f"Practice-week observation of {visit.team.name}, {when:%d/%m/%Y}",
        url=url,
        team=visit.team,
        may_raise=selectors.can_record(user, visit) or policy.can(user, selectors.MANAGE),
        purpose=AccessPurpose.PRACTICE_WEEK,
    )
