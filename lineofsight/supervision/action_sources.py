"""How an improvement action raised from a case discussed at group supervision describes its
source: registered with the actions app's sources registry from `SupervisionConfig.ready()`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as format_date

from lineofsight.accounts.models import User
from lineofsight.actions import sources
from lineofsight.actions.models import SourceType
from lineofsight.web.ids import id_or_404

from .selectors import get_session_case_for_user


def describe_session_case(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the pk of the case discussed at a session (supervision.SessionCase), as
    `supervision.services.session_case_action_create` records it. Raises Http404 for a case that
    does not exist or lies outside the user's scope."""
    pk = id_or_404(source_id, "record")
    case = get_session_case_for_user(user, pk)
    session = case.session
    return sources.SourceInfo(
        title=f"{session.team.name} group supervision on {format_date(session.held_on, 'j F Y')}",
        url=reverse("supervision:case", kwargs={"pk": case.pk}),
        team=session.team,
        person_id=case.person_id,
    )


def register() -> None:
    sources.register(SourceType.SUPERVISION, describe_session_case)
